"""Scheduling workflows: events (E4), slots (E1, E3) and bulk patterns (E2).

Each write runs in one transaction; bookers' emails are queued inside it."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NotRequired, TypedDict, Unpack
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rendezvous.accounts.models import STAFF_ROLES, User
from rendezvous.bookings.errors import BookerOverlap
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.bookings.services import (
    cancel_slot_bookings,
    check_booker_free,
    lock_booker,
    notify_booker,
)
from rendezvous.lib.errors import NotAllowed
from rendezvous.organisations.models import Organisation
from rendezvous.scheduling import errors
from rendezvous.scheduling.models import Event, Mode, Phase, Slot, SlotStatus, Subject
from rendezvous.scheduling.patterns import SlotPattern, Span, expand_pattern
from rendezvous.school.models import SchoolClass

__all__ = [
    "SlotPattern",
    "SlotPreview",
    "check_slot_changeable",
    "create_event",
    "create_slot",
    "delete_slot",
    "expand_pattern",
    "find_overlaps",
    "generate_slots",
    "preview_slots",
    "set_event_phase",
    "update_event",
    "update_slot",
]

OVERLAP_CONSTRAINT = "slot_host_no_overlap"  # migration scheduling 0002, PostgreSQL only
SLOT_PHASES = (Phase.DRAFT, Phase.OPEN)


PHASE_STEPS = {
    (Phase.DRAFT, Phase.OPEN),
    (Phase.OPEN, Phase.CLOSED),
    (Phase.CLOSED, Phase.ARCHIVED),
    (Phase.OPEN, Phase.DRAFT),
}


class EventFields(TypedDict):
    name: str
    starts_on: date
    ends_on: date
    booking_opens_at: datetime
    booking_closes_at: datetime
    default_slot_minutes: NotRequired[int]
    change_cutoff_hours: NotRequired[int]
    auto_confirm: NotRequired[bool]
    retention_days: NotRequired[int]


def _check_event_fields(organisation_id: int, fields: EventFields, classes) -> None:
    if fields["ends_on"] < fields["starts_on"]:
        raise errors.EventInvalid(_("The last day cannot be before the first day."))
    if fields["booking_closes_at"] <= fields["booking_opens_at"]:
        raise errors.EventInvalid(_("Booking must close after it opens."))
    if fields.get("default_slot_minutes", 10) < 1:
        raise errors.EventInvalid(_("A slot must last at least one minute."))
    if any(c.organisation_id != organisation_id for c in classes):
        raise NotAllowed()


def create_event(
    *,
    organisation: Organisation,
    classes: Iterable[SchoolClass] = (),
    **fields: Unpack[EventFields],
) -> Event:
    """A new event (in draft unless told otherwise by set_event_phase)."""
    classes = list(classes)
    with transaction.atomic():
        _check_event_fields(organisation.pk, fields, classes)
        event = Event.objects.create(organisation=organisation, **fields)
        event.classes.set(classes)
    return event


def _slots_outside(event: Event, starts_on: date, ends_on: date) -> bool:
    tz = event.organisation.tz
    for starts_at, ends_at in event.slots.exclude(status=SlotStatus.CANCELLED).values_list(
        "starts_at", "ends_at"
    ):
        if not _within_days(starts_at, ends_at, starts_on, ends_on, tz):
            return True
    return False


def update_event(
    *,
    event: Event,
    classes: Iterable[SchoolClass] = (),
    **fields: Unpack[EventFields],
) -> Event:
    """Change an event; its days may not shrink past slots already in it."""
    classes = list(classes)
    with transaction.atomic():
        event = (
            Event.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=event.pk)
        )
        _check_event_fields(event.organisation_id, fields, classes)
        if _slots_outside(event, fields["starts_on"], fields["ends_on"]):
            raise errors.EventSlotsOutside()
        for name, value in fields.items():
            setattr(event, name, value)
        event.save(update_fields=list(fields))
        event.classes.set(classes)
    return event


def set_event_phase(*, event: Event, phase: str) -> Event:
    """draft → open → closed → archived; open → draft only while nobody has booked."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if phase == event.phase:
            return event
        if (event.phase, phase) not in PHASE_STEPS:
            raise errors.PhaseChangeRefused(
                _(
                    "An event moves from draft to open, from open to closed and from closed to "
                    "archived (or back from open to draft while nobody has booked)."
                )
            )
        if phase == Phase.DRAFT and event.bookings.exists():
            raise errors.PhaseChangeRefused(
                _("This event already has bookings, so it cannot go back to draft.")
            )
        event.phase = phase
        event.save(update_fields=["phase"])
    return event


