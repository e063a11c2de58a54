"""The session store: every request that carries a session reads it with a query built once
per process, and reads only a session that exists and has not expired."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rendezvous.accounts import sessions


def signed_in_user(client: Client) -> int | None:
    user = client.get(reverse("healthz")).wsgi_request.user
    return user.pk if user.is_authenticated else None


def signed_in(user) -> tuple[Client, str]:
    client = Client()
    client.force_login(user)
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def builds(monkeypatch):
    """How often the session read is built: a fresh prepared read that counts."""
    counted = []

    def session_data(**values):
        counted.append(values)
        return sessions._session_data(**values)

    monkeypatch.setattr(sessions, "_SESSION_DATA", sessions.Prepared(session_data))
    return counted


@pytest.mark.django_db
def test_each_request_reads_its_own_session_with_a_read_built_once(builds, parent, teacher):
    parents, _ = signed_in(parent)
    teachers, _ = signed_in(teacher)

    answers = [signed_in_user(client) for client in (parents, teachers, parents, teachers)]

    assert answers == [parent.pk, teacher.pk, parent.pk, teacher.pk]
    assert len(builds) == 1


@pytest.mark.django_db
def test_an_expired_session_signs_nobody_in_and_is_not_renewed(parent):
    client, key = signed_in(parent)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))

    assert signed_in_user(client) is None
    client.get(reverse("account_login"))  # a page that keeps the visitor's session
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != key


@pytest.mark.django_db
def test_an_unknown_or_malformed_key_signs_nobody_in(parent):
    client, key = signed_in(parent)

    for forged in (key[:-1] + ("a" if key[-1] != "a" else "b"), "short", "x" * 40, "' OR 1=1 --"):
        client.cookies[settings.SESSION_COOKIE_NAME] = forged
        assert signed_in_user(client) is None
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert signed_in_user(client) == parent.pk


@pytest.mark.django_db
def test_a_store_without_a_key_is_empty_as_djangos():
    assert sessions.SessionStore().load() == {}
