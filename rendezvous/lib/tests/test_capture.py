"""`{% capture %}` draws a part of a page once for several places; the header uses it."""

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.urls import reverse


class Counted:
    """Counts how often a template shows it."""

    def __init__(self):
        self.shown = 0

    def __str__(self):
        self.shown += 1
        return "<i>"


def test_a_captured_part_is_drawn_once_shown_as_often_as_asked_and_escaped_once():
    counted = Counted()
    page = Template(
        "{% load capture %}{% capture as part %}<b>{{ counted }}</b>{% endcapture %}"
        "[{{ part }}][{{ part }}]"
    ).render(Context({"counted": counted}))

    assert page == "[<b>&lt;i&gt;</b>][<b>&lt;i&gt;</b>]"
    assert counted.shown == 1


@pytest.mark.parametrize(
    "tag", ["{% capture %}", "{% capture part %}", "{% capture as %}", "{% capture to part %}"]
)
def test_a_capture_without_as_and_a_name_is_refused(tag):
    with pytest.raises(TemplateSyntaxError, match="capture as name"):
        Template("{% load capture %}" + tag + "{% endcapture %}")


@pytest.mark.django_db
def test_the_header_shows_one_drawing_of_its_forms_and_navigation_twice(parent):
    client = Client()
    client.force_login(parent)

    page = client.get(reverse("bookings:parent-appointments")).content.decode()

    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    language_forms = page.count('action="/language/"')
    assert language_forms == 2 and page.count('class="sign-out"') == 2
    assert len(set(tokens[: language_forms + 2])) == 1  # one drawing, shown twice
    navigations = re.findall(r'<nav aria-label="Main"[^>]*>(.*?)</nav>', page, re.S)
    assert len(navigations) == 2 and navigations[0] == navigations[1]
    assert 'aria-current="page"' in navigations[0]
