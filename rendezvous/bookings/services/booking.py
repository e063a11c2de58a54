"""Booking workflows: book, cancel, move, confirm or reject. Each runs in one transaction and
queues its emails inside it; a new booking marks its mails due, to the booker and to the
teacher, and the worker queues them (booking_mails)."""

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from rendezvous.accounts.models import STAFF_ROLES, Role, User
from rendezvous.bookings import errors
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking, BookingStatus
from rendezvous.bookings.selectors import booker_may_change, hosted_by_teacher_of
from rendezvous.bookings.services.notify import (
    NoteFrom,
    booker_mail_due,
    note_from,
    notify_booker,
    notify_host_of_note,
    request_mail_due,
)
from rendezvous.lib.queries import Prepared, PreparedUpdate
from rendezvous.scheduling.models import Event, Phase, Slot, SlotStatus
from rendezvous.school.models import Guardianship, Pupil

# The longest note a teacher, the office or a parent may add to a rejection or cancellation.
MESSAGE_MAX_LENGTH = 1000


def _is_staff(user: User) -> bool:
    return user.role in STAFF_ROLES


def _check_slot_bookable(slot: Slot, *, window: bool = True) -> None:
    """`window=False` lets the office move an appointment after booking has closed."""
    if slot.status != SlotStatus.OPEN:
        raise errors.SlotUnavailable()
    if slot.starts_at <= timezone.now():
        raise errors.SlotInPast()
    if window and slot.event is not None and not slot.event.is_bookable():
        raise errors.BookingClosed()


def _eligibility(booker: int, pupil: int, school_class: int) -> dict:
    """The rules on who may book a slot for a child, as annotations of the slot row: a parent
    books for their own child, in an event of the child's class, with one of the child's
    teachers, once per teacher and event. Staff book without a child."""
    event_classes = Event.classes.through.objects.filter(
        event_id=OuterRef("event_id"), schoolclass_id=school_class
    )
    booked = Booking.objects.filter(
        pupil=pupil, host=OuterRef("host_id"), event=OuterRef("event_id")
    ).filter(status__in=ACTIVE_STATUSES)
    return {
        "is_guardian": Exists(Guardianship.objects.filter(pupil=pupil, parent=booker)),
        "in_event_classes": Exists(event_classes),
        "may_meet": ExpressionWrapper(
            hosted_by_teacher_of(school_class), output_field=BooleanField()
        ),
        "already_booked": Exists(booked),
    }


def _check_pupil(booker: User, slot: Slot, pupil: Pupil | None) -> None:
    """Raise for a slot read with _eligibility's annotations."""
    if booker.role != Role.PARENT:
        return
    if pupil is None or not (slot.is_guardian and slot.may_meet):
        raise errors.NotEligible()
    if slot.event_id is not None and not slot.in_event_classes:
        raise errors.NotEligible()
    if slot.already_booked:
        raise errors.AlreadyBooked()


def _check_no_overlap(booker: User, slot: Slot, *, exclude: Booking | None = None) -> None:
    check_booker_free(booker, slot.starts_at, slot.ends_at, exclude=exclude)


def booker_clashes(booker: User, starts_at, ends_at) -> QuerySet[Booking]:
    """The booker's active bookings within [starts_at, ends_at): datetimes, or OuterRefs to
    the bounds of the slot a query reads."""
    return Booking.objects.filter(
        booker=booker,
        status__in=ACTIVE_STATUSES,
        slot__starts_at__lt=ends_at,
        slot__ends_at__gt=starts_at,
    )


def check_booker_free(
    booker: User, starts_at: datetime, ends_at: datetime, *, exclude: Booking | None = None
) -> None:
    """Nobody's active appointments overlap: raise BookerOverlap if the booker holds another active
    booking within [starts_at, ends_at). Call lock_booker(booker) first in the same transaction."""
    clashes = booker_clashes(booker, starts_at, ends_at)
    if exclude is not None:
        clashes = clashes.exclude(pk=exclude.pk)
    if clashes.exists():
        raise errors.BookerOverlap()


def _seats_taken(slot: int, seats: int):
    rows = Slot.objects.filter(
        pk=slot, status=SlotStatus.OPEN, seats_taken__lte=F("capacity") - seats
    )
    return rows, {"seats_taken": F("seats_taken") + seats}


# Built once: every booking takes its places with it.
_TAKE_SEATS = PreparedUpdate(_seats_taken)


def _take_seats(slot: Slot, seats: int) -> None:
    """A slot never holds more than its places: one conditional UPDATE decides who gets the
    last place."""
    if not _TAKE_SEATS(slot=slot.pk, seats=seats):
        raise errors.SlotTaken()


def _release_seats(slot_id: int, seats: int) -> None:
    Slot.objects.filter(pk=slot_id).update(seats_taken=F("seats_taken") - seats)


def _user_row_locked(user: int) -> QuerySet[User]:
    return User.objects.select_for_update().filter(pk=user).order_by().values_list("pk")


