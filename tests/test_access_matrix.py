"""Who may use which page: every URL name of the project (ours, allauth's and the Django
admin's), for every role, on GET and, where the page takes a form, on POST.

The table below says what each role gets. A view added without a row makes the test fail, so
nobody forgets to decide who may use it; a view whose answer changes makes it fail too. The
ids in the paths are real rows of the school: the parent's booking, the teacher's slot, the
class, the pupil, and so on. Another parent, another teacher and the office of another
organisation ask for those same rows and must get 404.

Every request runs inside a savepoint that is rolled back, so each one meets the same rows
(a delete or a sign-out does not change what the next request sees).
"""

from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from rendezvous.accounts.models import Session, User
from rendezvous.accounts.services import EMAIL_CHANGE_SALT
from rendezvous.accounts.tokens import create_token
from rendezvous.bookings.services import book_slot
from rendezvous.calendars.feeds import renew_feed
from rendezvous.notifications.tests.factories import FailedEmailFactory
from rendezvous.scheduling.tests.factories import SlotFactory
from tests.urls import named_url_patterns

ROLES = (
    "anonymous",
    "outsider",
    "parent",
    "other_parent",
    "student",
    "teacher",
    "other_teacher",
    "admin",
)

# What a role gets, besides a plain status code.
SIGN_IN = "302 to sign-in"  # a redirect to the sign-in page, with ?next= back
ADMIN_SIGN_IN = "302 to the admin's sign-in"  # the Django admin's own redirect (to ours)


def everyone(expected) -> dict:
    return dict.fromkeys(ROLES, expected)


def signed_in(expected, *, anonymous=SIGN_IN, **exceptions) -> dict:
    """Pages behind the sign-in: anonymous is sent to it, the roles get `expected` unless
    named otherwise."""
    return {**dict.fromkeys(ROLES, expected), "anonymous": anonymous, **exceptions}


def only(roles: dict, *, refused=403, anonymous=SIGN_IN) -> dict:
    """Pages for some roles: the others are refused (403), anonymous is sent to sign in."""
    return {role: roles.get(role, refused) for role in ROLES} | {"anonymous": anonymous}


# Role groups, written once.
STAFF = ("teacher", "other_teacher", "admin", "outsider")
NOT_POST = everyone(405)  # require_POST answers GET with 405 before asking who is there


def parents(expected) -> dict:
    return only({"parent": expected, "other_parent": expected})


def staff(expected) -> dict:
    return only(dict.fromkeys(STAFF, expected))


def office(expected, *, outsider=None) -> dict:
    """The office's pages: admins only. The outsider is an admin too, of another
    organisation: a list page shows them their own rows (200), a row of ours is 404."""
    return only({"admin": expected, "outsider": expected if outsider is None else outsider})


def office_row(expected) -> dict:
    return office(expected, outsider=404)


def the_parents_booking(expected) -> dict:
    """A page of the parent's booking at the teacher's slot: the parent uses it; another
    parent, another teacher, a student and the outsider do not see the booking (404); the
    teacher and the office see it but change it on their own pages (403)."""
    return only(
        {
            "parent": expected,
            "other_parent": 404,
            "student": 404,
            "other_teacher": 404,
            "outsider": 404,
            "teacher": 403,
            "admin": 403,
        }
    )


def the_teachers_slot(expected) -> dict:
    """A page of the teacher's slot: the teacher and the office (who manage every slot of
    the organisation) use it; another teacher and the outsider do not see it (404); parents
    and students have no teacher pages (403)."""
    return staff(expected) | {"other_teacher": 404, "outsider": 404}


@dataclass(frozen=True)
class Rule:
    get: dict
    post: dict | None = None  # None: the page takes no form, so POST is not tried
    # The path's parameters and the form a POST sends: each value names a row of the
    # world (its pk is used) or is sent as it is.
    path: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)


