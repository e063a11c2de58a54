"""The office's reports (R2) as JSON: the figures of the reports page, for admins."""

from ninja import Field, Query, Router, Schema

from rendezvous.api.errors import require_admin, responses
from rendezvous.api.fields import Day, Id
from rendezvous.reports.selectors import event_summary, slots_in, subject_load, teacher_load
from rendezvous.reports.services import remind_families
from rendezvous.scheduling.access import get_event_for_user

router = Router(tags=["reports"])


class LoadOut(Schema):
    id: int | None = Field(..., description="the teacher's or subject's id; null: no subject")
    name: str
    slots: int
    places: int
    booked: int
    free: int
    utilisation: float = Field(..., description="booked places as a share of all, 0 to 1")


class ReportFilters(Schema):
    event: Id | None = None
    date_from: Day | None = Field(None, description="first day, in the organisation's zone")
    date_to: Day | None = Field(None, description="last day, in the organisation's zone")


class PersonOut(Schema):
    id: int
    name: str


class EventSummaryOut(Schema):
    event_id: int
    families: int
    families_booked: int
    families_not_booked: list[PersonOut]
    teachers_fully_booked: list[PersonOut]
    teachers_without_slots: list[PersonOut]


class RemindedOut(Schema):
    sent: int


def _slots(request, filters: ReportFilters):
    require_admin(request.user)
    event = get_event_for_user(request.user, filters.event) if filters.event else None
    return slots_in(
        request.user.organisation_id,
        event=event,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )


@router.get(
    "/teacher-load",
    response=responses({200: list[LoadOut]}, 401, 403, 404),
    operation_id="reports_teacher_load",
)
def teacher_load_report(request, filters: Query[ReportFilters]):
    """Per teacher: slots, places, booked and free places, utilisation."""
    return teacher_load(_slots(request, filters))


@router.get(
    "/subject-load",
    response=responses({200: list[LoadOut]}, 401, 403, 404),
    operation_id="reports_subject_load",
)
def subject_load_report(request, filters: Query[ReportFilters]):
    """Per subject, the same figures; slots without a subject together, last."""
    return subject_load(_slots(request, filters))


def _people(people) -> list[dict]:
    return [{"id": person.pk, "name": str(person)} for person in people]


def _admins_event(request, event_id: int):
    require_admin(request.user)
    return get_event_for_user(request.user, event_id)


@router.get(
    "/events/{int:event_id}/summary",
    response=responses({200: EventSummaryOut}, 401, 403, 404),
    operation_id="reports_event_summary",
)
def summary_report(request, event_id: int):
    """Families of the event's classes booked and not booked; teachers fully booked and
    teachers of its classes without slots."""
    summary = event_summary(_admins_event(request, event_id))
    return {
        "event_id": summary.event.pk,
        "families": summary.families,
        "families_booked": len(summary.families_booked),
        "families_not_booked": _people(summary.families_not_booked),
        "teachers_fully_booked": _people(summary.teachers_fully_booked),
        "teachers_without_slots": _people(summary.teachers_without_slots),
    }


@router.post(
    "/events/{int:event_id}/remind",
    response=responses({200: RemindedOut}, 401, 403, 404, 409),
    operation_id="reports_event_remind",
)
def remind(request, event_id: int):
    """Mail every family not booked yet that has an address (409 booking_closed unless
    booking is open)."""
    return {"sent": remind_families(event=_admins_event(request, event_id))}
