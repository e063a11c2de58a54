"""Invariant 5 under concurrency: workers racing for the same rows never send one twice."""

import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from rendezvous.notifications.models import EmailState, OutgoingEmail
from rendezvous.notifications.services import claim_due, send_due_emails
from rendezvous.organisations.tests.factories import OrganisationFactory

WORKERS = 4
EMAILS = 40


def run_in_threads(work, count: int) -> list:
    """Run work() in `count` threads released together; each thread has its own connection."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def queue_many(count: int) -> None:
    organisation = OrganisationFactory()
    OutgoingEmail.objects.bulk_create(
        OutgoingEmail(
            organisation=organisation,
            to=f"parent{n}@example.org",
            subject=f"Message {n}",
            body_text="Hello",
            send_after=timezone.now(),
        )
        for n in range(count)
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_never_share_a_row():
    queue_many(EMAILS)

    claims = run_in_threads(lambda: [e.pk for e in claim_due(limit=EMAILS)], WORKERS)

    claimed = [pk for claim in claims for pk in claim]
    assert len(claimed) == len(set(claimed)) == EMAILS


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_send_every_row_exactly_once(smtp_server):
    queue_many(EMAILS)

    def drain():
        sent = 0
        while True:
            done, failed = send_due_emails(limit=5)
            assert failed == 0
            if not done:
                return sent
            sent += done

    sent = run_in_threads(drain, WORKERS)

    assert sum(sent) == EMAILS
    ids = Counter(m["X-Rendezvous-Email"] for m in smtp_server.messages)
    assert len(ids) == EMAILS
    assert set(ids.values()) == {1}
    assert OutgoingEmail.objects.filter(state=EmailState.SENT).count() == EMAILS
