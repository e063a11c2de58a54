"""Every API operation for every role: allowed, 401, 403 or 404 as the access rules say. A
new operation without a row here fails test_every_operation_has_a_row."""

import pytest

from rendezvous.accounts.models import Role
from rendezvous.accounts.tests.factories import ParentFactory, UserFactory
from rendezvous.accounts.tokens import create_token
from rendezvous.api.api import api
from rendezvous.api.tests.api_client import ApiClient, signed_in
from rendezvous.bookings.models import Booking
from rendezvous.notifications.tests.factories import FailedEmailFactory
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.scheduling.models import Subject

ROLES = [
    "anonymous",
    "parent",
    "other_parent",
    "teacher",
    "other_teacher",
    "admin",
    "foreign_admin",
    "foreign_parent",
]


def _expect(anonymous=401, **by_role):
    """Status per role: `signed_in` for all signed-in roles unless named."""
    signed = by_role.pop("signed_in", 200)
    return {role: by_role.get(role, signed) for role in ROLES} | {"anonymous": anonymous}


def _admin_only(**by_role):
    """Admins only: the other signed-in roles get 403 unless named."""
    return _expect(signed_in=403, admin=200, foreign_admin=200) | by_role


# Those who see a class or pupil but may not change it get 403; the rest 404.
ONLY_ITS_OWN = {
    "other_parent": 404,
    "other_teacher": 404,
    "foreign_admin": 404,
    "foreign_parent": 404,
}

OUTSIDERS = {"foreign_admin": 404, "foreign_parent": 404}
SEES_THE_TEACHER = _expect(other_parent=404, **OUTSIDERS)

