"""Slots: the times a person may see, filtered, with their free places; staff create them
one by one or from a pattern, change and delete them with the pages' services and rules."""

from datetime import datetime, time
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from rendezvous.accounts.access import get_user_for_user
from rendezvous.accounts.models import STAFF_ROLES, User
from rendezvous.api.errors import require_admin, require_role, responses
from rendezvous.api.fields import Day, Id, Moment, aware_span
from rendezvous.api.lists import (
    Columns,
    Page,
    check_filters,
    ordered,
    page_of,
    sort_choices,
    sort_field,
)
from rendezvous.bookings.selectors import bookable_at
from rendezvous.bookings.services import delete_slot, update_slot
from rendezvous.lib.dates import on_days
from rendezvous.scheduling.access import (
    get_event_for_user,
    get_slot_for_user,
    get_subject_for_user,
    slots_visible_to,
)
from rendezvous.scheduling.models import SLOT_FIELDS, Mode, Slot, SlotStatus
from rendezvous.scheduling.patterns import SlotPattern
from rendezvous.scheduling.services import create_slot, generate_slots, preview_slots

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


SLOT_ORDER: Columns = {
    "starts_at": ("starts_at",),
    "teacher": ("host__last_name", "host__first_name", "starts_at"),
}


class TeacherSlotFilters(Schema):
    """One teacher's slots: the teacher is in the path."""

    event: Id | None = None
    subject: Id | None = None
    mode: Mode | None = None
    status: SlotStatus | None = None
    free: bool = Field(False, description="only times still open to book, from now on")
    date_from: Day | None = Field(None, description="first day, in the organisation's zone")
    date_to: Day | None = Field(None, description="last day, in the organisation's zone")
    sort: sort_choices(SLOT_ORDER) = sort_field("starts_at")


class SlotFilters(TeacherSlotFilters):
    teacher: Id | None = None


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


def filtered_slots(
    user: User, filters: TeacherSlotFilters, teacher_id: int | None = None
) -> QuerySet[Slot]:
    """The slots the user may see, filtered and ordered; one teacher's when `teacher_id` is
    given (by a filter or the path)."""
    check_filters(user, filters)
    rows = slots_visible_to(user)
    exact = {
        "host_id": teacher_id,
        "event_id": filters.event,
        "subject_id": filters.subject,
        "mode": filters.mode,
        "status": filters.status,
    }
    rows = rows.filter(**{field: value for field, value in exact.items() if value is not None})
    if filters.free:
        rows = rows.filter(bookable_at(timezone.now()))
    rows = on_days(rows, "starts_at", filters.date_from, filters.date_to)
    return ordered(rows, filters.sort, SLOT_ORDER)


@router.get("", response=responses({200: list[SlotOut]}, 401, 404), operation_id="slots_list")
def list_slots(request, response: HttpResponse, filters: Query[SlotFilters], page: Query[Page]):
    """The times the signed-in person may see, by start: staff their organisation's or their
    own, parents those of their children's teachers in their children's evenings."""
    rows = filtered_slots(request.user, filters, filters.teacher)
    rows = rows.select_related("host", "subject")
    return [slot_body(slot) for slot in page_of(request, response, rows, page)]


@router.get(
    "/{int:slot_id}", response=responses({200: SlotOut}, 401, 404), operation_id="slots_get"
)
def get_slot(request, slot_id: int):
    return slot_body(get_slot_for_user(request.user, slot_id))


class Holder(Schema):
    event: Id | None = Field(None, description="the event the slot belongs to, if any")
    teacher: Id | None = Field(
        None, description="admins: whose slot it is; by default the signed-in person's"
    )


class Place(Schema):
    capacity: int = Field(1, ge=1, le=100, description="1 for a meeting, more for a group")
    mode: Mode = Mode.ON_SITE
    room: str = Field("", max_length=100)
    video_url: str = Field("", max_length=200, description="needed for an online slot")


class SlotIn(Holder, Place):
    subject: Id | None = None
    starts_at: Moment = Field(description="without an offset, on the organisation's clock")
    ends_at: Moment


class SlotChange(Schema):
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    capacity: int | None = Field(None, ge=1, le=100)
    mode: Mode | None = None
    room: str | None = Field(None, max_length=100)
    video_url: str | None = Field(None, max_length=200)
    subject: Id | None = Field(None, description="null for none")


def _host(user: User, teacher_id: int | None) -> User:
    """Staff hold their own slots; the office may also set up a colleague's."""
    require_role(user, *STAFF_ROLES)
    if teacher_id is None or teacher_id == user.pk:
        return user
    require_admin(user)
    return get_user_for_user(user, teacher_id, roles=STAFF_ROLES)


def _event(user: User, event_id: int | None):
    return None if event_id is None else get_event_for_user(user, event_id)


def _subject(user: User, subject_id: int | None):
    return None if subject_id is None else get_subject_for_user(user, subject_id)


def _fresh(request, slot_id: int) -> dict:
    return slot_body(get_slot_for_user(request.user, slot_id))