def find_overlaps(
    host: User, starts_at: datetime, ends_at: datetime, exclude: Slot | None = None
) -> QuerySet[Slot]:
    """The host's live (not cancelled) slots that overlap [starts_at, ends_at)."""
    slots = Slot.objects.filter(host=host, starts_at__lt=ends_at, ends_at__gt=starts_at).exclude(
        status=SlotStatus.CANCELLED
    )
    if exclude is not None:
        slots = slots.exclude(pk=exclude.pk)
    return slots.order_by("starts_at")


def _within_days(starts_at, ends_at, first: date, last: date, tz: ZoneInfo) -> bool:
    start_day = timezone.localtime(starts_at, tz).date()
    end_day = timezone.localtime(ends_at, tz).date()
    return first <= start_day and end_day <= last


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise errors.SlotTimesInvalid()


def _check_host(host: User, event: Event | None) -> None:
    if host.organisation_id is None or host.role not in STAFF_ROLES:
        raise NotAllowed()
    if event is not None and event.organisation_id != host.organisation_id:
        raise NotAllowed()


def _check_event_open(event: Event | None) -> None:
    if event is not None and event.phase not in SLOT_PHASES:
        raise errors.EventNotOpenForSlots()


def _check_event(event: Event | None, starts_at: datetime, ends_at: datetime) -> None:
    if event is None:
        return
    _check_event_open(event)
    if not _within_days(starts_at, ends_at, event.starts_on, event.ends_on, event.organisation.tz):
        raise errors.SlotOutsideEvent()


def _refuse_overlaps(host: User, starts_at, ends_at, exclude: Slot | None = None) -> None:
    clashes = list(find_overlaps(host, starts_at, ends_at, exclude))
    if clashes:
        raise errors.SlotOverlap(clashes, tz=host.organisation.tz)


def _is_overlap_violation(exc: IntegrityError) -> bool:
    return OVERLAP_CONSTRAINT in str(exc)


def create_slot(
    *,
    host: User,
    event: Event | None,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int = 1,
    mode: str = Mode.ON_SITE,
    room: str = "",
    video_url: str = "",
    subject: Subject | None = None,
) -> Slot:
    with transaction.atomic():
        _check_host(host, event)
        _check_times(starts_at, ends_at)
        if starts_at <= timezone.now():
            raise errors.SlotStartInPast()
        _check_event(event, starts_at, ends_at)
        _refuse_overlaps(host, starts_at, ends_at)
        try:
            with transaction.atomic():
                return Slot.objects.create(
                    organisation_id=host.organisation_id,
                    host=host,
                    event=event,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    capacity=capacity,
                    mode=mode,
                    room=room,
                    video_url=video_url,
                    subject=subject,
                )
        except IntegrityError as exc:
            if not _is_overlap_violation(exc):
                raise
        # A concurrent request won the race; the exclusion constraint caught it.
        _refuse_overlaps(host, starts_at, ends_at)
        raise errors.SlotOverlap([], tz=host.organisation.tz)


def _tell_bookers_of_change(slot: Slot) -> None:
    for booking in slot.bookings.filter(status__in=ACTIVE_STATUSES):
        booking.sequence = F("sequence") + 1
        booking.save(update_fields=["sequence", "updated_at"])
        booking.refresh_from_db()
        notify_booker(booking, "booking_moved")


def check_slot_changeable(*, slot: Slot) -> None:
    """A slot of a closed or archived event, or one that has begun, is history: it can be
    neither edited nor deleted."""
    _check_event_open(slot.event)
    if slot.starts_at <= timezone.now():
        raise errors.SlotInPast()


