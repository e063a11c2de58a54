"""Signing in gives the browser a new session key, so that a key somebody planted or read
before (a shared computer, a link with a cookie set by a neighbouring site) is worth nothing
afterwards."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from rendezvous.accounts.sessions import SessionStore
from rendezvous.accounts.tests.factories import PASSWORD


def session_key(client: Client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie and cookie.value else None


def anonymous_session(client: Client) -> str:
    """A visitor who has looked around before signing in: the sign-in page, and something
    kept in their session (as a message or a half-filled form would be)."""
    assert client.get(reverse("account_login")).status_code == 200
    session = client.session
    session["seen_before_sign_in"] = True
    session.save()
    key = session_key(client)
    assert key and SessionStore().exists(key)
    return key


def sign_in(client: Client, login: str) -> None:
    response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] != reverse("account_login")


def signed_in_user(client: Client) -> int | None:
    user = client.get(reverse("healthz")).wsgi_request.user
    return user.pk if user.is_authenticated else None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("person", "login"),
    [("parent", "login_code"), ("teacher", "email")],
    ids=["parent with code and password", "teacher with email and password"],
)
def test_signing_in_rotates_the_session_key(request, person, login):
    user = request.getfixturevalue(person)
    client = Client()
    before = anonymous_session(client)

    sign_in(client, getattr(user, login))

    after = session_key(client)
    assert after and after != before
    assert signed_in_user(client) == user.pk
    assert not SessionStore().exists(before)
    planted = Client()
    planted.cookies[settings.SESSION_COOKIE_NAME] = before
    assert signed_in_user(planted) is None
