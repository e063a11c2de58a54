"""Under concurrency, workers racing for the same rows never send one twice."""

from collections import Counter

import pytest
from django.utils import timezone

from rendezvous.lib.tests.race import run_in_threads
from rendezvous.notifications.models import EmailState, OutgoingEmail
from rendezvous.notifications.services import claim_due, new_claim_token, send_due_emails
from rendezvous.organisations.tests.factories import OrganisationFactory

WORKERS = 4
EMAILS = 40


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

    def claim():
        return [e.pk for e in claim_due(token=new_claim_token(), limit=EMAILS)]

    claims = run_in_threads(claim, WORKERS)

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