def _booked_by_people(slot: Slot) -> QuerySet[Booking]:
    return (
        slot.bookings.filter(status__in=ACTIVE_STATUSES, booker__isnull=False)
        .select_related("booker")
        .order_by("booker_id")
    )


def _lock_bookers(slot: Slot) -> None:
    """Taken before the slot row, in the order book_slot and move_booking use (booker, then
    slot), so a move and a booking of one parent wait for each other instead of deadlocking."""
    for booking in _booked_by_people(slot):
        lock_booker(booking.booker)


def _refuse_booker_clashes(slot: Slot, starts_at: datetime, ends_at: datetime) -> None:
    """Invariant 3: the slot's bookers must be free at the new time."""
    clashing = []
    for booking in _booked_by_people(slot):
        # Already held unless they booked between _lock_bookers and the slot lock.
        lock_booker(booking.booker)
        try:
            check_booker_free(booking.booker, starts_at, ends_at, exclude=booking)
        except BookerOverlap:
            clashing.append(booking)
    if clashing:
        raise errors.BookersNotFree(clashing)


def _check_slot_edit(slot: Slot, starts_at: datetime, ends_at: datetime, capacity: int) -> None:
    if slot.is_cancelled:
        raise errors.SlotCancelled()
    check_slot_changeable(slot=slot)
    _check_times(starts_at, ends_at)
    if starts_at <= timezone.now():
        raise errors.SlotStartInPast()
    _check_event(slot.event, starts_at, ends_at)
    if capacity < slot.seats_taken:
        raise errors.CapacityBelowTaken()
    _refuse_overlaps(slot.host, starts_at, ends_at, exclude=slot)
    if (starts_at, ends_at) != (slot.starts_at, slot.ends_at):
        _refuse_booker_clashes(slot, starts_at, ends_at)


def update_slot(
    *,
    slot: Slot,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    mode: str,
    room: str = "",
    video_url: str = "",
    subject: Subject | None = None,
) -> Slot:
    """Same checks as create_slot, none in the past, and the bookers must be free at a new
    time; they are mailed when the time or place changes."""
    with transaction.atomic():
        if (starts_at, ends_at) != (slot.starts_at, slot.ends_at):
            _lock_bookers(slot)
        slot = (
            Slot.objects.select_for_update(of=("self",))
            .select_related("event__organisation", "host__organisation")
            .get(pk=slot.pk)
        )
        _check_slot_edit(slot, starts_at, ends_at, capacity)
        before = (slot.starts_at, slot.ends_at, slot.mode, slot.room, slot.video_url)
        slot.starts_at, slot.ends_at, slot.capacity = starts_at, ends_at, capacity
        slot.mode, slot.room, slot.video_url, slot.subject = mode, room, video_url, subject
        try:
            with transaction.atomic():
                slot.save(
                    update_fields=[
                        "starts_at",
                        "ends_at",
                        "capacity",
                        "mode",
                        "room",
                        "video_url",
                        "subject",
                    ]
                )
        except IntegrityError as exc:
            if not _is_overlap_violation(exc):
                raise
            _refuse_overlaps(slot.host, starts_at, ends_at, exclude=slot)
            raise errors.SlotOverlap([], tz=slot.host.organisation.tz) from exc
        if before != (slot.starts_at, slot.ends_at, slot.mode, slot.room, slot.video_url):
            _tell_bookers_of_change(slot)
    return slot


def delete_slot(*, slot: Slot) -> bool:
    """Delete a slot that was never booked. A slot with bookings (of any status) is cancelled
    instead, so the parents' history keeps it; active bookings are cancelled and their bookers
    told. Slots of closed events and slots that have begun are refused. True if deleted."""
    with transaction.atomic():
        slot = Slot.objects.select_for_update(of=("self",)).select_related("event").get(pk=slot.pk)
        check_slot_changeable(slot=slot)
        if not slot.bookings.exists():
            slot.delete()
            return True
        if not slot.is_cancelled:
            slot.status = SlotStatus.CANCELLED
            slot.save(update_fields=["status"])
            cancel_slot_bookings(slot=slot)
    return False


