import io
import logging
import sys

import pytest
from django.urls import reverse

from rendezvous.lib.logs import OneLineForClientErrors


@pytest.fixture
def request_log():
    """What the console shows for django.request, through the project's filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(OneLineForClientErrors())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_a_refused_page_is_one_line_without_a_traceback(client, parent, request_log):
    client.force_login(parent)
    assert client.get(reverse("office:dashboard")).status_code == 403
    assert client.get("/office/events/999999/").status_code in (403, 404)

    lines = request_log.getvalue().splitlines()
    assert lines and all("Traceback" not in line for line in lines)
    assert len(lines) == 2


def test_the_console_uses_the_filter(settings):
    console = settings.LOGGING["handlers"]["console"]
    assert "one_line_for_client_errors" in console["filters"]


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("broken")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "boom", (), exc_info=sys.exc_info()
        )
    record.status_code = 500
    OneLineForClientErrors().filter(record)
    assert record.exc_info is not None
