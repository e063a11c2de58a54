"""CSV exports of what a list shows, with the list's filters (rendezvous.lib.csv_export)."""

from ninja import Query, Router

from rendezvous.api.bookings import BookingFilters, filtered_bookings
from rendezvous.api.errors import responses
from rendezvous.api.people import ParentFilters, filtered_parents
from rendezvous.api.school import PupilFilters, filtered_pupils
from rendezvous.api.slots import SlotFilters, filtered_slots
from rendezvous.bookings.exports import booking_header, booking_rows
from rendezvous.lib.csv_export import csv_response
from rendezvous.scheduling.exports import slot_header, slot_rows
from rendezvous.school.exports import parent_header, parent_rows, pupil_header, pupil_rows

router = Router(tags=["exports"])

CSV = {
    200: {
        "description": "UTF-8 with a BOM, `;` between cells, the header in the caller's "
        "language, times in the organisation's zone",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


@router.get(
    "/bookings.csv",
    response=responses({}, 401, 404),
    operation_id="exports_bookings",
    openapi_extra={"responses": CSV},
)
def bookings_csv(request, filters: Query[BookingFilters]):
    """The bookings `GET /bookings` would list with the same filters, all of them."""
    rows = filtered_bookings(request.user, filters)
    return csv_response("bookings.csv", booking_header(), booking_rows(rows))


@router.get(
    "/slots.csv",
    response=responses({}, 401, 404),
    operation_id="exports_slots",
    openapi_extra={"responses": CSV},
)
def slots_csv(request, filters: Query[SlotFilters]):
    """The times `GET /slots` would list with the same filters, all of them."""
    rows = filtered_slots(request.user, filters, filters.teacher)
    return csv_response("slots.csv", slot_header(), slot_rows(rows))


@router.get(
    "/pupils.csv",
    response=responses({}, 401, 404),
    operation_id="exports_pupils",
    openapi_extra={"responses": CSV},
)
def pupils_csv(request, filters: Query[PupilFilters]):
    """The pupils the caller may see (a teacher: those of their classes; a parent: their
    children), of one class and matching the words."""
    rows = filtered_pupils(request.user, filters)
    return csv_response("pupils.csv", pupil_header(), pupil_rows(rows))


@router.get(
    "/parents.csv",
    response=responses({}, 401, 403, 404),
    operation_id="exports_parents",
    openapi_extra={"responses": CSV},
)
def parents_csv(request, filters: Query[ParentFilters]):
    """The parents `GET /parents` would list with the same filters (admins only), all of
    them, with their sign-in codes."""
    rows = filtered_parents(request.user, filters)
    return csv_response("parents.csv", parent_header(), parent_rows(rows))
