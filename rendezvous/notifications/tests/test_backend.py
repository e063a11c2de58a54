"""Mail sent through Django's email API (allauth, admin) lands in the outbox first."""

import re

import pytest
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation

from rendezvous.notifications.models import EmailState, OutgoingEmail
from rendezvous.notifications.services import send_due_emails


@pytest.fixture(autouse=True)
def _outbox_backend(settings):
    """As in production; Django's test set-up would otherwise swap in locmem."""
    settings.EMAIL_BACKEND = "rendezvous.notifications.backends.OutboxBackend"


@pytest.mark.django_db
def test_password_reset_mail_goes_through_the_outbox_to_smtp(client, smtp_server, admin):
    response = client.post(reverse("account_reset_password"), {"email": admin.email})

    assert response.status_code == 302
    email = OutgoingEmail.objects.get()
    assert email.to == admin.email
    assert email.state == EmailState.QUEUED
    assert email.organisation == admin.organisation
    assert smtp_server.messages == []  # nothing leaves before the worker runs

    assert send_due_emails() == (1, 0)
    (message,) = smtp_server.messages_to(admin.email)
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(re.escape(settings.SITE_URL) + r"(/accounts/password/reset/key/\S+)", body)
    assert link, body
    assert client.get(link.group(1), follow=True).status_code == 200


@pytest.mark.django_db
def test_a_django_message_keeps_its_text_html_and_language(admin):
    message = EmailMultiAlternatives("Hi", "plain text", to=[admin.email, "x@example.net"])
    message.attach_alternative("<p>html</p>", "text/html")
    with translation.override("ru"):
        message.send()
    rows = {row.to: row for row in OutgoingEmail.objects.all()}
    assert set(rows) == {admin.email, "x@example.net"}
    assert rows[admin.email].body_text == "plain text"
    assert rows[admin.email].body_html == "<p>html</p>"
    assert rows[admin.email].language == "ru"
    assert rows[admin.email].organisation == admin.organisation
    assert rows["x@example.net"].organisation is None


@pytest.mark.django_db
def test_an_html_only_message_gets_a_text_part(db):
    message = EmailMessage("Hi", "<p>Hello <b>you</b></p>", to=["x@example.net"])
    message.content_subtype = "html"
    message.send()
    row = OutgoingEmail.objects.get()
    assert row.body_text == "Hello you"
    assert row.body_html == "<p>Hello <b>you</b></p>"
