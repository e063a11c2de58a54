"""Scheduling workflows: events, slots and bulk patterns.

Each write runs in one transaction. Callers import from this package; the modules are split by
feature (events, slots, bulk) with shared checks. Editing and deleting slots touch bookings and
live in bookings.services.
"""

from rendezvous.scheduling.patterns import SlotPattern, expand_pattern
from rendezvous.scheduling.services.bulk import SlotPreview, generate_slots, preview_slots
from rendezvous.scheduling.services.events import (
    create_event,
    delete_event,
    set_event_phase,
    update_event,
)
from rendezvous.scheduling.services.slots import (
    check_slot_changeable,
    check_slot_edit,
    create_slot,
    find_overlaps,
    lock_slot,
    refuse_overlaps,
    save_slot,
)
from rendezvous.scheduling.services.subjects import (
    create_subject,
    delete_subject,
    rename_subject,
)

__all__ = [
    "SlotPattern",
    "SlotPreview",
    "check_slot_changeable",
    "check_slot_edit",
    "create_event",
    "create_slot",
    "create_subject",
    "delete_event",
    "delete_subject",
    "expand_pattern",
    "find_overlaps",
    "generate_slots",
    "lock_slot",
    "preview_slots",
    "refuse_overlaps",
    "rename_subject",
    "save_slot",
    "set_event_phase",
    "update_event",
]
