"""`{% capture %}` draws a part of a page once for several places, `{% memo %}` once for many
pages; the header uses both."""

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from rendezvous.accounts.models import User
from rendezvous.lib.capture import MemoNode


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


def test_a_memo_draws_its_part_once_for_each_value_and_language():
    template = Template("{% load capture %}{% memo role %}<b>{{ counted }}</b>{% endmemo %}")
    counted = Counted()

    def page(role, language="en"):
        with translation.override(language):
            return template.render(Context({"role": role, "counted": counted}))

    assert page("parent") == page("parent") == "<b>&lt;i&gt;</b>"
    assert counted.shown == 1
    page("teacher")
    page("parent", "de")
    assert counted.shown == 3


def test_a_memo_starts_afresh_when_full():
    template = Template("{% load capture %}{% memo n %}{{ counted }}{% endmemo %}")
    counted = Counted()
    for n in range(MemoNode.SIZE + 1):
        template.render(Context({"n": n, "counted": counted}))
    template.render(Context({"n": 0, "counted": counted}))
    assert counted.shown == MemoNode.SIZE + 2
    assert len(template.nodelist[-1].drawn) == 2


@pytest.mark.django_db
def test_the_navigation_follows_the_path_and_the_person_follows_the_session(parent, other_parent):
    parent.last_name, other_parent.last_name = "Amsel", "Zeisig"
    User.objects.bulk_update([parent, other_parent], ["last_name"])
    for person, other in ((parent, other_parent), (other_parent, parent)):
        client = Client()
        client.force_login(person)
        for name in ("bookings:parent-home", "bookings:parent-appointments"):
            page = client.get(reverse(name)).content.decode()
            current = re.findall(r'<a href="([^"]+)" aria-current="page">', page)
            assert current == [reverse(name)] * 2  # in the bar and in the menu
            assert person.last_name in page and other.last_name not in page