EXPECTED: dict[str, Rule] = {
    # Start, health, language.
    "home": Rule(get=signed_in(302)),  # each role to their start page; a student to sign-out
    "healthz": Rule(get=everyone(200)),
    "api-1:openapi-json": Rule(get=everyone(200)),
    "api-1:openapi-view": Rule(get=everyone(200)),
    "set-language": Rule(get=NOT_POST, post=everyone(302), data={"language": "de"}),
    # An organisation's theme stylesheet and logos are public: the sign-in page and mail use
    # them. Only logos are served from media; a name that is not there is 404 for everyone.
    "organisation-theme": Rule(path={"slug": "goethe"}, get=everyone(200)),
    "organisation-logo": Rule(path={"name": "goethe-0123456789ab.png"}, get=everyone(404)),
    # The sign-in address: staff and students change it, parents have none (404).
    "account_email": Rule(
        get=signed_in(200, parent=404, other_parent=404),
        post=signed_in(200, parent=404, other_parent=404),
    ),
    # Each person's own API tokens and calendar feed; another's token is 404.
    "access-tokens": Rule(
        get=signed_in(200), post=signed_in(200), data={"name": "script", "scope": "read"}
    ),
    "access-token-revoke": Rule(
        path={"token_id": "parents_token"}, get=signed_in(405), post=signed_in(404, parent=302)
    ),
    "calendar-feed-page": Rule(get=signed_in(200), post=signed_in(302), data={"action": "renew"}),
    # The feed's secret address is the permission: it works without a session.
    "bookings:calendar-feed": Rule(path={"key": "parents_feed_key"}, get=everyone(200)),
    # The link in the email is the permission: whoever holds it may confirm (its token is
    # signed and names the account and both addresses).
    "account_email_confirm": Rule(
        path={"token": "email_change_token"}, get=everyone(200), post=everyone(302)
    ),
    # Allauth's pages.
    "account_login": Rule(
        get=signed_in(302, anonymous=200),
        post=signed_in(302, anonymous=200),
        data={"login": "nobody@example.org", "password": "wrong"},
    ),
    "account_logout": Rule(get=signed_in(200), post=everyone(SIGN_IN)),  # out, to sign in again
    "account_inactive": Rule(get=everyone(200)),
    "account_signup": Rule(get=signed_in(302, anonymous=200), post=signed_in(302, anonymous=200)),
    "account_reauthenticate": Rule(get=signed_in(200), post=signed_in(200)),
    # Sign-in and re-authentication by emailed code are off: allauth sends everyone back.
    "account_request_reauthentication_code": Rule(get=signed_in(302), post=signed_in(302)),
    "account_confirm_reauthentication_code": Rule(get=signed_in(302), post=signed_in(302)),
    "account_email_verification_sent": Rule(get=everyone(200)),
    "account_change_password": Rule(get=signed_in(200), post=signed_in(200)),
    "account_set_password": Rule(get=signed_in(302), post=signed_in(302)),
    "account_reset_password": Rule(get=everyone(200), post=everyone(200)),
    "account_confirm_login_code": Rule(get=signed_in(302), post=signed_in(302)),
    # Addresses are not verified by allauth's links (ours confirm a change): a page that
    # says the link is not valid, and nothing to confirm.
    "account_confirm_email": Rule(
        path={"key": "not-a-key"}, get=everyone(200), post=everyone(404)
    ),
    "account_reset_password_from_key_done": Rule(get=everyone(200)),
    # The link in the welcome email: its key is the permission.
    "account_reset_password_from_key": Rule(
        path={"uidb36": "teacher_uidb36", "key": "password_key"},
        get=everyone(302),
        post=everyone(302),
    ),
    "account_reset_password_done": Rule(get=everyone(200)),
    # The parent's pages.
    "bookings:parent-home": Rule(get=parents(200)),
    "bookings:parent-book": Rule(
        get=NOT_POST,
        # The pupil is the parent's child: another parent gets 404 for it.
        post=parents(302) | {"other_parent": 404},
        data={"pupil": "pupil", "slot": "free_slot"},
    ),
    "bookings:parent-appointments": Rule(get=parents(200)),
    "bookings:parent-plan": Rule(get=parents(200)),
    "bookings:parent-booking-cancel": Rule(
        path={"booking_id": "booking"}, get=the_parents_booking(200), post=the_parents_booking(302)
    ),
    "bookings:parent-booking-move": Rule(
        path={"booking_id": "booking"},
        get=the_parents_booking(200),
        post=the_parents_booking(302),
        data={"slot": "free_slot"},
    ),
    "bookings:parent-booking-ics": Rule(
        path={"booking_id": "booking"}, get=the_parents_booking(200)
    ),
    # The teacher's pages (admins use them for slots they host).
    "bookings:teacher-calendar": Rule(get=staff(200)),
    "bookings:slot-edit": Rule(
        path={"pk": "slot"}, get=the_teachers_slot(200), post=the_teachers_slot(200)
    ),
    "bookings:slot-delete": Rule(
        path={"pk": "slot"}, get=the_teachers_slot(200), post=the_teachers_slot(302)
    ),
    "bookings:booking-decide": Rule(
        path={"pk": "booking"},
        get=NOT_POST,
        post=the_teachers_slot(302),  # the booking is at the teacher's slot
        data={"decision": "confirm"},
    ),
    # The teacher's start page and the decisions on requests: rejecting and cancelling ask
    # first (GET) and act on POST; confirming several and the choice of mails are POST only.
    "bookings:teacher-home": Rule(get=staff(200)),
    "bookings:booking-reject": Rule(
        path={"pk": "booking"}, get=the_teachers_slot(200), post=the_teachers_slot(302)
    ),
    "bookings:booking-cancel": Rule(
        path={"pk": "booking"}, get=the_teachers_slot(200), post=the_teachers_slot(302)
    ),
    # Ticked requests that are not the person's own are refused with a message (302).
    "bookings:booking-confirm-many": Rule(
        get=NOT_POST, post=staff(302), data={"bookings": "booking"}
    ),
    "bookings:teacher-request-mails": Rule(
        get=NOT_POST, post=staff(302), data={"request_mails": "daily"}
    ),
    "scheduling:slot-create": Rule(get=staff(200), post=staff(200)),
    "scheduling:slot-generate": Rule(get=staff(200), post=staff(200)),
    # The office.
    "office:dashboard": Rule(get=office(200)),
    "office:departments": Rule(get=office(200)),
    "office:department-create": Rule(
        get=office(200), post=office(302), data={"name": "Naturwissenschaften"}
    ),
    "office:department-edit": Rule(
        path={"pk": "department"}, get=office_row(200), post=office_row(200)
    ),
    "office:department-delete": Rule(
        path={"pk": "department"}, get=office_row(200), post=office_row(302)
    ),
    "office:classes": Rule(get=office(200)),
    "office:class-create": Rule(get=office(200), post=office(200)),
    "office:class-edit": Rule(path={"pk": "class"}, get=office_row(200), post=office_row(200)),
    "office:class-delete": Rule(path={"pk": "class"}, get=office_row(200), post=office_row(302)),
    "office:pupils": Rule(get=office(200)),
    "office:pupils-export": Rule(get=office(200)),  # an outsider's own (empty) list
    "office:pupil-create": Rule(get=office(200), post=office(200)),
    "office:roster-import": Rule(get=office(200), post=office(400)),  # no file: 400
    "office:roster-template": Rule(get=office(200)),
    # The pickers' searches (htmx asks them while the admin types): admins only; a pupil of
    # another organisation is 404, and the pupil search finds only the admin's own pupils.
    "office:pupil-picker": Rule(get=office(200)),
    "office:pupil-parent-picker": Rule(path={"pk": "pupil"}, get=office_row(200)),
    "office:pupil-edit": Rule(path={"pk": "pupil"}, get=office_row(200), post=office_row(200)),
    "office:pupil-delete": Rule(path={"pk": "pupil"}, get=office_row(200), post=office_row(302)),
    "office:pupil-parent-link": Rule(
        path={"pk": "pupil"}, get=NOT_POST, post=office_row(302), data={"parent": "other_parent"}
    ),
    "office:pupil-parent-unlink": Rule(
        path={"pk": "pupil", "parent_pk": "parent"}, get=NOT_POST, post=office_row(302)
    ),
    "office:parents": Rule(get=office(200)),
    "office:parents-export": Rule(get=office(200)),
    "office:parent-create": Rule(get=office(200), post=office(200)),
    "office:parent-edit": Rule(path={"pk": "parent"}, get=office_row(200), post=office_row(200)),
    "office:parent-delete": Rule(path={"pk": "parent"}, get=office_row(200), post=office_row(302)),
    "office:users": Rule(get=office(200)),
    "office:user-create": Rule(get=office(200), post=office(200)),
    "office:user-edit": Rule(path={"user_id": "user"}, get=office_row(200), post=office_row(200)),
    "office:user-deactivate": Rule(path={"user_id": "user"}, get=NOT_POST, post=office_row(302)),
    "office:user-delete": Rule(
        path={"user_id": "user"}, get=office_row(200), post=office_row(302)
    ),
    "office:user-send-link": Rule(path={"user_id": "user"}, get=NOT_POST, post=office_row(302)),
    "office:credentials": Rule(get=office(200)),
    "office:credentials-send": Rule(
        get=NOT_POST,
        # Another organisation's parent among the ticked ones: 404.
        post=office(200, outsider=404),
        data={"scope": "selected", "parents": "parent"},
    ),
    # The page's old addresses: the list redirects to the new one, the form still sends.
    "office:parent-credentials": Rule(get=office(302)),
    "office:parent-credentials-send": Rule(
        get=NOT_POST,
        # Another organisation's parent among the ticked ones: 404.
        post=office(200, outsider=404),
        data={"scope": "selected", "parents": "parent"},
    ),
    "office:events": Rule(get=office(200)),
    "office:event-create": Rule(get=office(200), post=office(200)),
    "office:event-detail": Rule(path={"pk": "event"}, get=office_row(200)),
    # The event day's calendar of all teachers; filters and the day come as GET parameters.
    "office:event-calendar": Rule(path={"pk": "event"}, get=office_row(200)),
    # Its slots, with the same filters, as a CSV file; another organisation's event is 404.
    "office:event-calendar-export": Rule(path={"pk": "event"}, get=office_row(200)),
    "office:event-edit": Rule(path={"pk": "event"}, get=office_row(200), post=office_row(200)),
    "office:event-phase": Rule(
        path={"pk": "event"}, get=NOT_POST, post=office_row(302), data={"phase": "closed"}
    ),
    "office:appointments": Rule(get=office(200)),
    # The other organisation has no event, so nothing to export.
    "office:appointments-export": Rule(get={**office(200), "outsider": 404}),
    "office:reports": Rule(get=office(200)),  # an outsider sees their own (empty) figures
    "office:event-remind": Rule(path={"pk": "event"}, get=NOT_POST, post=office_row(302)),
    "office:appointment-cancel": Rule(
        path={"booking_id": "booking"}, get=office_row(200), post=office_row(302)
    ),
    "office:appointment-move": Rule(
        path={"booking_id": "booking"},
        get=office_row(200),
        post=office_row(302),
        data={"slot": "free_slot"},
    ),
    "office:emails": Rule(get=office(200)),
    "office:email-detail": Rule(path={"pk": "email"}, get=office_row(200)),
    "office:email-resend": Rule(path={"pk": "email"}, get=NOT_POST, post=office_row(302)),
    # The organisation's own settings: the outsider's office changes its own organisation.
    "office:settings": Rule(
        get=office(200),
        post=office(302),
        data={
            "name": "Renamed",
            "accent_colour": "#123456",
            "time_zone": "Europe/Berlin",
            "language": "de",
        },
    ),
    # The Django admin: a few pages named here, the rest by ADMIN_SITE below. Only staff
    # accounts (is_staff) may enter, and none of the roles is one: the admin sends them to
    # its sign-in, which is ours (and refuses a signed-in non-staff account with 403).
    "admin:index": Rule(get=everyone(ADMIN_SIGN_IN)),
    "admin:login": Rule(get=signed_in(403), post=signed_in(403)),
    "admin:logout": Rule(get=everyone(302), post=everyone(302)),  # to the admin's start
    "admin:accounts_user_changelist": Rule(
        get=everyone(ADMIN_SIGN_IN), post=everyone(ADMIN_SIGN_IN)
    ),
    "admin:accounts_user_change": Rule(get=everyone(ADMIN_SIGN_IN), post=everyone(ADMIN_SIGN_IN)),
    "admin:bookings_booking_changelist": Rule(
        get=everyone(ADMIN_SIGN_IN), post=everyone(ADMIN_SIGN_IN)
    ),
}
# Every other page of the Django admin.
ADMIN_SITE = Rule(get=everyone(ADMIN_SIGN_IN), post=everyone(ADMIN_SIGN_IN))


