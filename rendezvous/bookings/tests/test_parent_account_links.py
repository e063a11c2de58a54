"""How a parent reaches their account's pages. Staff have an account page in the navigation;
parents have none, so their appointments page lists the calendar subscription, the password
and the API tokens, and each of those pages leads back to it."""

import pytest
from django.urls import reverse

from rendezvous.bookings.tests.calendar_html import elements

pytestmark = pytest.mark.django_db

APPOINTMENTS = reverse("bookings:parent-appointments")
ACCOUNT_PAGES = ("calendar-feed-page", "account_change_password", "access-tokens")


def links_in(html: str, marker: str) -> list[str]:
    return [link for element in elements(html, marker) for link in element.links]


def test_the_appointments_page_lists_the_parents_account_pages(client, parent):
    client.force_login(parent)
    html = client.get(APPOINTMENTS).content.decode()
    assert links_in(html, "account-links") == [reverse(name) for name in ACCOUNT_PAGES]


@pytest.mark.parametrize("name", ACCOUNT_PAGES)
def test_each_account_page_answers_the_parent_and_leads_back(client, parent, name):
    client.force_login(parent)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert links_in(response.content.decode(), "back-link") == [APPOINTMENTS]


@pytest.mark.parametrize("name", ACCOUNT_PAGES)
def test_staff_are_led_back_to_their_account_page(client, teacher, name):
    client.force_login(teacher)
    html = client.get(reverse(name)).content.decode()
    assert links_in(html, "back-link") == [reverse("account_email")]


def test_the_tokens_page_links_the_api_documentation(client, parent):
    client.force_login(parent)
    html = client.get(reverse("access-tokens")).content.decode()
    docs = reverse("api-1:openapi-view")
    assert docs == "/api/v1/docs" and f'href="{docs}"' in html
    assert client.get(docs).status_code == 200
