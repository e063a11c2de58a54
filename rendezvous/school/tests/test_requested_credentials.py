"""Credentials the office asks for by email are sent by the worker, each exactly once."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from rendezvous.accounts.models import User
from rendezvous.accounts.tests.factories import ParentFactory
from rendezvous.bookings.services import book_slot
from rendezvous.bookings.services.booking_mails import send_booker_mails
from rendezvous.lib.tests.race import run_in_threads
from rendezvous.notifications import worker
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.notifications.worker import run_worker_round
from rendezvous.school import credentials as services
from rendezvous.school.credentials import request_parent_credentials, send_requested_credentials
from rendezvous.school.errors import LoginCodesExhausted
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory

WORKERS = 4


def password_in(email: OutgoingEmail) -> str:
    return re.search(r"^\S+: (\S{4}-\S{4}-\S{4})$", email.body_text, re.MULTILINE).group(1)


def requested() -> set[User]:
    return set(User.objects.filter(credentials_requested_at__isnull=False))


def credentials_emails() -> Counter:
    return Counter(OutgoingEmail.objects.filter(template="parent_credentials").values_list("to"))


@pytest.fixture
def families(organisation, school_class):
    parents = []
    for _ in range(12):
        parent = ParentFactory(organisation=organisation)
        GuardianshipFactory(
            pupil=PupilFactory(organisation=organisation, school_class=school_class), parent=parent
        )
        parents.append(parent)
    return parents


@pytest.mark.django_db
def test_a_request_marks_emailed_parents_and_letters_the_others(organisation, parent):
    letter_parent = ParentFactory(organisation=organisation, email="")
    password_hash = parent.password

    result = request_parent_credentials(parents=[parent, letter_parent])

    assert result.requested == [parent] and result.emailed == []
    assert [letter.parent for letter in result.letters] == [letter_parent]
    parent.refresh_from_db()
    assert parent.credentials_requested_at is not None and parent.credentials_sent_at is None
    assert parent.password == password_hash
    assert not OutgoingEmail.objects.exists()
    assert requested() == {parent}


@pytest.mark.django_db
def test_a_parent_without_a_code_gets_one_with_the_request(organisation):
    parent = ParentFactory(organisation=organisation, login_code="")
    request_parent_credentials(parents=[parent])
    parent.refresh_from_db()
    assert re.fullmatch(r"\d{5}", parent.login_code)


@pytest.mark.django_db
def test_the_worker_sends_each_requested_parent_once_and_clears_the_marks(families):
    request_parent_credentials(parents=families)

    assert send_requested_credentials(limit=100) == len(families)

    assert credentials_emails() == Counter((parent.email,) for parent in families)
    assert not requested()
    for parent in families:
        parent.refresh_from_db()
        email = OutgoingEmail.objects.get(to=parent.email)
        assert parent.check_password(password_in(email).replace("-", ""))
        assert parent.credentials_sent_at is not None
    assert send_requested_credentials() == 0
    assert OutgoingEmail.objects.count() == len(families)


@pytest.mark.django_db
def test_the_worker_takes_a_batch_oldest_request_first(families):
    for parent in families:
        request_parent_credentials(parents=[parent])

    assert send_requested_credentials(limit=5) == 5

    assert set(credentials_emails()) == {(parent.email,) for parent in families[:5]}
    assert requested() == set(families[5:])


@pytest.mark.django_db
def test_a_parent_requested_twice_before_the_worker_runs_gets_one_email(parent):
    request_parent_credentials(parents=[parent])
    request_parent_credentials(parents=[parent])

    assert send_requested_credentials() == 1
    assert send_requested_credentials() == 0
    assert credentials_emails() == Counter({(parent.email,): 1})


@pytest.mark.django_db
def test_a_claim_on_a_mark_that_changed_takes_nothing(parent):
    request_parent_credentials(parents=[parent])
    parent.refresh_from_db()  # what the worker read
    request_parent_credentials(parents=[parent])  # the office asks again after the worker read

    assert services._send_requested(parent, "Abcd-efgh-jkmn", parent.password) == 0
    assert requested() == {parent} and not OutgoingEmail.objects.exists()
    assert send_requested_credentials() == 1


@pytest.mark.django_db
def test_a_parent_whose_address_was_removed_is_left_for_a_letter(parent):
    request_parent_credentials(parents=[parent])
    password_hash = parent.password
    User.objects.filter(pk=parent.pk).update(email="")

    assert send_requested_credentials() == 0

    parent.refresh_from_db()
    assert parent.password == password_hash and parent.credentials_sent_at is None
    assert not requested() and not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_a_request_that_cannot_succeed_is_dropped_not_retried_each_round(parent, monkeypatch):
    request_parent_credentials(parents=[parent])
    User.objects.filter(pk=parent.pk).update(login_code="")

    def exhausted(_parent):
        raise LoginCodesExhausted()

    monkeypatch.setattr(services, "_assign_login_code", exhausted)

    assert send_requested_credentials() == 0
    assert not requested() and not OutgoingEmail.objects.exists()
    parent.refresh_from_db()
    assert parent.credentials_sent_at is None


@pytest.mark.django_db
def test_the_command_sends_at_once_and_settles_a_pending_request(event, parent, pupil):
    request_parent_credentials(parents=[parent])

    call_command("send_parent_credentials", "--event", str(event.pk), stdout=StringIO())

    assert credentials_emails() == Counter({(parent.email,): 1})
    assert not requested()
    assert send_requested_credentials() == 0


@pytest.mark.django_db
def test_a_worker_round_sends_the_requested_credentials_by_smtp(smtp_server, parent, other_parent):
    request_parent_credentials(parents=[parent, other_parent])

    result = run_worker_round()

    assert result.done["send_requested_credentials"] == 2
    assert (result.sent, result.failed) == (2, 0) and result.busy
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(
        [parent.email, other_parent.email]
    )
    assert not run_worker_round().busy


@pytest.mark.django_db
def test_run_worker_once_sends_the_requested_credentials(smtp_server, parent, other_parent):
    request_parent_credentials(parents=[parent, other_parent])
    out = StringIO()

    call_command("run_worker", "--once", stdout=out)

    assert "send_requested_credentials: 2" in out.getvalue()
    assert "emails sent: 2, failed: 0" in out.getvalue()
    assert len(smtp_server.messages) == 2
    assert not requested()
    out = StringIO()
    call_command("run_worker", "--once", stdout=out)
    assert out.getvalue() == ""


@pytest.mark.django_db
def test_a_failing_job_does_not_keep_the_mail_waiting(
    smtp_server, parent, pupil, slot, monkeypatch
):
    def broken() -> int:
        raise RuntimeError("broken job")

    monkeypatch.setattr(worker, "JOBS", [broken])
    book_slot(booker=parent, slot=slot, pupil=pupil)
    send_booker_mails()  # the parent's mail, queued by an earlier round

    result = run_worker_round()

    assert result.done == {} and (result.sent, result.failed) == (1, 0)
    assert len(smtp_server.messages_to(parent.email)) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_send_one_parent_twice(families):
    request_parent_credentials(parents=families)

    def drain() -> int:
        sent = 0
        while requested():
            sent += send_requested_credentials(limit=5)
        return sent

    sent = run_in_threads(drain, WORKERS)

    assert sum(sent) == len(families)
    assert credentials_emails() == Counter((parent.email,) for parent in families)
    for parent in families:
        parent.refresh_from_db()
        email = OutgoingEmail.objects.get(to=parent.email)
        assert parent.check_password(password_in(email).replace("-", ""))
