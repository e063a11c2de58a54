"""Events: the evenings a person may see; the office creates, changes and moves them through
their phases with the office pages' services."""

from datetime import date, datetime

from django.conf import settings
from django.http import Http404, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import model_validator

from rendezvous.api.errors import require_admin, responses
from rendezvous.api.fields import Day, Id, Moment, Text, aware
from rendezvous.api.lists import (
    Columns,
    Page,
    ordered,
    page_of,
    sort_choices,
    sort_field,
)
from rendezvous.scheduling.access import events_visible_to, get_event_for_user
from rendezvous.scheduling.models import Phase
from rendezvous.scheduling.services import (
    create_event,
    delete_event,
    set_event_phase,
    update_event,
)
from rendezvous.school.access import classes_visible_to

router = Router(tags=["events"])
LANGUAGES = [code for code, _label in settings.LANGUAGES]


class Wording(Schema):
    name: Text = Field("", max_length=200)
    description: str = Field("", max_length=5000)


class EventOut(Schema):
    id: int
    name: str
    description: str
    translations: dict[str, Wording]
    phase: Phase
    starts_on: date
    ends_on: date
    booking_opens_at: datetime
    booking_closes_at: datetime
    classes: list[int]
    default_slot_minutes: int
    change_cutoff_hours: int
    auto_confirm: bool
    retention_days: int


class EventIn(Schema):
    name: Text = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    translations: dict[str, Wording] = Field(
        {}, description="the name and description in other languages, by language code"
    )
    starts_on: Day
    ends_on: Day
    booking_opens_at: Moment
    booking_closes_at: Moment
    classes: list[Id] = Field([], max_length=500)
    default_slot_minutes: int = Field(10, ge=1, le=600)
    change_cutoff_hours: int = Field(24, ge=0, le=24 * 60)
    auto_confirm: bool = False
    retention_days: int = Field(14, ge=0, le=3650)

    @model_validator(mode="after")
    def known_languages(self):
        unknown = set(self.translations) - set(LANGUAGES)
        if unknown:
            raise ValueError(f"languages are {', '.join(LANGUAGES)}")
        return self


class PhaseIn(Schema):
    phase: Phase


EVENT_ORDER: Columns = {"starts_on": ("starts_on",), "name": ("name",)}


class EventFilters(Schema):
    phase: Phase | None = None
    sort: sort_choices(EVENT_ORDER) = sort_field("-starts_on")


def event_body(event) -> dict:
    return {
        **{name: getattr(event, name) for name in EventOut.model_fields if name != "classes"},
        "classes": sorted(c.pk for c in event.classes.all()),
    }


def _fields(user, body: EventIn) -> dict:
    values = body.model_dump(exclude={"classes", "translations"})
    for name in ("booking_opens_at", "booking_closes_at"):
        values[name] = aware(values[name], f"body.{name}")
    values["translations"] = {
        code: {field: text for field, text in wording.items() if text}
        for code, wording in body.model_dump()["translations"].items()
        if any(wording.values())
    }
    classes = list(classes_visible_to(user).filter(pk__in=body.classes))
    if len(classes) != len(set(body.classes)):
        raise Http404
    return {"classes": classes, **values}


def _fresh(request, event_id: int) -> dict:
    return event_body(events_visible_to(request.user).prefetch_related("classes").get(pk=event_id))


@router.get("", response=responses({200: list[EventOut]}, 401), operation_id="events_list")
def list_events(request, response: HttpResponse, filters: Query[EventFilters], page: Query[Page]):
    """The events the signed-in person may see, latest first: staff all of their
    organisation's, parents those of their children's classes but drafts."""
    rows = events_visible_to(request.user).prefetch_related("classes")
    if filters.phase:
        rows = rows.filter(phase=filters.phase)
    rows = ordered(rows, filters.sort, EVENT_ORDER)
    return [event_body(event) for event in page_of(request, response, rows, page)]


@router.get(
    "/{int:event_id}", response=responses({200: EventOut}, 401, 404), operation_id="events_get"
)
def get_event(request, event_id: int):
    return event_body(get_event_for_user(request.user, event_id))


@router.post("", response=responses({201: EventOut}, 401, 403, 404), operation_id="events_create")
def create(request, body: EventIn):
    """A new event, in draft: parents see it once it is opened."""
    require_admin(request.user)
    event = create_event(organisation=request.user.organisation, **_fields(request.user, body))
    return Status(201, _fresh(request, event.pk))


@router.put(
    "/{int:event_id}",
    response=responses({200: EventOut}, 401, 403, 404, 409),
    operation_id="events_update",
)
def update(request, event_id: int, body: EventIn):
    """Replace an event's details; its days may not shrink past slots already in it."""
    event = get_event_for_user(request.user, event_id, write=True)
    update_event(event=event, **_fields(request.user, body))
    return _fresh(request, event_id)


@router.post(
    "/{int:event_id}/phase",
    response=responses({200: EventOut}, 401, 403, 404, 409),
    operation_id="events_phase",
)
def change_phase(request, event_id: int, body: PhaseIn):
    """draft → open → closed → archived, or back from open to draft while nobody has booked
    (409 phase_change_refused otherwise)."""
    event = get_event_for_user(request.user, event_id, write=True)
    set_event_phase(event=event, phase=body.phase)
    return _fresh(request, event_id)


@router.delete(
    "/{int:event_id}",
    response=responses({204: None}, 401, 403, 404, 409),
    operation_id="events_delete",
)
def delete(request, event_id: int):
    """Only a draft nobody has booked goes, with its slots; later ones are archived."""
    delete_event(event=get_event_for_user(request.user, event_id, write=True))
    return Status(204, None)
