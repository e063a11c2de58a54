"""Bookings: the list a person may see, one booking, and booking a time (parents; the same
service and access functions as the booking page)."""

from datetime import datetime
from typing import Literal

from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Header, Query, Router, Schema, Status

from rendezvous.accounts.models import STAFF_ROLES, Role, User
from rendezvous.api.errors import InvalidInput, require_role, responses
from rendezvous.api.fields import Day, Id
from rendezvous.api.lists import (
    Columns,
    Page,
    check_filters,
    ordered,
    page_of,
    sort_choices,
    sort_field,
)
from rendezvous.bookings.access import (
    bookings_visible_to,
    get_booking_for_user,
    get_child_for_parent,
    get_move_target,
    get_slot_for_parent,
)
from rendezvous.bookings.models import Booking, BookingStatus
from rendezvous.bookings.services import book_slot, cancel_booking, decide_booking, move_booking
from rendezvous.bookings.services.booking import MESSAGE_MAX_LENGTH
from rendezvous.lib.dates import on_days

router = Router(tags=["bookings"])

NO_NOTE = _("A confirmation carries no message; send one with a rejection or a cancellation.")


class PersonRef(Schema):
    id: int
    name: str


class SlotRef(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    room: str


class BookingOut(Schema):
    id: int
    status: BookingStatus
    slot: SlotRef
    teacher: PersonRef
    pupil: PersonRef | None
    event_id: int | None
    seats: int
    booked_by_id: int | None
    created_at: datetime


class BookingIn(Schema):
    slot: Id
    pupil: Id
    seats: int = Field(1, ge=1, le=2)


BOOKING_ORDER: Columns = {
    "starts_at": ("slot__starts_at",),
    "created_at": ("created_at",),
    "status": ("status", "slot__starts_at"),
}


class BookingFilters(Schema):
    event: Id | None = None
    teacher: Id | None = None
    school_class: Id | None = Field(None, alias="class", description="the pupil's class")
    pupil: Id | None = None
    parent: Id | None = Field(None, description="the family's: booked by or for a child of")
    status: BookingStatus | None = None
    date_from: Day | None = Field(None, description="first day, in the organisation's zone")
    date_to: Day | None = Field(None, description="last day, in the organisation's zone")
    sort: sort_choices(BOOKING_ORDER) = sort_field("starts_at")


def booking_body(booking) -> dict:
    pupil = booking.pupil
    return {
        "id": booking.pk,
        "status": booking.status,
        "slot": booking.slot,
        "teacher": {"id": booking.host_id, "name": booking.host.full_name},
        "pupil": pupil and {"id": pupil.pk, "name": f"{pupil.first_name} {pupil.last_name}"},
        "event_id": booking.event_id,
        "seats": booking.seats,
        "booked_by_id": booking.booker_id,
        "created_at": booking.created_at,
    }


def filtered_bookings(user: User, filters: BookingFilters) -> QuerySet[Booking]:
    """The bookings the user may see, filtered and ordered."""
    check_filters(user, filters)
    rows = bookings_visible_to(user)
    exact = {
        "event_id": filters.event,
        "host_id": filters.teacher,
        "pupil__school_class_id": filters.school_class,
        "pupil_id": filters.pupil,
        "status": filters.status,
    }
    rows = rows.filter(**{field: value for field, value in exact.items() if value is not None})
    if filters.parent is not None:
        family = Q(booker_id=filters.parent) | Q(pupil__guardianships__parent=filters.parent)
        rows = rows.filter(pk__in=rows.filter(family).values("pk"))
    rows = on_days(rows, "slot__starts_at", filters.date_from, filters.date_to)
    return ordered(rows, filters.sort, BOOKING_ORDER)


@router.get(
    "", response=responses({200: list[BookingOut]}, 401, 404), operation_id="bookings_list"
)
def list_bookings(
    request, response: HttpResponse, filters: Query[BookingFilters], page: Query[Page]
):
    """The bookings the signed-in person may see, by start time."""
    rows = filtered_bookings(request.user, filters).select_related("slot", "host", "pupil")
    return [booking_body(b) for b in page_of(request, response, rows, page)]


@router.get(
    "/{int:booking_id}",
    response=responses({200: BookingOut}, 401, 404),
    operation_id="bookings_get",
)
def get_booking(request, booking_id: int):
    return booking_body(get_booking_for_user(request.user, booking_id))


@router.post(
    "",
    response=responses({201: BookingOut}, 401, 403, 404, 409),
    operation_id="bookings_create",
)
def create_booking(
    request,
    booking: BookingIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=64),
):
    """Book a time for a child. The same Idempotency-Key again books nothing more and gives
    the same answer; with other details it answers 409 idempotency_conflict."""
    require_role(request.user, Role.PARENT)
    pupil = get_child_for_parent(request.user, booking.pupil)
    slot = get_slot_for_parent(request.user, pupil, booking.slot)
    made = book_slot(
        booker=request.user,
        slot=slot,
        pupil=pupil,
        seats=booking.seats,
        idempotency_key=idempotency_key,
    )
    made = get_booking_for_user(request.user, made.pk)
    return Status(201, booking_body(made))


class MoveIn(Schema):
    slot: Id


@router.delete(
    "/{int:booking_id}",
    response=responses({200: BookingOut}, 401, 403, 404, 409),
    operation_id="bookings_cancel",
)
def cancel(request, booking_id: int):
    """Cancel: the booker and the teacher are told, as when it is done on the pages. A parent
    cancels what they booked, until the event's cutoff; staff cancel what they see."""
    booking = get_booking_for_user(request.user, booking_id, write=True)
    cancel_booking(booking=booking, actor=request.user)
    return booking_body(get_booking_for_user(request.user, booking_id))


@router.post(
    "/{int:booking_id}/move",
    response=responses({200: BookingOut}, 401, 403, 404, 409),
    operation_id="bookings_move",
)
def move(request, booking_id: int, target: MoveIn):
    """Move to another free time of the same teacher in the same event: the parent who booked
    it (until the cutoff) or the office."""
    booking = get_booking_for_user(request.user, booking_id, write=True)
    require_role(request.user, Role.PARENT, Role.ADMIN)
    to_slot = get_move_target(request.user, booking, target.slot)
    move_booking(booking=booking, to_slot=to_slot, actor=request.user)
    return booking_body(get_booking_for_user(request.user, booking_id))


class DecisionIn(Schema):
    status: Literal["confirmed", "rejected", "cancelled"]
    message: str = Field(
        "",
        max_length=MESSAGE_MAX_LENGTH,
        description="to the booker, quoted in their mail; not with `confirmed`",
    )


@router.patch(
    "/{int:booking_id}",
    response=responses({200: BookingOut}, 401, 403, 404, 409),
    operation_id="bookings_decide",
)
def decide(request, booking_id: int, decision: DecisionIn):
    """The teacher (their own requests) or the office: confirm or reject a pending booking,
    or cancel an active one, with an optional message to the booker."""
    require_role(request.user, *STAFF_ROLES)
    booking = get_booking_for_user(request.user, booking_id, write=True)
    message = decision.message.strip()
    if decision.status == "cancelled":
        cancel_booking(booking=booking, actor=request.user, message=message)
    elif decision.status == "confirmed" and message:
        raise InvalidInput(details={"fields": [{"field": "message", "message": str(NO_NOTE)}]})
    else:
        confirm = decision.status == "confirmed"
        decide_booking(booking=booking, confirm=confirm, message=message, actor=request.user)
    return booking_body(get_booking_for_user(request.user, booking_id))
