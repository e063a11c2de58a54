"""The small view helpers every app uses."""

import pytest
from django.test import RequestFactory

from rendezvous.lib.views import MAX_ID, parse_id, safe_next


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (str(MAX_ID), MAX_ID),
        ("", None),
        (None, None),
        ("abc", None),
        ("²", None),
        ("٣", None),
        ("-1", None),
        ("0", None),
        (" 1", None),
        (str(MAX_ID + 1), None),
    ],
)
def test_parse_id_accepts_only_plain_ids_a_database_can_hold(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/parent/appointments/", "/parent/appointments/"),
        ("https://evil.example/", "/office/appointments/"),
        ("//evil.example/", "/office/appointments/"),
        ("", "/office/appointments/"),
        ("-1", "/office/appointments/"),  # once taken for a URL name: a 500
        ("home", "/office/appointments/"),
        ("javascript:alert(1)", "/office/appointments/"),
    ],
)
def test_safe_next_keeps_visitors_on_this_site(next_url, expected):
    request = RequestFactory().post("/", {"next": next_url})
    assert safe_next(request, "office:appointments") == expected


def test_safe_next_reads_the_query_too_and_accepts_a_plain_default():
    assert safe_next(RequestFactory().get("/", {"next": "/here/"}), "/") == "/here/"
    assert safe_next(RequestFactory().get("/"), "/") == "/"
