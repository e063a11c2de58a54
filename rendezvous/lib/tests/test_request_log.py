"""Each request leaves one JSON line: view, pattern, status, time and role, nothing personal."""

import json
import logging

import pytest
from django.urls import reverse

from rendezvous.accounts.tests.factories import ParentFactory
from rendezvous.lib.request_log import JsonFormatter

LOGGER = "rendezvous.requests"


@pytest.fixture
def lines(caplog):
    """The request lines written while the test runs, each as the collector would read it."""
    caplog.set_level(logging.INFO, logger=LOGGER)
    formatter = JsonFormatter()

    def read() -> list[dict]:
        return [json.loads(formatter.format(r)) for r in caplog.records if r.name == LOGGER]

    return read


@pytest.mark.django_db
def test_a_parents_page_gives_one_line_with_role_view_and_pattern(client, lines):
    parent = ParentFactory(email="anna.becker@example.org", first_name="Anna")
    client.force_login(parent)

    response = client.get(reverse("bookings:parent-booking-move", args=[987654]) + "?q=Anna")

    (line,) = lines()
    assert response.status_code == 404
    assert line["event"] == "request" and line["level"] == "INFO"
    assert line["method"] == "GET" and line["status"] == 404 and line["role"] == "parent"
    assert line["view"] == "bookings:parent-booking-move"
    assert line["route"] == "parent/appointments/<int:booking_id>/move/"
    assert isinstance(line["ms"], float) and line["ms"] >= 0
    text = json.dumps(line)
    assert "987654" not in text and "Anna" not in text and "example.org" not in text


@pytest.mark.django_db
def test_an_unknown_address_and_a_signed_out_visitor_are_logged_without_the_path(client, lines):
    client.get("/no-such-page/secret-name/")
    client.get(reverse("account_login"))

    unknown, sign_in = lines()
    assert unknown["status"] == 404 and unknown["view"] is None and unknown["route"] is None
    assert "secret-name" not in json.dumps(unknown)
    assert sign_in["status"] == 200 and sign_in["role"] == "anonymous"
    assert sign_in["view"] == "account_login"


def test_a_line_without_request_fields_keeps_its_message():
    record = logging.LogRecord(LOGGER, logging.WARNING, __file__, 1, "plain %s", ("text",), None)
    assert json.loads(JsonFormatter().format(record))["message"] == "plain text"