# operation id: (method, path, body, expected status by role). `{booking}` is the parent's
# child's booking with `teacher`; `{slot}` a free time of `teacher` in the child's event.
ROWS = {
    "auth_login": (
        "post",
        "/auth/login",
        {"login": "12345", "password": "x"},
        _expect(401, signed_in=401),
    ),
    "auth_me": ("get", "/auth/me", None, _expect()),
    "auth_logout": ("post", "/auth/logout", None, _expect(signed_in=204)),
    "bookings_list": ("get", "/bookings", None, _expect()),
    "bookings_get": (
        "get",
        "/bookings/{booking}",
        None,
        _expect(other_parent=404, other_teacher=404, foreign_admin=404, foreign_parent=404),
    ),
    "bookings_create": (
        "post",
        "/bookings",
        {"slot": "{slot}", "pupil": "{pupil}"},
        _expect(signed_in=403, parent=201, other_parent=404, foreign_parent=404),
    ),
    "bookings_cancel": (
        "delete",
        "/bookings/{booking}",
        None,
        _expect(other_parent=404, other_teacher=404, foreign_admin=404, foreign_parent=404),
    ),
    "bookings_move": (
        "post",
        "/bookings/{booking}/move",
        {"slot": "{slot}"},
        _expect(
            teacher=403, other_parent=404, other_teacher=404, foreign_admin=404, foreign_parent=404
        ),
    ),
    # `{booking}` was booked by the parent for no child, with `teacher`: pending.
    "bookings_decide": (
        "patch",
        "/bookings/{booking}",
        {"status": "confirmed"},
        _expect(
            parent=403,
            other_parent=403,
            foreign_parent=403,
            other_teacher=404,
            foreign_admin=404,
        ),
    ),
    "slots_list": ("get", "/slots", None, _expect()),
    "exports_bookings": ("get", "/exports/bookings.csv", None, _expect()),
    "exports_slots": ("get", "/exports/slots.csv", None, _expect()),
    "exports_pupils": ("get", "/exports/pupils.csv", None, _expect()),
    "exports_parents": (
        "get",
        "/exports/parents.csv",
        None,
        _expect(signed_in=403, admin=200, foreign_admin=200),
    ),
    "reports_teacher_load": ("get", "/reports/teacher-load", None, _admin_only()),
    "reports_subject_load": ("get", "/reports/subject-load", None, _admin_only()),
    # `{event}` is the parent's child's event; another organisation's admin gets 404.
    "reports_event_summary": (
        "get",
        "/reports/events/{event}/summary",
        None,
        _admin_only(foreign_admin=404),
    ),
    "reports_event_remind": (
        "post",
        "/reports/events/{event}/remind",
        None,
        _admin_only(foreign_admin=404),
    ),
    # `{email}` is a failed mail of the organisation.
    "emails_list": ("get", "/emails", None, _admin_only()),
    "emails_get": ("get", "/emails/{email}", None, _admin_only(foreign_admin=404)),
    "emails_resend": ("post", "/emails/{email}/resend", None, _admin_only(foreign_admin=404)),
    "tokens_list": ("get", "/tokens", None, _expect()),
    "tokens_create": ("post", "/tokens", {"name": "script"}, _expect(signed_in=201)),
    # `{token}` is the parent's token: only the parent may revoke it.
    "tokens_revoke": (
        "delete",
        "/tokens/{token}",
        None,
        _expect(signed_in=404, parent=204),
    ),
    # A new slot on the event's day in the evening, clear of `{slot}`; staff hold their own.
    "slots_create": (
        "post",
        "/slots",
        {"starts_at": "{evening}", "ends_at": "{evening_end}"},
        _expect(signed_in=201, parent=403, other_parent=403, foreign_parent=403),
    ),
    "slots_bulk": (
        "post",
        "/slots/bulk?preview=true",
        {"first_day": "{day}", "window_start": "19:00", "window_end": "20:00", "slot_minutes": 15},
        _expect(parent=403, other_parent=403, foreign_parent=403),
    ),
    "slots_update": (
        "patch",
        "/slots/{slot}",
        {"room": "B 12"},
        _expect(
            parent=403, other_parent=404, other_teacher=404, foreign_admin=404, foreign_parent=404
        ),
    ),
    "slots_delete": (
        "delete",
        "/slots/{slot}",
        None,
        _expect(
            parent=403,
            teacher=204,
            admin=204,
            other_parent=404,
            other_teacher=404,
            foreign_admin=404,
            foreign_parent=404,
        ),
    ),
    "events_list": ("get", "/events", None, _expect()),
    "events_get": (
        "get",
        "/events/{event}",
        None,
        _expect(other_parent=404, foreign_admin=404, foreign_parent=404),
    ),
    "events_create": (
        "post",
        "/events",
        {
            "name": "Elternsprechtag",
            "starts_on": "{day}",
            "ends_on": "{day}",
            "booking_opens_at": "{opens}",
            "booking_closes_at": "{closes}",
        },
        _admin_only(admin=201, foreign_admin=201),
    ),
    # `{event}` is open with `{slot}` in it: it may change but not be deleted.
    "events_update": (
        "put",
        "/events/{event}",
        {
            "name": "Elternsprechtag",
            "starts_on": "{day}",
            "ends_on": "{day}",
            "booking_opens_at": "{opens}",
            "booking_closes_at": "{closes}",
        },
        _admin_only(other_parent=404, foreign_admin=404, foreign_parent=404),
    ),
    "events_phase": (
        "post",
        "/events/{event}/phase",
        {"phase": "closed"},
        _admin_only(other_parent=404, foreign_admin=404, foreign_parent=404),
    ),
    "events_delete": (
        "delete",
        "/events/{event}",
        None,
        _admin_only(admin=409, other_parent=404, foreign_admin=404, foreign_parent=404),
    ),
    # `{department}` holds `{class}`, the child's class, led by `teacher`.
    "departments_list": ("get", "/departments", None, _expect()),
    "departments_get": (
        "get",
        "/departments/{department}",
        None,
        _expect(parent=404, other_parent=404, foreign_admin=404, foreign_parent=404),
    ),
    "departments_create": (
        "post",
        "/departments",
        {"name": "Kunst"},
        _admin_only(admin=201, foreign_admin=201),
    ),
    "departments_update": (
        "put",
        "/departments/{department}",
        {"name": "Sprachen"},
        _admin_only(parent=404, other_parent=404, foreign_admin=404, foreign_parent=404),
    ),
    "departments_delete": (
        "delete",
        "/departments/{department}",
        None,
        _admin_only(
            admin=409, parent=404, other_parent=404, foreign_admin=404, foreign_parent=404
        ),
    ),
    "classes_list": ("get", "/classes", None, _expect()),
    "classes_get": (
        "get",
        "/classes/{class}",
        None,
        _expect(other_parent=404, other_teacher=404, foreign_admin=404, foreign_parent=404),
    ),
    "classes_create": (
        "post",
        "/classes",
        {"name": "9c", "department": "{department}"},
        _admin_only(admin=201, foreign_admin=404),
    ),
    "classes_update": (
        "put",
        "/classes/{class}",
        {"name": "7a", "department": "{department}"},
        _admin_only(**ONLY_ITS_OWN),
    ),
    "classes_delete": (
        "delete",
        "/classes/{class}",
        None,
        _admin_only(admin=204, **ONLY_ITS_OWN),
    ),
    "pupils_list": ("get", "/pupils", None, _expect()),
    "pupils_get": (
        "get",
        "/pupils/{pupil}",
        None,
        _expect(other_parent=404, other_teacher=404, foreign_admin=404, foreign_parent=404),
    ),
    "pupils_create": (
        "post",
        "/pupils",
        {"first_name": "Mia", "last_name": "Roth", "class": "{class}"},
        _admin_only(admin=201, foreign_admin=404),
    ),
    "pupils_update": (
        "put",
        "/pupils/{pupil}",
        {"first_name": "Mia", "last_name": "Roth", "class": "{class}", "parents": ["{parent}"]},
        _admin_only(**ONLY_ITS_OWN),
    ),
    "pupils_delete": (
        "delete",
        "/pupils/{pupil}",
        None,
        _admin_only(admin=204, **ONLY_ITS_OWN),
    ),
    "subjects_list": ("get", "/subjects", None, _expect()),
    "subjects_create": (
        "post",
        "/subjects",
        {"name": "Chemie"},
        _admin_only(admin=201, foreign_admin=201),
    ),
    "subjects_update": (
        "put",
        "/subjects/{subject}",
        {"name": "Mathe"},
        _admin_only(**OUTSIDERS),
    ),
    "subjects_delete": (
        "delete",
        "/subjects/{subject}",
        None,
        _admin_only(admin=204, **OUTSIDERS),
    ),
    # `{teacher}` leads the child's class; `{colleague}` is another teacher.
    "teachers_list": ("get", "/teachers", None, _expect()),
    "teachers_get": ("get", "/teachers/{teacher}", None, SEES_THE_TEACHER),
    "teachers_slots": ("get", "/teachers/{teacher}/slots", None, SEES_THE_TEACHER),
    "teachers_schedule": ("get", "/teachers/{teacher}/schedule", None, SEES_THE_TEACHER),
    "teachers_create": (
        "post",
        "/teachers",
        {"first_name": "Jonas", "last_name": "Weber", "email": "j.weber@example.org"},
        _admin_only(admin=201, foreign_admin=201),
    ),
    "teachers_update": (
        "put",
        "/teachers/{colleague}",
        {"first_name": "Jonas", "last_name": "Weber", "email": "colleague@example.org"},
        _admin_only(**OUTSIDERS),
    ),
    "teachers_delete": (
        "delete",
        "/teachers/{colleague}",
        None,
        _admin_only(admin=204, **OUTSIDERS),
    ),
    "parents_list": ("get", "/parents", None, _admin_only()),
    "parents_me": (
        "get",
        "/parents/me",
        None,
        _expect(teacher=403, other_teacher=403, admin=403, foreign_admin=403),
    ),
    "parents_get": ("get", "/parents/{parent}", None, _admin_only(**OUTSIDERS)),
    "parents_create": (
        "post",
        "/parents",
        {"first_name": "Olga", "last_name": "Iwanowa"},
        _admin_only(admin=201, foreign_admin=201),
    ),
    "parents_update": (
        "put",
        "/parents/{parent}",
        {"first_name": "Olga", "last_name": "Iwanowa", "children": ["{pupil}"]},
        _admin_only(**OUTSIDERS),
    ),
    # The parent has booked: their account stays until the appointments are history.
    "parents_delete": ("delete", "/parents/{parent}", None, _admin_only(admin=409, **OUTSIDERS)),
    "users_list": ("get", "/users", None, _admin_only()),
    "users_get": ("get", "/users/{colleague}", None, _admin_only(**OUTSIDERS)),
    "users_create": (
        "post",
        "/users",
        {"first_name": "Jonas", "last_name": "Weber", "email": "j.weber@example.org"},
        _admin_only(admin=201, foreign_admin=201),
    ),
    "users_update": (
        "put",
        "/users/{colleague}",
        {"first_name": "Jonas", "last_name": "Weber", "email": "colleague@example.org"},
        _admin_only(**OUTSIDERS),
    ),
    "users_delete": ("delete", "/users/{colleague}", None, _admin_only(admin=204, **OUTSIDERS)),
    "calendar_day": ("get", "/calendar/day/{day}", None, _expect()),
    "calendar_week": ("get", "/calendar/week/{day}", None, _expect()),
    "calendar_month": ("get", "/calendar/month/{year}/{month}", None, _expect()),
    "slots_get": (
        "get",
        "/slots/{slot}",
        None,
        _expect(other_parent=404, other_teacher=404, foreign_admin=404, foreign_parent=404),
    ),
}


