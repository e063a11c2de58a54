"""No input is answered with a 5xx: every named URL of the project (ours, allauth's and the
Django admin's), for every role, with hostile values in the query, the posted form and the
path.

Each request runs inside a savepoint that is rolled back, so every request meets the same
rows (a delete or a sign-out does not hide the pages after it) and a database error in one
request cannot poison the next.
"""

import html
import re
import traceback
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, reverse
from django.urls.converters import IntConverter

from rendezvous.accounts.models import User
from rendezvous.bookings.services import book_slot
from rendezvous.notifications.tests.factories import OutgoingEmailFactory
from rendezvous.school.models import Department
from tests.urls import named_url_patterns

# Each as a client puts it into a URL or a form body (percent-encoded where needed).
HOSTILE = {
    "NUL (\\x00 and %00)": "%00",
    "NUL inside a word": "Anna%00Berg",
    "10,000 characters": "x" * 10_000,
    "negative number": "-1",
    "number beyond 64 bits": "99999999999999999999999",
    "impossible date": "2026-02-30",
    "markup": quote("<script>"),
    "SQL": quote("' OR 1=1 --"),
    "lone surrogate (%ED%A0%80)": "%ED%A0%80",
}
NUL = "%00"
NUL_VALUES = {label: raw for label, raw in HOSTILE.items() if "%00" in raw}
HUGE = 10**22
# Query and form parameters the views read, and the names forms commonly use.
PARAMETERS = [
    "q",
    "page",
    "event",
    "teacher",
    "school_class",
    "status",
    "date",
    "view",
    "state",
    "department",
    "class",
    "pupil",
    "parents",
    "scope",
    "next",
    "phase",
    "decision",
    "back",
    "language",
    "login",
    "password",
    "email",
]
FIELD_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')
POST_FORM = re.compile(r'<form\b[^>]*\bmethod="post"[^>]*>', re.IGNORECASE)
ACTION = re.compile(r'\baction="([^"]*)"')
LINK = re.compile(r'\bhref="([^"#]*\?[^"#]*)"')
FORM = "application/x-www-form-urlencoded"
PLACEHOLDER = "zzhostilezz"
ROLES = ["anonymous", "parent", "teacher", "admin", "superuser"]


def _parameters(pattern: URLPattern) -> dict[str, bool]:
    """The pattern's path parameters: name → takes only digits."""
    converters = getattr(pattern.pattern, "converters", {})
    names = converters or pattern.pattern.regex.groupindex
    return {name: isinstance(converters.get(name), IntConverter) for name in names}


URLS = named_url_patterns()


@pytest.fixture
def world(organisation, admin, teacher, parent, pupil, school_class, department, event, slot):
    """One of each row a path can name, for the ids in the paths."""
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    email = OutgoingEmailFactory(organisation=organisation)
    superuser = User.objects.create_superuser("root@example.org", "a long password")
    objects = {
        "department": department,
        "class": school_class,
        "pupil": pupil,
        "parent": parent,
        "user": teacher,
        "event": event,
        "email": email,
        "slot": slot,
        "booking": booking,
        "appointment": booking,
    }
    actors = {"parent": parent, "teacher": teacher, "admin": admin, "superuser": superuser}
    cache.clear()  # sign-in rate limits from earlier tests
    yield objects, actors
    cache.clear()  # and for later ones


def _admin_object_id(name: str) -> str:
    """admin:school_pupil_change → the id of some Pupil."""
    app_label, _, rest = name.removeprefix("admin:").partition("_")
    if app_label not in {config.label for config in apps.get_app_configs()}:
        return "1"
    for model in apps.get_app_config(app_label).get_models():
        if rest.startswith(model._meta.model_name + "_"):
            row = model._default_manager.order_by("pk").first()
            return str(row.pk) if row else "1"
    return "1"


def _ordinary_value(name: str, parameter: str, objects: dict) -> str | int:
    stem = name.rpartition(":")[2]
    if parameter == "parent_pk":
        return objects["parent"].pk
    if parameter == "booking_id":
        return objects["booking"].pk
    if parameter in {"id", "user_id"}:
        return objects["user"].pk
    if parameter == "content_type_id":
        return ContentType.objects.get_for_model(User).pk
    if parameter == "object_id":
        return objects["user"].pk if stem == "view_on_site" else _admin_object_id(name)
    if parameter == "app_label":
        return "school"
    for prefix, row in objects.items():
        if stem.startswith(prefix):
            return row.pk
    return 1


