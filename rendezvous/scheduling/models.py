from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    ARCHIVED = "archived", _("Archived")


# Where an event may go from each phase. Going back from open to draft is refused once
# somebody has booked (scheduling.services.set_event_phase).
PHASE_STEPS = {
    Phase.DRAFT: (Phase.OPEN,),
    Phase.OPEN: (Phase.CLOSED, Phase.DRAFT),
    Phase.CLOSED: (Phase.ARCHIVED,),
    Phase.ARCHIVED: (),
}


# What the office may word per language on an event.
EVENT_TEXT_FIELDS = ("name", "description")


def validate_event_translations(value) -> None:
    """{"en": {"name": "…", "description": "…"}, …}: known languages, known fields, text."""
    languages = {code for code, _label in settings.LANGUAGES}
    if not isinstance(value, dict):
        raise ValidationError(_("Enter the wording per language."))
    for language, wording in value.items():
        if language not in languages or not isinstance(wording, dict):
            raise ValidationError(_("Enter the wording per language."))
        for field, text in wording.items():
            if field not in EVENT_TEXT_FIELDS or not isinstance(text, str):
                raise ValidationError(_("Enter the wording per language."))


class Event(models.Model):
    """A parents' evening: one or more dates on which the teachers of some classes meet parents."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="events"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The office's own wording in other languages than name and description above, e.g.
    # {"en": {"name": "Parents' evening", "description": "…"}}; see translated().
    translations = models.JSONField(
        _("name and description in other languages"),
        default=dict,
        blank=True,
        validators=[validate_event_translations],
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    booking_opens_at = models.DateTimeField(_("booking opens"))
    booking_closes_at = models.DateTimeField(_("booking closes"))
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices, default=Phase.DRAFT)
    classes = models.ManyToManyField(
        "school.SchoolClass", blank=True, related_name="events", verbose_name=_("classes")
    )
    default_slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=10)
    change_cutoff_hours = models.PositiveSmallIntegerField(
        _("parents may cancel or move until (hours before)"), default=24
    )
    auto_confirm = models.BooleanField(_("confirm bookings automatically"), default=False)
    retention_days = models.PositiveSmallIntegerField(_("keep data for (days after)"), default=14)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="event_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(booking_closes_at__gt=F("booking_opens_at")),
                name="event_booking_window_is_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def translated(self, field: str, language: str | None = None) -> str:
        """`field` ("name" or "description") in `language` (by default the active one): the
        office's wording for that language if it gave one, else the field itself."""
        language = (language or translation.get_language() or "").split("-")[0]
        wording = self.translations.get(language) if isinstance(self.translations, dict) else None
        return (wording or {}).get(field) or getattr(self, field)

    @property
    def display_name(self) -> str:
        """The name for parents and mail, in the active language. The office's pages show
        `name`, the wording it wrote, and the other languages beside it."""
        return self.translated("name")

    @property
    def display_description(self) -> str:
        return self.translated("description")

    def is_bookable(self, at=None) -> bool:
        at = at or timezone.now()
        return self.phase == Phase.OPEN and self.booking_opens_at <= at < self.booking_closes_at

    @property
    def change_cutoff(self) -> timedelta:
        return timedelta(hours=self.change_cutoff_hours)


class Subject(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="subjects"
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_subject_name")
        ]

    def __str__(self) -> str:
        return self.name


class Mode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    ONLINE = "online", _("Online")


class Audience(models.TextChoices):
    PARENTS = "parents", _("Parents of the event's classes")
    STUDENTS = "students", _("Registered students")
    PUBLIC = "public", _("Anyone with the link")


class SlotStatus(models.TextChoices):
    OPEN = "open", _("Open")
    TENTATIVE = "tentative", _("Tentative")
    CANCELLED = "cancelled", _("Cancelled")


# What a teacher sets on a slot: the slot form, the edit page and update_slot share this list.
SLOT_FIELDS = ("starts_at", "ends_at", "capacity", "mode", "room", "video_url", "subject")


class Slot(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="slots"
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="hosted_slots",
        verbose_name=_("teacher"),
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="slots",
        null=True,
        blank=True,
        verbose_name=_("event"),
    )
    subject = models.ForeignKey(
        Subject,
        on_delete=models.SET_NULL,
        related_name="slots",
        null=True,
        blank=True,
        verbose_name=_("subject"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("places"), default=1)
    seats_taken = models.PositiveSmallIntegerField(_("places taken"), default=0)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.ON_SITE)
    room = models.CharField(_("room"), max_length=100, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.PARENTS
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SlotStatus.choices, default=SlotStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["host", "starts_at"]),
            models.Index(fields=["event", "host", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")), name="slot_seats_within_capacity"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="slot_capacity_positive"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.host} {local:%Y-%m-%d %H:%M}"

    @property
    def free_places(self) -> int:
        return self.capacity - self.seats_taken

    @property
    def is_cancelled(self) -> bool:
        return self.status == SlotStatus.CANCELLED

    @property
    def is_online(self) -> bool:
        return self.mode == Mode.ONLINE

    @property
    def video_link(self) -> str:
        """The video link when it is a web address, for pages and mails to link to; anything
        else (a javascript: address would run when clicked) is not linked."""
        scheme = self.video_url.split(":", 1)[0].lower() if ":" in self.video_url else ""
        return self.video_url if scheme in ("http", "https") else ""