# Built once: every booking takes this lock (always inside its transaction).
_LOCK_USER = Prepared(_user_row_locked)


def _lock_user(user: User) -> None:
    """Serialise one person's bookings. PostgreSQL locks the user's row; SQLite needs nothing,
    as each write transaction there holds the whole database from its start."""
    if not connection.features.has_select_for_update:
        return
    _LOCK_USER(user=user.pk)


def lock_booker(user: User) -> None:
    """The lock book_slot and move_booking take: hold it while changing a booker's times."""
    _lock_user(user)


def _repeated(booking_id: int, slot: Slot, pupil: Pupil | None, seats: int) -> Booking:
    """The booking an earlier try with the same key made, if this try asks for the same."""
    booking = Booking.objects.get(pk=booking_id)
    if (booking.slot_id, booking.pupil_id, booking.seats) != (slot.pk, pupil and pupil.pk, seats):
        raise errors.IdempotencyConflict()
    return booking


def _slot_with_rules(
    slot: int, booker: int, key: str = "", pupil: int = 0, school_class: int = 0
) -> QuerySet[Slot]:
    """The slot with every rule's answer for this booking: the booker's clashes; with a key,
    the booking an earlier try with it made; with a child, the child's eligibility."""
    clashes = booker_clashes(booker, OuterRef("starts_at"), OuterRef("ends_at"))
    rules = {"clashes": Exists(clashes)}
    if key:
        earlier = Booking.objects.filter(booker=booker, idempotency_key=key)
        rules["earlier_id"] = Subquery(earlier.values("pk")[:1])
    if pupil:
        rules.update(_eligibility(booker, pupil, school_class))
    return Slot.objects.select_related("event", "host").annotate(**rules).filter(pk=slot)


# Built once: every booking asks the same question of other rows.
_SLOT_WITH_RULES = Prepared(_slot_with_rules)


def _slot_to_book(slot: Slot, booker: User, pupil: Pupil | None, idempotency_key: str) -> Slot:
    """The slot as it is now, with every rule's answer for this booking in the same query."""
    values = {"slot": slot.pk, "booker": booker.pk}
    if idempotency_key:
        values["key"] = idempotency_key
    if booker.role == Role.PARENT and pupil is not None:
        values.update(pupil=pupil.pk, school_class=pupil.school_class_id)
    rows = _SLOT_WITH_RULES(**values)
    if not rows:
        raise Slot.DoesNotExist
    return rows[0]


def book_slot(
    *,
    booker: User,
    slot: Slot,
    pupil: Pupil | None = None,
    seats: int = 1,
    idempotency_key: str = "",
) -> Booking:
    """Book a slot. Repeating the same idempotency key returns the first booking."""
    if seats not in (1, 2):
        raise errors.InvalidSeats()
    with transaction.atomic():
        _lock_user(booker)
        slot = _slot_to_book(slot, booker, pupil, idempotency_key)
        if idempotency_key and slot.earlier_id is not None:
            return _repeated(slot.earlier_id, slot, pupil, seats)
        if slot.organisation_id != booker.organisation_id:
            raise errors.SlotUnavailable()
        _check_slot_bookable(slot)
        _check_pupil(booker, slot, pupil)
        if slot.clashes:
            raise errors.BookerOverlap()
        _take_seats(slot, seats)
        auto = slot.event is not None and slot.event.auto_confirm
        status = BookingStatus.CONFIRMED if auto else BookingStatus.PENDING
        # No savepoint: a refused INSERT ends the whole booking, whose transaction the error
        # rolls back on its way out.
        try:
            booking = Booking.objects.create(
                organisation=booker.organisation,  # the same (checked above), often loaded
                slot=slot,
                host=slot.host,
                event=slot.event,
                booker=booker,
                pupil=pupil,
                seats=seats,
                status=status,
                idempotency_key=idempotency_key,
                booker_mail_due=booker_mail_due(booker),
                request_mail_due=request_mail_due(slot.host, status),
            )
        except IntegrityError as exc:
            raise errors.AlreadyBooked() from exc
    return booking


def _locked(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("slot", "event", "host", "booker", "pupil", "organisation")
        .get(pk=booking.pk)
    )


def _check_cutoff(booking: Booking, actor: User) -> None:
    """Parents change their own appointments only until the event's cutoff; staff always."""
    if _is_staff(actor):
        return
    if not booker_may_change(booking):
        raise errors.CutoffPassed()


def _note(message: str) -> str:
    return message.strip()[:MESSAGE_MAX_LENGTH]


