"""The session store: every request that carries a session reads it, and the person it signs
in, with one query built once per process; it reads only a session that exists and has not
expired, and Django's auth still decides from the session's data who is signed in."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends import db as djangos_sessions
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rendezvous.accounts import sessions
from rendezvous.accounts.models import Session


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

    def session_with_user(**values):
        counted.append(values)
        return sessions._session_with_user(**values)

    monkeypatch.setattr(sessions, "_SESSION", sessions.Prepared(session_with_user))
    return counted


@pytest.mark.django_db
def test_each_request_reads_its_own_session_with_a_read_built_once(builds, parent, teacher):
    parents, _ = signed_in(parent)
    teachers, _ = signed_in(teacher)

    answers = [signed_in_user(client) for client in (parents, teachers, parents, teachers)]

    assert answers == [parent.pk, teacher.pk, parent.pk, teacher.pk]
    assert len(builds) == 2  # once, as a prepared query is built: twice, with markers


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


@pytest.mark.django_db
def test_a_request_reads_its_session_and_the_person_in_one_query(parent):
    client, key = signed_in(parent)
    assert Session.objects.get(session_key=key).user_id == parent.pk

    with CaptureQueriesContext(connection) as queries:
        assert signed_in_user(client) == parent.pk
    reads = [q["sql"] for q in queries if "accounts_user" in q["sql"]]
    assert len(reads) == 1 and "accounts_session" in reads[0]


@pytest.mark.django_db
def test_the_sessions_data_decides_who_is_signed_in_not_the_column(parent, teacher):
    client, key = signed_in(parent)
    Session.objects.filter(session_key=key).update(user=teacher)

    with CaptureQueriesContext(connection) as queries:
        assert signed_in_user(client) == parent.pk
    assert sum("accounts_user" in q["sql"] for q in queries) == 2  # the person read again


@pytest.mark.django_db
def test_a_person_deactivated_or_with_a_new_password_is_signed_out(parent, teacher):
    parents, _ = signed_in(parent)
    teachers, _ = signed_in(teacher)
    parent.is_active = False
    parent.save()
    teacher.set_password("a new password for this test")
    teacher.save()

    assert signed_in_user(parents) is None
    assert signed_in_user(teachers) is None


@pytest.mark.django_db
def test_signing_out_deletes_the_session(parent):
    client, key = signed_in(parent)
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=key).exists()


@pytest.mark.django_db
def test_djangos_sessions_are_carried_over_with_the_person(parent):
    """Whoever was signed in before the sessions moved to accounts.Session stays signed in."""
    old = djangos_sessions.SessionStore()
    old.update({"_auth_user_id": str(parent.pk)})
    old["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[-1]
    old["_auth_user_hash"] = parent.get_session_auth_hash()
    old.create()
    migration = importlib.import_module(
        "rendezvous.accounts.migrations.0007_sessions_with_the_person"
    )

    migration.carry_sessions_over(apps, None)

    assert Session.objects.get(session_key=old.session_key).user_id == parent.pk
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = old.session_key
    assert signed_in_user(client) == parent.pk


@pytest.mark.django_db
def test_a_session_outlives_a_deleted_account_and_signs_nobody_in(parent):
    client, key = signed_in(parent)
    parent.delete()

    assert signed_in_user(client) is None
    assert Session.objects.filter(session_key=key).exists()  # until it expires, as Django's