@dataclass
class Candidate:
    starts_at: datetime
    ends_at: datetime
    clashes: list[Slot] = field(default_factory=list)
    clashes_in_pattern: bool = False

    @property
    def is_clashing(self) -> bool:
        return bool(self.clashes) or self.clashes_in_pattern


@dataclass
class SlotPreview:
    creatable: list[Candidate]
    clashing: list[Candidate]

    @property
    def existing_clashes(self) -> list[Slot]:
        seen = {slot.pk: slot for c in self.clashing for slot in c.clashes}
        return sorted(seen.values(), key=lambda s: s.starts_at)


def _mark_internal_clashes(candidates: list[Candidate]) -> None:
    """Sweep by start time: a candidate starting before the latest end so far clashes with it."""
    latest: Candidate | None = None
    for candidate in sorted(candidates, key=lambda c: c.starts_at):
        if latest is not None and candidate.starts_at < latest.ends_at:
            candidate.clashes_in_pattern = latest.clashes_in_pattern = True
        if latest is None or candidate.ends_at > latest.ends_at:
            latest = candidate


def _mark_existing_clashes(host: User, candidates: list[Candidate]) -> None:
    if not candidates:
        return
    first = min(c.starts_at for c in candidates)
    last = max(c.ends_at for c in candidates)
    existing = list(find_overlaps(host, first, last))
    for candidate in candidates:
        candidate.clashes = [
            s
            for s in existing
            if s.starts_at < candidate.ends_at and candidate.starts_at < s.ends_at
        ]


def _check_pattern_for_event(pattern: SlotPattern, event: Event | None) -> None:
    if event is None:
        return
    if event.phase not in SLOT_PHASES:
        raise errors.EventNotOpenForSlots()
    if pattern.first_day < event.starts_on or pattern.end_day > event.ends_on:
        raise errors.SlotOutsideEvent()


def preview_slots(*, host: User, event: Event | None, pattern: SlotPattern) -> SlotPreview:
    """What generate_slots would create, and which candidates clash (with what)."""
    _check_host(host, event)
    _check_pattern_for_event(pattern, event)
    candidates = [
        Candidate(start, end) for start, end in expand_pattern(pattern, host.organisation.tz)
    ]
    _mark_internal_clashes(candidates)
    _mark_existing_clashes(host, candidates)
    return SlotPreview(
        creatable=[c for c in candidates if not c.is_clashing],
        clashing=[c for c in candidates if c.is_clashing],
    )


def _overlap_error(host: User, preview: SlotPreview) -> errors.SlotOverlap:
    spans: list[Span] = [(c.starts_at, c.ends_at) for c in preview.clashing]
    return errors.SlotOverlap(preview.existing_clashes, candidates=spans, tz=host.organisation.tz)


def _new_slots(host: User, event: Event | None, pattern: SlotPattern, spans: Iterable[Candidate]):
    return [
        Slot(
            organisation_id=host.organisation_id,
            host=host,
            event=event,
            starts_at=c.starts_at,
            ends_at=c.ends_at,
            capacity=pattern.capacity,
            mode=pattern.mode,
            room=pattern.room,
            video_url=pattern.video_url,
        )
        for c in spans
    ]


def generate_slots(*, host: User, event: Event | None, pattern: SlotPattern) -> list[Slot]:
    """Create every slot of the pattern, or — if any clashes — none, listing the clashes."""
    with transaction.atomic():
        preview = preview_slots(host=host, event=event, pattern=pattern)
        if preview.clashing:
            raise _overlap_error(host, preview)
        if not preview.creatable:
            raise errors.PatternEmpty()
        if min(c.starts_at for c in preview.creatable) <= timezone.now():
            raise errors.SlotStartInPast()
        try:
            with transaction.atomic():
                return Slot.objects.bulk_create(
                    _new_slots(host, event, pattern, preview.creatable)
                )
        except IntegrityError as exc:
            if not _is_overlap_violation(exc):
                raise
            raise _overlap_error(
                host, preview_slots(host=host, event=event, pattern=pattern)
            ) from exc
