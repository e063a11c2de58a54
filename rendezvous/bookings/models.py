import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rendezvous.calendars.ics import new_calendar_uid


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")


ACTIVE_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED)


def new_manage_token() -> str:
    return secrets.token_urlsafe(24)


class Booking(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="bookings"
    )
    slot = models.ForeignKey(
        "scheduling.Slot",
        on_delete=models.CASCADE,
        related_name="bookings",
        verbose_name=_("slot"),
    )
    # Copied from the slot so the database can hold "one booking per pupil, teacher and event".
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="hosted_bookings",
        verbose_name=_("teacher"),
    )
    event = models.ForeignKey(
        "scheduling.Event",
        on_delete=models.CASCADE,
        related_name="bookings",
        null=True,
        blank=True,
        verbose_name=_("event"),
    )
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="bookings",
        null=True,
        blank=True,
        verbose_name=_("booked by"),
    )
    pupil = models.ForeignKey(
        "school.Pupil",
        on_delete=models.CASCADE,
        related_name="bookings",
        null=True,
        blank=True,
        verbose_name=_("pupil"),
    )
    guest_name = models.CharField(_("name"), max_length=200, blank=True)
    guest_email = models.EmailField(_("email"), blank=True)
    guest_phone = models.CharField(_("phone"), max_length=50, blank=True)
    seats = models.PositiveSmallIntegerField(_("places"), default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.PENDING
    )
    message = models.TextField(_("message"), blank=True)
    # What the teacher or the office wrote when rejecting or cancelling (or the parent when
    # cancelling); the mail about it quotes it.
    decision_message = models.TextField(_("message with the decision"), blank=True)
    # The calendar entry's UID, fixed when the booking is made so that it never changes with
    # the site's address or key. Bookings from before it was stored have none and keep the
    # UID their invitations already carry (see bookings.services.notify).
    ical_uid = models.CharField(
        max_length=255, blank=True, default=new_calendar_uid, editable=False
    )
    manage_token = models.CharField(max_length=64, unique=True, default=new_manage_token)
    idempotency_key = models.CharField(max_length=64, blank=True)
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE of the invitation
    # The mails of a new booking that the worker queues (bookings.services.booking_mails), not
    # the booking's request: the booker's, when they have an address; the teacher's, for a
    # request to a teacher who chose to hear of each one at once.
    booker_mail_due = models.BooleanField(default=False, editable=False)
    request_mail_due = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["slot__starts_at"]
        indexes = [
            models.Index(fields=["booker", "status"]),
            models.Index(fields=["event", "status"]),
            models.Index(
                fields=["id"], condition=Q(booker_mail_due=True), name="booking_booker_mail_due"
            ),
            models.Index(
                fields=["id"], condition=Q(request_mail_due=True), name="booking_request_mail_due"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(seats__in=[1, 2]), name="booking_seats_one_or_two"),
            models.UniqueConstraint(
                fields=["booker", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="unique_booking_idempotency_key",
            ),
            models.UniqueConstraint(
                fields=["ical_uid"], condition=~Q(ical_uid=""), name="unique_booking_ical_uid"
            ),
            models.UniqueConstraint(
                fields=["pupil", "host", "event"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="one_active_booking_per_pupil_teacher_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot} – {self.booker_name}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_pending(self) -> bool:
        return self.status == BookingStatus.PENDING

    @property
    def booker_name(self) -> str:
        if self.booker_id:
            return str(self.booker)
        return self.guest_name

    @property
    def contact_email(self) -> str:
        return self.booker.email if self.booker_id else self.guest_email