def operation_ids() -> set[str]:
    schema = api.get_openapi_schema()
    return {op["operationId"] for path in schema["paths"].values() for op in path.values()}


def test_every_operation_has_a_row():
    assert operation_ids() == set(ROWS)


@pytest.fixture
def people(organisation, parent, other_parent, teacher, other_teacher, admin):
    elsewhere = OrganisationFactory(slug="elsewhere")
    return {
        "parent": parent,
        "other_parent": other_parent,
        "teacher": teacher,
        "other_teacher": other_teacher,
        "admin": admin,
        "foreign_admin": UserFactory(organisation=elsewhere, role=Role.ADMIN),
        "foreign_parent": ParentFactory(organisation=elsewhere),
    }


def _filled(value, names: dict):
    if isinstance(value, str):
        filled = value.format(**names)
        return int(filled) if value.startswith("{") and filled.isdigit() else filled
    if isinstance(value, dict):
        return {key: _filled(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, names) for item in value]
    return value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(ROWS))
def test_each_role_gets_what_the_rules_allow(
    operation, role, people, organisation, parent, pupil, teacher, event, slot
):
    from rendezvous.scheduling.tests.factories import SlotFactory

    booked = Booking.objects.create(
        organisation=organisation,
        slot=SlotFactory(organisation=organisation, host=teacher, event=event, seats_taken=1),
        host=teacher,
        event=event,
        booker=parent,
        pupil=None,
    )
    token, _secret = create_token(user=parent, name="the parent's")
    names = {
        "booking": booked.pk,
        "slot": slot.pk,
        "pupil": pupil.pk,
        "role": role,
        "token": token.pk,
        "event": event.pk,
        "email": FailedEmailFactory(organisation=organisation).pk,
        "day": event.starts_on.isoformat(),
        "class": pupil.school_class_id,
        "department": pupil.school_class.department_id,
        "parent": parent.pk,
        "teacher": teacher.pk,
        "colleague": people["other_teacher"].pk,
        "subject": Subject.objects.create(organisation=organisation, name="Mathematik").pk,
        "year": event.starts_on.year,
        "month": event.starts_on.month,
        "evening": f"{event.starts_on}T19:00:00",
        "evening_end": f"{event.starts_on}T19:15:00",
        "opens": event.booking_opens_at.isoformat(),
        "closes": event.booking_closes_at.isoformat(),
    }
    method, path, body, expected = ROWS[operation]
    client = ApiClient() if role == "anonymous" else signed_in(people[role])
    path = path.format(**names)
    if method == "get":
        response = client.get(path)
    elif method == "delete":
        response = client.delete(path)
    else:
        response = getattr(client, method)(path, _filled(body, names))

    assert response.status_code == expected[role], response.content
    if response.status_code >= 400:
        assert set(response.json()) == {"code", "message", "details"}