def rule_for(name: str) -> Rule | None:
    if name in EXPECTED:
        return EXPECTED[name]
    return ADMIN_SITE if name.startswith("admin:") else None


URL_PATTERNS = named_url_patterns()
# The API's operations have a table of their own, by operation id and with JSON bodies
# (rendezvous/api/tests/test_access_matrix.py); its document and docs pages are here.
API_PAGES = {"api-1:openapi-json", "api-1:openapi-view"}
URL_NAMES = sorted(
    name for name in URL_PATTERNS if not name.startswith("api-1:") or name in API_PAGES
)


class Caller:
    """One role's client; every request is rolled back and starts from the same session."""

    def __init__(self, user: User | None):
        self.user = user
        self.client = Client(raise_request_exception=False)
        self.session = None
        if user is not None:
            self.client.force_login(user)
            self.session = self.client.cookies[settings.SESSION_COOKIE_NAME].value

    def send(self, method: str, url: str, data: dict):
        cookies = {settings.SESSION_COOKIE_NAME: self.session} if self.session else {}
        self.client.cookies = SimpleCookie(cookies)
        with transaction.atomic():
            send = self.client.get if method == "GET" else self.client.post
            response = send(url, data if method == "POST" else None)
            transaction.set_rollback(True)
        return response


@pytest.fixture
def world(
    organisation,
    outsider,
    admin,
    teacher,
    other_teacher,
    parent,
    other_parent,
    student,
    department,
    school_class,
    pupil,
    other_pupil,
    event,
    slot,
):
    """The rows the paths name, and a signed-in client for each role."""
    people = {
        "anonymous": None,
        "outsider": outsider,
        "parent": parent,
        "other_parent": other_parent,
        "student": student,
        "teacher": teacher,
        "other_teacher": other_teacher,
        "admin": admin,
    }
    # Signed in first: signing in changes last_login, which the password link's key covers.
    callers = {role: Caller(user) for role, user in people.items()}
    free_slot = SlotFactory(organisation=organisation, host=teacher, event=event)
    objects = {
        "booking": book_slot(booker=parent, slot=slot, pupil=pupil),
        "slot": slot,
        "free_slot": free_slot,
        "department": department,
        "class": school_class,
        "pupil": pupil,
        "parent": parent,
        "other_parent": other_parent,
        "user": other_teacher,  # the office's staff pages: a teacher without appointments
        "event": event,
        "email": FailedEmailFactory(organisation=organisation),
        "user_content_type": ContentType.objects.get_for_model(User).pk,
        # The links in the emails: the change of the teacher's address, and the welcome
        # email's link to choose a password.
        "email_change_token": signing.dumps(
            {"user": teacher.pk, "from": teacher.email, "to": "new.teacher@example.org"},
            salt=EMAIL_CHANGE_SALT,
        ),
        "teacher_uidb36": user_pk_to_url_str(teacher),
        "password_key": default_token_generator.make_token(teacher),
        "parents_token": create_token(user=parent, name="the parent's")[0],
        "parents_feed_key": renew_feed(user=parent).key,
    }
    cache.clear()  # rate limits counted by earlier tests
    yield objects, callers
    cache.clear()


