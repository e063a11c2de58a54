"""Helpers for browser tests: labels in the page's language, sign-in, the worker, mail parsing,
layout."""

import re
from email.message import EmailMessage

from django.utils import translation
from playwright.sync_api import Page, expect

from rendezvous.notifications.worker import run_worker_round

# How long a step may wait for the page: generous, as the suite shares two cores with the
# server and a busy machine must not fail a step that merely waited.
TIMEOUT_MS = 30_000

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def t(language: str, msgid: str) -> str:
    """The text a page in `language` shows for `msgid` (the catalogue's, as Django renders it)."""
    with translation.override(language):
        return str(translation.gettext(msgid))


def tn(language: str, singular: str, plural: str, count: int) -> str:
    """t() for a message with a number: the catalogue's form for `count`, filled in."""
    with translation.override(language):
        return translation.ngettext(singular, plural, count) % {"count": count}


def translated(language: str, msgid: str) -> str:
    """Like t(), but the catalogue must really translate it: proves the text is not English."""
    text = t(language, msgid)
    assert text != msgid, f"locale/{language}: no compiled translation of {msgid!r}"
    return text


def loaded(page: Page) -> Page:
    """After a navigation: wait until the page (and htmx) has loaded before clicking on."""
    page.wait_for_load_state("load")
    return page


def sign_in(page: Page, url: str, *, login: str, password: str, language: str) -> None:
    """The ordinary sign-in page, filled in by its labels."""
    loaded(page).goto(url)
    loaded(page)
    page.get_by_label(t(language, "Email or parent code")).fill(login)
    page.get_by_label(t(language, "Password")).fill(password)
    page.get_by_role("button", name=t(language, "Sign in"), exact=True).click()
    page.wait_for_url(lambda address: "/accounts/login" not in address)
    loaded(page)


def worker_round() -> tuple[int, int]:
    """One round of `manage.py run_worker` (its jobs, then the due mail): (sent, failed)."""
    result = run_worker_round()
    return result.sent, result.failed


def subject_of(message: EmailMessage) -> str:
    """The subject as a mail client shows it (Django folds a non-ASCII subject onto a
    continuation line, which the parser keeps as a leading space)."""
    return str(message["Subject"]).strip()


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def value_after(text: str, label: str) -> str:
    """The value on the line `label: value` of a plain-text email."""
    match = re.search(rf"^{re.escape(label)}:\s*(\S+)\s*$", text, re.MULTILINE)
    assert match, f"no line {label!r} in:\n{text}"
    return match.group(1)


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page scrolls sideways: {widths[0]}px on {widths[1]}px"


def status_of(page: Page, row_text: str):
    """The status badge in the table row that mentions `row_text`."""
    return page.get_by_role("row").filter(has_text=row_text).locator(".badge")


__all__ = ["expect"]
