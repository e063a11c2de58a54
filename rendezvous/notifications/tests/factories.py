import factory
from django.utils import timezone

from rendezvous.notifications.models import EmailState, OutgoingEmail
from rendezvous.organisations.tests.factories import OrganisationFactory


class OutgoingEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutgoingEmail

    organisation = factory.SubFactory(OrganisationFactory)
    to = factory.Sequence(lambda n: f"recipient{n}@example.org")
    language = "de"
    template = "booking_received"
    subject = factory.Sequence(lambda n: f"Subject {n}")
    body_text = "Hello,\n\nsee you soon."
    body_html = "<p>Hello,</p><p>see you soon.</p>"
    state = EmailState.QUEUED
    send_after = factory.LazyFunction(timezone.now)


class FailedEmailFactory(OutgoingEmailFactory):
    state = EmailState.FAILED
    attempts = 8
    last_error = "ConnectionRefusedError: [Errno 111] Connection refused"
