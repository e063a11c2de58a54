"""schemathesis over the whole OpenAPI document, signed in as an admin, a teacher and a
parent: no answer is a 5xx, and every answer matches the schema its operation declares
(status, content type, body, headers)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings

EXAMPLES = 15  # per operation and role

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
# A NUL character is refused everywhere, before any operation (400 nul_character; shown in
# tests/test_bad_input.py): a string holding one is no valid input to fuzz an operation with.
schema.config.generation.update(allow_x00=False)
fuzzed = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


def session_headers(user) -> dict:
    """A fresh session of `user` and its CSRF token, as a client holds them after signing in
    (each example gets its own: the fuzzed operations include signing out)."""
    client = Client()
    client.force_login(user)
    token = client.get("/api/v1/auth/me").json()["csrf_token"]
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    return {"Cookie": cookies, "X-CSRFToken": token}


def check(case, person) -> None:
    headers = session_headers(person)
    # The request keeps the test's database connection, as Django's test client does (the
    # WSGI handler would close it at the start and end of each request).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = case.call(headers=headers)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    case.validate_response(response)


@pytest.fixture
def school(pupil, slot):
    """A family with a child and a free time of the child's teacher to aim at."""


@schema.parametrize()
@fuzzed
def test_as_an_admin(case, school, admin):
    check(case, admin)


@schema.parametrize()
@fuzzed
def test_as_a_teacher(case, school, teacher):
    check(case, teacher)


@schema.parametrize()
@fuzzed
def test_as_a_parent(case, school, parent):
    check(case, parent)