def path_of(name: str, rule: Rule, objects: dict) -> str:
    """The URL of `name` with real rows of the organisation in it."""
    if name.startswith("admin:"):
        return reverse(name, kwargs=_admin_kwargs(name, objects))
    return reverse(name, kwargs=_values(rule.path, objects))


def _admin_kwargs(name: str, objects: dict) -> dict:
    """Any ids do: the admin refuses before it looks a row up."""
    parameters = URL_PATTERNS[name].pattern.regex.groupindex
    known = {"app_label": "school", "content_type_id": objects["user_content_type"]}
    return {parameter: known.get(parameter, objects["user"].pk) for parameter in parameters}


def _values(spec: dict, objects: dict) -> dict:
    """{"pk": "slot"} → {"pk": <the slot's pk>}; values that name no row stay as they are."""
    return {
        key: (getattr(objects[value], "pk", objects[value]) if value in objects else value)
        for key, value in spec.items()
    }


def outcome(response) -> str | int:
    """What the role got, in the table's words."""
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith(reverse("account_login")):
        return SIGN_IN
    if response.status_code == 302 and location.startswith(reverse("admin:login")):
        return ADMIN_SIGN_IN
    return response.status_code


def header_problems(response) -> list[str]:
    policy = response.headers.get("Content-Security-Policy", "")
    problems = []
    if not policy:
        problems.append("no Content-Security-Policy")
    if "'unsafe-inline'" in policy:
        problems.append("'unsafe-inline' in the Content-Security-Policy")
    if response.headers.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options {response.headers.get('X-Frame-Options')!r}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not response.headers.get("Permissions-Policy"):
        problems.append("no Permissions-Policy")
    return problems


