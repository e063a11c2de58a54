"""The busy page in Chromium: a page refused 503 loads itself again after the seconds its
Retry-After asks for (static/js/app.js), unless the person stops it."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from rendezvous.lib.admission import Overloaded
from rendezvous.lib.middleware import busy_response
from tests.e2e.browser import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def refused_once(page, server: str, path: str) -> list[str]:
    """The first load of the page at `path` is answered with the busy page (1 s), the next
    ones by the server. Returns the list of loads, as they come."""
    busy = busy_response(
        RequestFactory().get(path, HTTP_ACCEPT_LANGUAGE="en"),
        Overloaded.code,
        Overloaded.message,
        1,
    )
    loads = []

    def answer(route):
        loads.append(route.request.url)
        if len(loads) == 1:
            route.fulfill(status=503, body=busy.content, content_type=busy["Content-Type"])
        else:
            route.continue_()

    page.route(server + path, answer)
    return loads


def test_a_refused_page_loads_itself_again(live_server, new_page):
    page = new_page(locale="en-GB")
    path = reverse("account_login")
    loads = refused_once(page, live_server.url, path)

    page.goto(live_server.url + path)
    expect(page.get_by_text("This page will reload by itself in 1 second.")).to_be_visible()

    expect(page.locator("input[name=password]")).to_be_visible()  # the page itself, now
    assert len(loads) == 2


def test_a_person_reading_the_busy_page_can_stop_it_reloading(live_server, new_page):
    page = new_page(locale="en-GB")
    path = reverse("account_login")
    loads = refused_once(page, live_server.url, path)

    page.goto(live_server.url + path)
    page.get_by_role("button", name="Don't reload").click()
    page.wait_for_timeout(2000)

    assert len(loads) == 1
    expect(page.get_by_text("Rendezvous is very busy at this moment.")).to_be_visible()
    expect(page.get_by_text("This page will reload by itself")).to_be_hidden()
    expect(page.get_by_role("link", name="Try again")).to_be_focused()


def test_without_script_the_busy_page_promises_no_reload(live_server, chromium):
    context = chromium.new_context(locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    path = reverse("account_login")
    loads = refused_once(page, live_server.url, path)

    page.goto(live_server.url + path)

    expect(page.get_by_role("link", name="Try again")).to_be_visible()
    expect(page.get_by_text("This page will reload by itself")).to_be_hidden()
    expect(page.get_by_role("button", name="Don't reload")).to_be_hidden()
    assert len(loads) == 1
    context.close()
