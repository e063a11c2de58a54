"""Slots: the times a person may see, filtered, with their free places."""

from datetime import date, datetime

from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from rendezvous.api.errors import responses
from rendezvous.api.lists import Page, page_of
from rendezvous.lib.dates import on_days
from rendezvous.scheduling.access import get_slot_for_user, slots_visible_to
from rendezvous.scheduling.models import Mode, SlotStatus

router = Router(tags=["slots"])


class TeacherRef(Schema):
    id: int
    name: str


class SlotOut(Schema):
    id: int
    teacher: TeacherRef
    event_id: int | None
    subject: str | None
    starts_at: datetime
    ends_at: datetime
    mode: Mode
    room: str
    capacity: int
    free_places: int
    status: SlotStatus


class SlotFilters(Schema):
    teacher: int | None = None
    event: int | None = None
    subject: int | None = None
    mode: Mode | None = None
    status: SlotStatus | None = None
    free: bool = Field(False, description="only times still open to book, from now on")
    date_from: date | None = Field(None, description="first day, in the organisation's zone")
    date_to: date | None = Field(None, description="last day, in the organisation's zone")


def slot_body(slot) -> dict:
    return {
        "id": slot.pk,
        "teacher": {"id": slot.host_id, "name": slot.host.full_name},
        "event_id": slot.event_id,
        "subject": slot.subject.name if slot.subject else None,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "mode": slot.mode,
        "room": slot.room,
        "capacity": slot.capacity,
        "free_places": max(0, slot.capacity - slot.seats_taken),
        "status": slot.status,
    }


def filtered_slots(rows, filters: SlotFilters):
    exact = {
        "host_id": filters.teacher,
        "event_id": filters.event,
        "subject_id": filters.subject,
        "mode": filters.mode,
        "status": filters.status,
    }
    rows = rows.filter(**{field: value for field, value in exact.items() if value is not None})
    if filters.free:
        now = timezone.now()
        rows = rows.filter(
            status=SlotStatus.OPEN, seats_taken__lt=F("capacity"), starts_at__gt=now
        )
    return on_days(rows, "starts_at", filters.date_from, filters.date_to)


@router.get("", response=responses({200: list[SlotOut]}, 401), operation_id="slots_list")
def list_slots(request, response: HttpResponse, filters: Query[SlotFilters], page: Query[Page]):
    """The times the signed-in person may see, by start: staff their organisation's or their
    own, parents those of their children's teachers in their children's evenings."""
    rows = filtered_slots(slots_visible_to(request.user), filters)
    rows = rows.select_related("host", "subject").order_by("starts_at", "pk")
    return [slot_body(slot) for slot in page_of(request, response, rows, page)]


@router.get(
    "/{int:slot_id}", response=responses({200: SlotOut}, 401, 404), operation_id="slots_get"
)
def get_slot(request, slot_id: int):
    return slot_body(get_slot_for_user(request.user, slot_id))