@pytest.mark.sweep
@pytest.mark.django_db
@pytest.mark.parametrize("name", URL_NAMES)
def test_each_role_gets_what_the_table_says(name, world):
    rule = rule_for(name)
    assert rule is not None, (
        f"{name!r}: new view without an access rule: add it to the table EXPECTED in {__name__}"
    )
    objects, callers = world
    url = path_of(name, rule, objects)
    data = _values(rule.data, objects)
    failures = []
    for role in ROLES:
        caller = callers[role]
        for method, expected in (("GET", rule.get), ("POST", rule.post)):
            if expected is None:
                continue
            response = caller.send(method, url, data)
            got = outcome(response)
            if response.status_code >= 500:
                failures.append(f"{role} {method} {url} → {response.status_code} (server error)")
            elif got != expected[role]:
                failures.append(f"{role} {method} {url} → {got}, the table says {expected[role]}")
            for problem in header_problems(response):
                failures.append(f"{role} {method} {url} → {problem}")
    assert not failures, "\n".join(failures)


def test_the_table_names_only_pages_that_exist():
    stale = set(EXPECTED) - set(URL_NAMES)
    assert not stale, f"rules for URL names that no longer exist: {sorted(stale)}"


def test_every_role_is_in_every_rule():
    for name, rule in EXPECTED.items():
        for expected in (rule.get, rule.post):
            assert expected is None or set(expected) == set(ROLES), name


