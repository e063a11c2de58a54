"""Event workflows: create, update and move an event through its phases."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import NotRequired, TypedDict, Unpack

from django.db import transaction
from django.utils.translation import gettext as _

from rendezvous.lib.errors import NotAllowed
from rendezvous.organisations.models import Organisation
from rendezvous.scheduling import errors
from rendezvous.scheduling.models import PHASE_STEPS, Event, Phase, SlotStatus
from rendezvous.scheduling.services.checks import within_days
from rendezvous.school.models import SchoolClass


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
        if not within_days(starts_at, ends_at, starts_on, ends_on, tz):
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
        if phase not in PHASE_STEPS[Phase(event.phase)]:
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


def delete_event(*, event: Event) -> None:
    """Only a draft that nobody has booked, with its slots: an event that was open is part of
    the families' history and is archived instead."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.phase != Phase.DRAFT or event.bookings.exists():
            raise errors.EventNotDeletable()
        event.delete()