def _paths(name: str, pattern: URLPattern, objects: dict) -> tuple[str, dict[str, str]]:
    """The URL with real ids, and variants with a hostile value in one path parameter."""
    parameters = _parameters(pattern)
    ordinary = {p: _ordinary_value(name, p, objects) for p in parameters}
    variants = {}
    for parameter, digits_only in parameters.items():
        if digits_only:
            url = reverse(name, kwargs={**ordinary, parameter: HUGE})
            variants[f"{parameter}={HUGE}"] = url
            continue
        try:
            url = reverse(name, kwargs={**ordinary, parameter: PLACEHOLDER})
        except NoReverseMatch:
            continue  # the pattern admits a few words only (admin:app_list)
        for label, raw in HOSTILE.items():
            variants[f"{parameter}: {label}"] = url.replace(PLACEHOLDER, raw)
    return reverse(name, kwargs=ordinary), variants


class Caller:
    """One role's client; every request is rolled back and starts from the same session."""

    def __init__(self, role: str, user: User | None):
        self.role = role
        self.client = Client(raise_request_exception=False)
        self.session = None
        if user is not None:
            self.client.force_login(user)
            self.session = self.client.cookies[settings.SESSION_COOKIE_NAME].value

    def send(self, method: str, url: str, body: str = ""):
        cookies = {settings.SESSION_COOKIE_NAME: self.session} if self.session else {}
        self.client.cookies = SimpleCookie(cookies)
        with transaction.atomic():
            if method == "GET":
                response = self.client.get(url)
            else:
                response = self.client.post(url, data=body, content_type=FORM)
            transaction.set_rollback(True)
        return response


def _refused(response) -> bool:
    """The role may not use the page: the hostile values never get past the access check."""
    if response.status_code in {403, 404}:
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and ("/login/" in location or "/logout/" in location)


def _failure(caller: Caller, method: str, label: str, url: str, response) -> str:
    where = ""
    if response.exc_info:
        kind, error, trace = response.exc_info
        frames = traceback.extract_tb(trace)
        ours = [f for f in frames if "/rendezvous/" in f.filename and "/tests/" not in f.filename]
        frame = (ours or frames)[-1]
        where = f" — {kind.__name__}: {str(error)[:120]} at {frame.filename}:{frame.lineno}"
    return f"{caller.role} {method} [{label}] {url[:100]} → {response.status_code}{where}"


def _page_text(response) -> str:
    """The page's HTML; nothing for an error or a file (a streamed CSV export)."""
    if response.status_code != 200 or response.streaming:
        return ""
    return response.content.decode(errors="replace")


def _takes_posts(response, url: str) -> bool:
    """A page with a form that posts back to it, a POST-only view, or one that redirects."""
    if response.status_code != 200:
        return True
    page = _page_text(response)
    for form in POST_FORM.findall(page):
        action = ACTION.search(form)
        if action is None or action.group(1) in {"", url}:
            return True
    return False


def _query(value: str, names) -> str:
    return "&".join(f"{name}={value}" for name in names)


@dataclass
class Plan:
    """What one role sends to one URL."""

    gets: dict[str, str]  # hostile values for the query
    posts: dict[str, str]  # and for the posted form
    let_in: bool
    names: list[str]  # the parameters above and the page's own form fields
    link_names: set[str]  # the query parameters of the page's links to itself
    failures: list[str]


def _link_names(page: str, url: str) -> set[str]:
    names = set()
    for target in LINK.findall(page):
        parts = urlsplit(html.unescape(target))
        if parts.path in {"", url}:
            names.update(name for name, _ in parse_qsl(parts.query, keep_blank_values=True))
    return names


def _plan(caller: Caller, url: str) -> Plan:
    """A role that is refused gets only a NUL character; a POST-only view gets no GETs."""
    first = caller.send("GET", url)
    failures = [] if first.status_code < 500 else [_failure(caller, "GET", "ordinary", url, first)]
    if first.status_code == 405:
        probe = caller.send("POST", url)
        if probe.status_code >= 500:
            failures.append(_failure(caller, "POST", "empty form", url, probe))
        refused = _refused(probe)
        gets, posts = {}, {"NUL": NUL} if refused else HOSTILE
    else:
        refused = _refused(first)
        gets = {"NUL": NUL} if refused else HOSTILE
        posts = {"NUL": NUL} if refused else HOSTILE if _takes_posts(first, url) else {}
    page = _page_text(first)
    names = sorted((set(PARAMETERS) | set(FIELD_NAME.findall(page))) - {"csrfmiddlewaretoken"})
    links = set() if refused else _link_names(page, url)
    return Plan(gets, posts, not refused, names, links, failures)


