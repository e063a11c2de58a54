"""Sending credentials never holds the database's write lock for long: passwords are hashed
before their transaction opens, and each transaction covers one small batch of parents."""

import threading

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.management import call_command
from django.db import OperationalError, connection

from rendezvous.accounts.models import User
from rendezvous.accounts.tests.factories import ParentFactory
from rendezvous.school import credentials
from rendezvous.school.credentials import (
    request_parent_credentials,
    send_parent_credentials,
    send_requested_credentials,
)


class WatchingHasher(MD5PasswordHasher):
    """Notes, for every password hashed, whether a transaction was open; can pause once."""

    algorithm = "watching_md5"
    in_transaction: list[bool] = []
    pause_at: int | None = None
    paused = threading.Event()
    resume = threading.Event()

    def encode(self, password, salt):
        cls = WatchingHasher
        cls.in_transaction.append(connection.in_atomic_block)
        if cls.pause_at is not None and len(cls.in_transaction) == cls.pause_at:
            cls.paused.set()
            cls.resume.wait(timeout=30)
        return super().encode(password, salt)


@pytest.fixture
def watching(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.WatchingHasher"]
    WatchingHasher.in_transaction = []
    WatchingHasher.pause_at = None
    WatchingHasher.paused.clear()
    WatchingHasher.resume.clear()
    return WatchingHasher


@pytest.fixture
def parents(transactional_db, organisation):
    many = credentials.BATCH * 2 + 3
    with_email = [ParentFactory(organisation=organisation) for _ in range(many)]
    without = [ParentFactory(organisation=organisation, email="") for _ in range(3)]
    return with_email, without


def test_the_command_hashes_every_password_outside_a_transaction(watching, parents, tmp_path):
    watching.in_transaction.clear()  # the parents' own set-up hashed too
    call_command(
        "send_parent_credentials",
        "--organisation",
        "goethe",
        "--resend",
        "--letters-to",
        str(tmp_path / "letters.html"),
    )

    assert len(watching.in_transaction) == sum(map(len, parents))
    assert not any(watching.in_transaction)


def test_the_worker_and_the_office_hash_outside_a_transaction(watching, parents):
    with_email, without = parents
    watching.in_transaction.clear()

    request_parent_credentials(parents=[*with_email, *without])  # letters at once
    while send_requested_credentials():
        pass

    assert len(watching.in_transaction) == len(with_email) + len(without)
    assert not any(watching.in_transaction)


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="only SQLite locks the whole database for a write"
)
def test_others_can_write_while_credentials_are_being_hashed(watching, parents):
    with_email, _without = parents
    watching.in_transaction.clear()
    watching.pause_at = credentials.BATCH + 2  # in the second batch's hashing
    errors = []

    def send():
        try:
            send_parent_credentials(parents=User.objects.filter(pk__in=[p.pk for p in with_email]))
        except Exception as exc:  # asserted on below
            errors.append(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=send)
    worker.start()
    try:
        assert watching.paused.wait(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 500")
        try:
            User.objects.filter(pk=with_email[0].pk).update(first_name="Written")
        except OperationalError as error:  # "database is locked"
            pytest.fail(f"a write waited for the credentials run: {error}")
    finally:
        watching.resume.set()
        worker.join(timeout=60)
    assert not errors
    assert User.objects.get(pk=with_email[0].pk).first_name == "Written"
    assert User.objects.filter(
        pk__in=[p.pk for p in with_email], credentials_sent_at__isnull=False
    ).count() == len(with_email)
