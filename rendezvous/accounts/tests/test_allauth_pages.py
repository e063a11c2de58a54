"""Allauth's pages speak in our words: every page allauth can show here is drawn from our
templates (templates/account/), so none of allauth's own catalogue appears; its German
addresses people with "du", ours with "Sie".

A text counts as allauth's when allauth's German catalogue has it, ours does not translate
the same English text (ours would win, LOCALE_PATHS coming first) and no text of ours or of
Django's (whose German is formal) reads the same.
"""

import re
from gettext import GNUTranslations
from pathlib import Path

import allauth
import django
import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib import auth
from django.urls import reverse
from django.utils.html import strip_tags

from rendezvous.accounts.tests.factories import UserFactory

INFORMAL_GERMAN = re.compile(r"\b(du|dich|dir|dein\w*)\b", re.IGNORECASE)


def catalogue(folder: Path) -> dict:
    with (folder / "de" / "LC_MESSAGES" / "django.mo").open("rb") as file:
        return GNUTranslations(file)._catalog


def allauth_only_texts() -> set[str]:
    """Allauth's German sentences that our catalogue does not replace (single words such as
    "Passwort" are left out: they say nothing about whose text it is)."""
    ours = catalogue(Path(settings.LOCALE_PATHS[0]))
    djangos = [
        Path(django.__file__).parent / "conf" / "locale",
        Path(auth.__file__).parent / "locale",
    ]
    our_texts = {
        text.strip() for other in [ours, *map(catalogue, djangos)] for text in other.values()
    }
    theirs = catalogue(Path(allauth.__file__).parent / "locale")
    return {
        text.strip()
        for msgid, text in theirs.items()
        if isinstance(msgid, str)
        and msgid
        and msgid not in ours
        and " " in text.strip()
        and text.strip() not in our_texts
    }


ALLAUTH_ONLY = allauth_only_texts()


def reset_link(user, *, valid: bool) -> str:
    key = default_token_generator.make_token(user) if valid else "used-key"
    kwargs = {"uidb36": user_pk_to_url_str(user), "key": key}
    return reverse("account_reset_password_from_key", kwargs=kwargs)


SIGNED_OUT = [
    "account_login",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_inactive",
    "account_signup",
    "account_email_verification_sent",
]
SIGNED_IN = ["account_logout", "account_change_password", "account_reauthenticate"]


def german_page(client, url) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="de", follow=True)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert 'lang="de"' in page and 'class="site-header"' in page, url
    return strip_tags(page)


def allauth_words(text: str) -> list[str]:
    found = [sentence for sentence in ALLAUTH_ONLY if sentence in text]
    return found + [match.group(0) for match in INFORMAL_GERMAN.finditer(text)]


def test_the_check_knows_allauths_informal_german():
    """The comparison has something to find: allauth's own "du" texts are in the set."""
    assert "Bist du sicher, dass du dich abmelden möchtest?" in ALLAUTH_ONLY


@pytest.mark.django_db
@pytest.mark.parametrize("name", SIGNED_OUT)
def test_signed_out_pages_show_none_of_allauths_texts(client, name):
    assert allauth_words(german_page(client, reverse(name))) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", SIGNED_IN)
def test_signed_in_pages_show_none_of_allauths_texts(client, teacher, name):
    teacher.language = "de"
    teacher.save(update_fields=["language"])
    client.force_login(teacher)
    assert allauth_words(german_page(client, reverse(name))) == []


@pytest.mark.django_db
@pytest.mark.parametrize("valid", [True, False], ids=["new password form", "used link"])
def test_password_reset_links_show_none_of_allauths_texts(client, teacher, valid):
    assert allauth_words(german_page(client, reset_link(teacher, valid=valid))) == []


@pytest.mark.django_db
def test_setting_a_first_password_shows_none_of_allauths_texts(client, organisation):
    newcomer = UserFactory(organisation=organisation, language="de")
    newcomer.set_unusable_password()
    newcomer.save(update_fields=["password"])
    client.force_login(newcomer)
    assert allauth_words(german_page(client, reverse("account_set_password"))) == []


@pytest.mark.django_db
def test_a_stale_address_link_shows_none_of_allauths_texts(client):
    url = reverse("account_confirm_email", args=["stale-key"])
    assert allauth_words(german_page(client, url)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["logged_out", "password_changed", "password_set"])
def test_allauths_messages_are_ours(name):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("de"):
        text = render_to_string(f"account/messages/{name}.txt").strip()
    assert text and text not in ALLAUTH_ONLY and not INFORMAL_GERMAN.search(text)


def test_allauths_sign_in_message_is_switched_off():
    from django.template.loader import render_to_string

    assert render_to_string("account/messages/logged_in.txt", {"user": None}).strip() == ""


@pytest.mark.django_db
def test_password_form_errors_are_in_our_words(client, teacher):
    teacher.language = "de"
    teacher.save(update_fields=["language"])
    client.force_login(teacher)
    data = {"oldpassword": "wrong", "password1": "Lange-Nacht-42", "password2": "Lange-Nacht-43"}
    page = client.post(reverse("account_change_password"), data).content.decode()
    assert "errorlist" in page
    assert allauth_words(strip_tags(page)) == []