def _requests(plan: Plan, url: str, variants: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """(method, label, address, form body) of every hostile request in the plan."""
    gets, posts = plan.gets.items(), plan.posts.items()
    requests = [("GET", label, f"{url}?{_query(raw, plan.names)}", "") for label, raw in gets]
    # Alone too: a page may refuse a whole query for one parameter it does not know (the
    # admin's lists do) before it searches or filters.
    requests += [("GET", f"{label}, q alone", f"{url}?q={raw}", "") for label, raw in gets]
    requests += [
        ("GET", f"{label}, {name} alone", f"{url}?{name}={raw}", "")
        for name in sorted(plan.link_names)
        for label, raw in NUL_VALUES.items()
    ]
    requests += [
        ("POST", label, f"{url}?{_query(raw, PARAMETERS)}", _query(raw, plan.names))
        for label, raw in posts
    ]
    if plan.let_in:
        requests += [("GET", label, path, "") for label, path in variants.items()]
    return requests


def _probe(caller: Caller, url: str, variants: dict[str, str]) -> tuple[list[str], bool]:
    """Every hostile request of one role: the failures, and whether the role was let in
    (the path variants are sent by the first role that is)."""
    plan = _plan(caller, url)
    failures = plan.failures
    for method, label, target, body in _requests(plan, url, variants):
        response = caller.send(method, target, body)
        if response.status_code >= 500:
            failures.append(_failure(caller, method, label, target, response))
    return failures, plan.let_in


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(URLS))
def test_no_input_is_answered_with_a_server_error(name, world):
    objects, actors = world
    url, variants = _paths(name, URLS[name], objects)
    failures = []
    for role in ROLES:
        found, let_in = _probe(Caller(role, actors.get(role)), url, variants)
        failures += found
        if let_in:
            variants = {}
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    ["/office/parents/?q=%00", "/office/pupils/?q=a%00b", "/office/%00/", "/office/parents/"],
)
def test_a_nul_character_is_refused_with_a_clear_message(client, admin, target):
    client.force_login(admin)
    body = "q=%00" if target == "/office/parents/" else None
    response = client.post(target, data=body, content_type=FORM) if body else client.get(target)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "NUL character" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_character_in_the_session_cookie_is_refused(client):
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00"
    assert client.get("/").status_code == 400


@pytest.mark.django_db
def test_the_api_refuses_a_nul_character_in_json(client):
    response = client.get("/api/v1/slots?teacher=%00")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "nul_character"
    assert body["details"] == {}  # the API's error schema requires it


def api_post(client, user, path, text):
    client.force_login(user)
    token = client.get("/api/v1/auth/me").json()["csrf_token"]
    return client.post(path, text, content_type="application/json", HTTP_X_CSRFTOKEN=token)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text", ['{"name": "Mathe\\u0000"}', '{"name": "M", "x": [{"\\u0000": 1}]}']
)
def test_the_api_refuses_a_nul_character_in_a_json_body_and_writes_nothing(client, admin, text):
    """PostgreSQL refuses text holding NUL: the write would fail with a 500."""
    response = api_post(client, admin, "/api/v1/departments", text)

    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"
    assert not Department.objects.exists()


@pytest.mark.django_db
def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(client, admin):
    response = api_post(client, admin, "/api/v1/departments", '{"name": "C:\\\\u0000"}')

    assert response.status_code == 201
    assert Department.objects.get().name == "C:\\u0000"


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["office:parents", "office:pupils"])
def test_the_office_searches_ignore_a_nul_character_that_reaches_them(
    client, admin, settings, pupil, parent, view
):
    """Even without the refusal in front (another entry point, a changed middleware list),
    the search fields themselves do not pass a NUL character to the database."""
    settings.MIDDLEWARE = [
        entry
        for entry in settings.MIDDLEWARE
        if not entry.endswith("RefuseNulCharactersMiddleware")
    ]
    client.force_login(admin)
    response = client.get(reverse(view), {"q": f"{parent.last_name}\x00"})
    assert response.status_code == 200