# CSRF: a form posted from another site carries the browser's cookies but not the token.


# Who posts the form in the CSRF test: the school's own people first, so that a form which
# got through would change the rows the test watches.
CSRF_ROLES = (
    "admin",
    "teacher",
    "parent",
    "student",
    "other_teacher",
    "other_parent",
    "outsider",
    "anonymous",
)


def _user_of_the_form(name: str, rule: Rule) -> str:
    """A role that may post the form, so that only the missing token can refuse it; the
    Django admin's forms are a superuser's. Where nobody may (a page that is not there),
    the check still comes first."""
    if name.startswith("admin:"):
        return "superuser"
    allowed = [role for role in CSRF_ROLES if rule.post[role] in {200, 302, 400}]
    return next(iter(allowed), "anonymous")


POST_NAMES = [name for name in URL_NAMES if (rule := rule_for(name)) and rule.post is not None]


def snapshot(rows) -> tuple:
    """Every row count of our apps' tables, and every field of the rows the paths name; not
    the sessions, as the test signs each caller in."""
    tables = sorted(
        connection.ops.quote_name(model._meta.db_table)
        for model in apps.get_models()
        if model.__module__.startswith("rendezvous.") and model is not Session
    )
    with connection.cursor() as cursor:
        # Our own table names, quoted: nothing from outside goes into this query.
        counts_sql = ", ".join(f"(SELECT COUNT(*) FROM {t})" for t in tables)  # noqa: S608
        cursor.execute(f"SELECT {counts_sql}")
        counts = dict(zip(tables, cursor.fetchone(), strict=True))
    fields = [type(row)._default_manager.filter(pk=row.pk).values().get() for row in rows]
    for row in fields:
        row.pop("last_login", None)  # the test signs each caller in
    return counts, fields


@pytest.mark.sweep
@pytest.mark.django_db
def test_every_form_refuses_a_post_without_the_csrf_token(world):
    objects, callers = world
    superuser = User.objects.create_superuser("root@example.org", "a long password")
    people = {role: caller.user for role, caller in callers.items()} | {"superuser": superuser}
    rows = [value for value in objects.values() if hasattr(value, "pk")]
    rows += [user for user in people.values() if user is not None]
    token = Client().get(reverse("account_login")).cookies[settings.CSRF_COOKIE_NAME].value
    before = snapshot(rows)
    failures = []
    for name in POST_NAMES:
        rule = rule_for(name)
        role = _user_of_the_form(name, rule)
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        client.cookies[settings.CSRF_COOKIE_NAME] = token  # the browser has one from before
        if people[role] is not None:
            client.force_login(people[role])
        url = path_of(name, rule, objects)
        data = _values(rule.data, objects)
        refused = client.post(url, data)
        templates = {template.name for template in refused.templates}
        if refused.status_code != 403 or "403_csrf.html" not in templates:
            failures.append(f"{role} POST {url} without the token → {refused.status_code}")
        after = snapshot(rows)
        if after != before:
            failures.append(f"{role} POST {url} without the token changed the database")
            before = after  # so that only this form is named
        with transaction.atomic():  # the same form with its token passes the check
            accepted = client.post(url, {**data, "csrfmiddlewaretoken": token})
            transaction.set_rollback(True)
        if "403_csrf.html" in {template.name for template in accepted.templates}:
            failures.append(f"{role} POST {url} with the token → refused as a forgery")
    assert not failures, "\n".join(failures)
