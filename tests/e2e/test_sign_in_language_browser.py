"""Signing in and out in German and in Russian shows no English: allauth's own messages
("Successfully signed in as …", "You have signed out.") are replaced by ours or switched off,
and its pages are drawn from our templates.

The school is the accessibility test's. Each person's language is set before they sign in, as
the office would have it, and their browser asks for English: the sign-in page is English,
everything after it must be in the person's language (allauth used to render its message in
the browser's language, one request before the person's language applied).
"""

import re

import pytest
from django.urls import reverse

from rendezvous.accounts.models import User
from rendezvous.accounts.tests.factories import PASSWORD
from tests.e2e.browser import loaded, sign_in, t
from tests.e2e.test_accessibility_browser import LOGINS, school

__all__ = ["school"]  # the fixture

# Words of allauth's English texts, none of which may show on a German or Russian page.
ALLAUTH_ENGLISH = re.compile(
    r"signed in as|successfully|signed out|sign in|sign out|remember me|forgot password"
    r"|password reset|messages:|menu:",
    re.IGNORECASE,
)
# Allauth's German speaks to people with "du"; our pages say "Sie".
INFORMAL_GERMAN = re.compile(r"\b(du|dich|dir|dein\w*)\b", re.IGNORECASE)


def visible_text(page) -> str:
    return page.locator("body").inner_text()


def foreign_words(text: str, language: str) -> list[str]:
    found = [match.group(0) for match in ALLAUTH_ENGLISH.finditer(text)]
    if language == "de":
        found += [match.group(0) for match in INFORMAL_GERMAN.finditer(text)]
    return found


def sign_out(page, language) -> None:
    """Through the header, as a person on a phone does: open the menu, press sign-out."""
    page.locator(".site-menu summary").click()
    page.locator(".site-menu").get_by_role("button", name=t(language, "Sign out")).click()
    page.wait_for_url(lambda address: "/accounts/login" in address)
    loaded(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "ru"])
@pytest.mark.parametrize("role", ["parent", "class_teacher"])
def test_signing_in_and_out_shows_no_english(live_server, new_page, school, role, language):
    User.objects.filter(pk=getattr(school, role).pk).update(language=language)
    page = new_page(locale="en-GB")
    login_url = live_server.url + reverse("account_login")

    sign_in(page, login_url, login=LOGINS[role], password=PASSWORD, language="en")

    assert page.locator("html").get_attribute("lang") == language
    assert foreign_words(visible_text(page), language) == [], f"after signing in: {page.url}"
    for message in page.locator(".messages .message").all():
        assert foreign_words(message.inner_text(), language) == [], message.inner_text()

    sign_out(page, language)

    assert page.locator(".messages").inner_text().strip() == t(language, "You are signed out.")
    assert "You have signed out" not in visible_text(page)
    assert "Du hast dich abgemeldet" not in visible_text(page)  # allauth's German