@router.post(
    "", response=responses({201: SlotOut}, 401, 403, 404, 409), operation_id="slots_create"
)
def create(request, body: SlotIn):
    """A time to book. Refused when it overlaps another of the teacher's slots (409 overlap,
    with the clashes), lies outside its event's days or in a closed event."""
    host = _host(request.user, body.teacher)
    starts_at, ends_at = aware_span(body.starts_at, body.ends_at)
    slot = create_slot(
        host=host,
        event=_event(request.user, body.event),
        subject=_subject(request.user, body.subject),
        starts_at=starts_at,
        ends_at=ends_at,
        **body.model_dump(include={"capacity", "mode", "room", "video_url"}),
    )
    return Status(201, _fresh(request, slot.pk))


@router.patch(
    "/{int:slot_id}",
    response=responses({200: SlotOut}, 401, 403, 404, 409),
    operation_id="slots_update",
)
def update(request, slot_id: int, change: SlotChange):
    """Change what is sent. The bookers must be free at a new time and are mailed when the
    time or place changes; places cannot drop below those taken."""
    slot = get_slot_for_user(request.user, slot_id, write=True)
    values = {name: getattr(slot, name) for name in SLOT_FIELDS}
    # Left out or null: unchanged, except the subject, which null takes away.
    sent = change.model_dump(exclude_unset=True)
    values.update((name, value) for name, value in sent.items() if value is not None)
    if "subject" in sent:
        values["subject"] = _subject(request.user, sent["subject"])
    values["starts_at"], values["ends_at"] = aware_span(values["starts_at"], values["ends_at"])
    update_slot(slot=slot, **values)
    return _fresh(request, slot_id)


@router.delete(
    "/{int:slot_id}",
    response=responses({200: SlotOut, 204: None}, 401, 403, 404, 409),
    operation_id="slots_delete",
)
def delete(request, slot_id: int):
    """Delete a slot that was never booked (204). A slot with bookings is cancelled instead
    and kept for the history (200, the cancelled slot); its bookers are told."""
    slot = get_slot_for_user(request.user, slot_id, write=True)
    if delete_slot(slot=slot):
        return Status(204, None)
    return _fresh(request, slot_id)


class FixedBreak(Schema):
    start: time
    minutes: int = Field(ge=1, le=600)


class PatternIn(Holder, Place):
    first_day: Day
    last_day: Day | None = Field(None, description="by default the first day")
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        [0, 1, 2, 3, 4, 5, 6], description="0 is Monday, 6 Sunday", max_length=7
    )
    window_start: time
    window_end: time
    slot_minutes: int = Field(ge=1, le=600)
    break_every: int = Field(0, ge=0, le=100, description="a break after this many slots")
    break_minutes: int = Field(0, ge=0, le=600)
    fixed_breaks: list[FixedBreak] = Field([], max_length=20)
    excluded_dates: list[Day] = Field([], max_length=366)

    def to_pattern(self) -> SlotPattern:
        return SlotPattern(
            weekdays=frozenset(self.weekdays),
            fixed_breaks=tuple((b.start, b.minutes) for b in self.fixed_breaks),
            excluded_dates=frozenset(self.excluded_dates),
            **self.model_dump(
                exclude={"event", "teacher", "weekdays", "fixed_breaks", "excluded_dates"}
            ),
        )


class Span(Schema):
    starts_at: datetime
    ends_at: datetime


class ClashingSpan(Span):
    clashes_with: list[int] = Field(description="the teacher's slots it overlaps")
    clashes_in_pattern: bool


class PreviewOut(Schema):
    creatable: list[Span]
    clashing: list[ClashingSpan]
    clock_changes: list[str]


def _preview_body(preview) -> dict:
    return {
        "creatable": preview.creatable,
        "clashing": [
            {
                "starts_at": c.starts_at,
                "ends_at": c.ends_at,
                "clashes_with": [slot.pk for slot in c.clashes],
                "clashes_in_pattern": c.clashes_in_pattern,
            }
            for c in preview.clashing
        ],
        "clock_changes": [change.message for change in preview.clock_changes],
    }


@router.post(
    "/bulk",
    response=responses({200: PreviewOut, 201: list[SlotOut]}, 401, 403, 404, 409),
    operation_id="slots_bulk",
)
def bulk(request, body: PatternIn, preview: bool = False):
    """Slots from a weekly pattern, as on the pattern page: with `preview=true` what would be
    created and what clashes, without creating; otherwise all of them, or none if any clashes
    (409 overlap)."""
    options = {
        "host": _host(request.user, body.teacher),
        "event": _event(request.user, body.event),
        "pattern": body.to_pattern(),
    }
    if preview:
        return _preview_body(preview_slots(**options))
    made = generate_slots(**options)
    rows = slots_visible_to(request.user).filter(pk__in=[slot.pk for slot in made])
    rows = rows.select_related("host", "subject").order_by("starts_at", "pk")
    return Status(201, [slot_body(slot) for slot in rows])