def cancel_booking(*, booking: Booking, actor: User, message: str = "") -> Booking:
    """Cancel an active booking. The booker is mailed, with `message` quoted; a booker who
    cancels with a message has it sent on to the teacher."""
    with transaction.atomic():
        booking = _locked(booking)
        if not booking.is_active:
            raise errors.InvalidTransition()
        _check_cutoff(booking, actor)
        booking.status = BookingStatus.CANCELLED
        booking.decision_message = _note(message)
        booking.sequence += 1
        booking.save(update_fields=["status", "decision_message", "sequence", "updated_at"])
        _release_seats(booking.slot_id, booking.seats)
        author = note_from(booking, actor)
        notify_booker(booking, "booking_cancelled", note_from=author)
        if author == NoteFrom.BOOKER:
            notify_host_of_note(booking)
    return booking


def _swap_seats(booking: Booking, to_slot: Slot) -> None:
    """Touch the two slot rows in id order, so two opposite moves cannot deadlock."""
    if to_slot.pk < booking.slot_id:
        _take_seats(to_slot, booking.seats)
        _release_seats(booking.slot_id, booking.seats)
    else:
        _release_seats(booking.slot_id, booking.seats)
        _take_seats(to_slot, booking.seats)


def _check_move_target(booking: Booking, to_slot: Slot, actor: User) -> None:
    """Same teacher and event. The booker's limit is the cutoff, not the booking window,
    but a closed event is frozen for them; the office may move at any time."""
    if to_slot.host_id != booking.host_id or to_slot.event_id != booking.event_id:
        raise errors.SlotUnavailable()
    _check_slot_bookable(to_slot, window=False)
    if not _is_staff(actor) and to_slot.event is not None and to_slot.event.phase != Phase.OPEN:
        raise errors.BookingClosed()


def move_booking(*, booking: Booking, to_slot: Slot, actor: User) -> Booking:
    """Move to another free slot of the same teacher (and event)."""
    with transaction.atomic():
        if booking.booker_id:
            # Same lock as book_slot: the overlap check below must not race a new booking.
            _lock_user(booking.booker)
        booking = _locked(booking)
        if not booking.is_active:
            raise errors.InvalidTransition()
        _check_cutoff(booking, actor)
        to_slot = Slot.objects.select_related("event", "host").get(pk=to_slot.pk)
        if to_slot.pk == booking.slot_id:
            return booking
        _check_move_target(booking, to_slot, actor)
        if booking.booker_id:
            _check_no_overlap(booking.booker, to_slot, exclude=booking)
        _swap_seats(booking, to_slot)
        auto = booking.event is not None and booking.event.auto_confirm
        if not (_is_staff(actor) or auto):
            booking.status = BookingStatus.PENDING
        booking.slot = to_slot
        booking.sequence += 1
        booking.save(update_fields=["slot", "status", "sequence", "updated_at"])
        notify_booker(booking, "booking_moved")
    return booking


def decide_booking(
    *, booking: Booking, confirm: bool, message: str = "", actor: User | None = None
) -> Booking:
    """The teacher (or office) confirms or rejects a pending booking. A rejection may carry
    a message, which the booker's mail quotes as the `actor`'s (the teacher's when not
    given); a confirmation carries none."""
    if confirm and message:
        raise ValueError("a confirmation carries no message")
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status != BookingStatus.PENDING:
            raise errors.InvalidTransition()
        booking.status = BookingStatus.CONFIRMED if confirm else BookingStatus.REJECTED
        booking.decision_message = _note(message)
        booking.sequence += 1
        booking.save(update_fields=["status", "decision_message", "sequence", "updated_at"])
        if not confirm:
            _release_seats(booking.slot_id, booking.seats)
        author = note_from(booking, actor) if actor is not None else NoteFrom.TEACHER
        template = "booking_confirmed" if confirm else "booking_rejected"
        notify_booker(booking, template, note_from=author)
    return booking


def _may_decide(actor: User, booking: Booking) -> bool:
    """A teacher decides on their own requests; the office on any of its organisation's."""
    if booking.organisation_id != actor.organisation_id:
        return False
    return actor.role == Role.ADMIN or booking.host_id == actor.pk


def confirm_bookings(*, bookings: Iterable[Booking], actor: User) -> list[Booking]:
    """Confirm several requests at once; returns those confirmed.

    Each is confirmed in its own transaction, with its own mail: a request that was cancelled
    or decided meanwhile (or is not the actor's to decide) is passed over and does not stop
    the others. The caller tells the person which ones were confirmed.
    """
    confirmed = []
    for booking in bookings:
        if not _may_decide(actor, booking):
            continue
        try:
            confirmed.append(decide_booking(booking=booking, confirm=True, actor=actor))
        except errors.InvalidTransition:
            continue
    return confirmed


@transaction.atomic
def cancel_slot_bookings(*, slot: Slot) -> int:
    """Cancel every active booking of a slot that is being cancelled; their bookers are told."""
    count = 0
    for booking in slot.bookings.filter(status__in=ACTIVE_STATUSES):
        booking = _locked(booking)
        booking.status = BookingStatus.CANCELLED
        booking.sequence += 1
        booking.save(update_fields=["status", "sequence", "updated_at"])
        _release_seats(booking.slot_id, booking.seats)
        notify_booker(booking, "booking_cancelled")
        count += 1
    return count
