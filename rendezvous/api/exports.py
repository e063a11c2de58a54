"""CSV exports of what a list shows, with the list's filters (rendezvous.lib.csv_export)."""

from ninja import Query, Router

from rendezvous.api.bookings import BookingFilters, filtered_bookings
from rendezvous.api.errors import responses
from rendezvous.api.slots import SlotFilters, filtered_slots
from rendezvous.bookings.access import bookings_visible_to
from rendezvous.bookings.exports import booking_header, booking_rows
from rendezvous.lib.csv_export import csv_response
from rendezvous.scheduling.access import slots_visible_to
from rendezvous.scheduling.exports import slot_header, slot_rows

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
    response=responses({}, 401),
    operation_id="exports_bookings",
    openapi_extra={"responses": CSV},
)
def bookings_csv(request, filters: Query[BookingFilters]):
    """The bookings `GET /bookings` would list with the same filters, all of them."""
    rows = filtered_bookings(bookings_visible_to(request.user), filters)
    rows = rows.order_by("slot__starts_at", "pk")
    return csv_response("bookings.csv", booking_header(), booking_rows(rows))


@router.get(
    "/slots.csv",
    response=responses({}, 401),
    operation_id="exports_slots",
    openapi_extra={"responses": CSV},
)
def slots_csv(request, filters: Query[SlotFilters]):
    """The times `GET /slots` would list with the same filters, all of them."""
    rows = filtered_slots(slots_visible_to(request.user), filters).order_by("starts_at", "pk")
    return csv_response("slots.csv", slot_header(), slot_rows(rows))
