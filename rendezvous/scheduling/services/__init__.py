"""Scheduling workflows: events (E4), slots (E1, E3) and bulk patterns (E2).

Each write runs in one transaction; bookers' emails are queued inside it. Callers import from
this package; the modules are split by feature (events, slots, bulk) with shared checks."""

from rendezvous.scheduling.patterns import SlotPattern, expand_pattern
from rendezvous.scheduling.services.bulk import Candidate as Candidate
from rendezvous.scheduling.services.bulk import SlotPreview, generate_slots, preview_slots
from rendezvous.scheduling.services.bulk import _mark_internal_clashes as _mark_internal_clashes
from rendezvous.scheduling.services.events import create_event, set_event_phase, update_event
from rendezvous.scheduling.services.slots import (
    check_slot_changeable,
    create_slot,
    delete_slot,
    find_overlaps,
    update_slot,
)

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
