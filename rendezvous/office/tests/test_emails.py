"""The office's outbox page: failures first, details, and Resend."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from rendezvous.bookings.services import book_slot
from rendezvous.bookings.services.booking_mails import send_booker_mails
from rendezvous.notifications.models import EmailState, OutgoingEmail
from rendezvous.notifications.services import send_due_emails
from rendezvous.notifications.tests.factories import FailedEmailFactory, OutgoingEmailFactory
from rendezvous.school.credentials import send_parent_credentials

LIST = reverse("office:emails")


def detail_url(email) -> str:
    return reverse("office:email-detail", args=[email.pk])


def resend_url(email) -> str:
    return reverse("office:email-resend", args=[email.pk])


@pytest.fixture
def mails(organisation):
    return {
        "failed": FailedEmailFactory(organisation=organisation, subject="Failed one"),
        "queued": OutgoingEmailFactory(organisation=organisation, subject="Queued one"),
        "sent": OutgoingEmailFactory(
            organisation=organisation, subject="Sent one", state=EmailState.SENT, attempts=1
        ),
    }


@pytest.mark.django_db
def test_the_office_sees_failed_then_queued_emails_by_default(client, admin, mails):
    OutgoingEmailFactory(organisation=admin.organisation, subject="Newest queued")
    client.force_login(admin)

    response = client.get(LIST)

    assert response.status_code == 200
    subjects = [email.subject for email in response.context["page"].object_list]
    assert subjects == ["Failed one", "Newest queued", "Queued one"]
    content = response.content.decode()
    assert "Connection refused" in content
    assert content.count(">8<") == 1  # the failed row's attempts


@pytest.mark.django_db
def test_the_state_filter_shows_sent_emails(client, admin, mails):
    client.force_login(admin)
    response = client.get(LIST, {"state": "sent"})
    assert [e.subject for e in response.context["page"].object_list] == ["Sent one"]
    response = client.get(LIST, {"state": "all"})
    assert len(response.context["page"].object_list) == 3


@pytest.mark.django_db
def test_an_unknown_state_filter_falls_back_to_the_default(client, admin, mails):
    client.force_login(admin)
    response = client.get(LIST, {"state": "bogus'"})
    assert response.status_code == 200
    assert response.context["state"] == "open"


@pytest.mark.django_db
def test_only_failed_emails_have_a_resend_button(client, admin, mails):
    client.force_login(admin)
    content = client.get(LIST, {"state": "all"}).content.decode()
    assert resend_url(mails["failed"]) in content
    assert resend_url(mails["queued"]) not in content
    assert resend_url(mails["sent"]) not in content


@pytest.mark.django_db
def test_the_list_does_not_grow_queries_with_rows(
    client, admin, organisation, django_assert_max_num_queries
):
    FailedEmailFactory.create_batch(30, organisation=organisation)
    client.force_login(admin)
    with django_assert_max_num_queries(10):
        assert client.get(LIST).status_code == 200


@pytest.mark.django_db
def test_the_detail_page_shows_the_text_body(client, admin, mails):
    client.force_login(admin)
    response = client.get(detail_url(mails["failed"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "see you soon." in content
    assert "Connection refused" in content
    assert resend_url(mails["failed"]) in content


@pytest.mark.django_db
def test_resend_queues_a_failed_email_again(client, admin, mails):
    client.force_login(admin)

    response = client.post(resend_url(mails["failed"]), {"state": "open"})

    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?state=open"
    email = OutgoingEmail.objects.get(pk=mails["failed"].pk)
    assert email.state == EmailState.QUEUED
    assert email.attempts == 0
    assert email.send_after <= timezone.now()


@pytest.mark.django_db
def test_resend_from_the_detail_page_returns_there(client, admin, mails):
    client.force_login(admin)
    response = client.post(resend_url(mails["failed"]), {"back": "detail"})
    assert response["Location"] == detail_url(mails["failed"])


@pytest.mark.django_db
def test_resend_of_a_sent_email_is_refused_with_a_message(client, admin, mails):
    client.force_login(admin)
    response = client.post(resend_url(mails["sent"]), follow=True)
    assert response.status_code == 200
    assert "Only failed emails can be sent again." in response.content.decode()
    assert OutgoingEmail.objects.get(pk=mails["sent"].pk).state == EmailState.SENT


@pytest.mark.django_db
def test_resend_needs_a_post(client, admin, mails):
    client.force_login(admin)
    assert client.get(resend_url(mails["failed"])).status_code == 405
    assert OutgoingEmail.objects.get(pk=mails["failed"].pk).state == EmailState.FAILED


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_sign_in(client, mails):
    for url in (LIST, detail_url(mails["failed"])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    client.post(resend_url(mails["failed"]))
    assert OutgoingEmail.objects.get(pk=mails["failed"].pk).state == EmailState.FAILED


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_teachers_and_parents_may_not_see_emails(client, request, role, mails):
    client.force_login(request.getfixturevalue(role))
    assert client.get(LIST).status_code == 403
    assert client.get(detail_url(mails["failed"])).status_code == 403
    assert client.post(resend_url(mails["failed"])).status_code == 403
    assert OutgoingEmail.objects.get(pk=mails["failed"].pk).state == EmailState.FAILED


@pytest.mark.django_db
def test_another_organisations_admin_sees_none_of_them(client, outsider, mails):
    OutgoingEmailFactory(organisation=outsider.organisation, subject="Their own")
    client.force_login(outsider)

    response = client.get(LIST, {"state": "all"})

    assert [e.subject for e in response.context["page"].object_list] == ["Their own"]
    assert client.get(detail_url(mails["failed"])).status_code == 404
    assert client.post(resend_url(mails["failed"])).status_code == 404
    assert OutgoingEmail.objects.get(pk=mails["failed"].pk).state == EmailState.FAILED


@pytest.mark.django_db
def test_a_failed_booking_email_is_resent_from_the_office_and_delivered(
    settings, client, smtp_server, admin, parent, pupil, slot
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    smtp_server.stop()
    book_slot(booker=parent, slot=slot, pupil=pupil)
    send_booker_mails()  # the worker's next round
    send_due_emails()
    email = OutgoingEmail.objects.get()
    with time_machine.travel(email.send_after + timedelta(seconds=1)):
        send_due_emails()
    email.refresh_from_db()
    assert email.state == EmailState.FAILED

    client.force_login(admin)
    page = client.get(LIST).content.decode()
    assert email.subject in page
    assert resend_url(email) in page

    client.post(resend_url(email))
    smtp_server.start()
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert send_due_emails() == (1, 0)

    email.refresh_from_db()
    assert email.state == EmailState.SENT
    assert len(smtp_server.messages_to(parent.email)) == 1
    assert email.subject not in client.get(LIST).content.decode()


@pytest.mark.django_db
def test_the_office_never_sees_a_password_in_the_outbox(client, admin, parent):
    send_parent_credentials(parents=[parent])
    email = OutgoingEmail.objects.get(template="parent_credentials")
    (password,) = re.findall(r"\b\w{4}-\w{4}-\w{4}\b", email.body_text)
    client.force_login(admin)
    page = client.get(reverse("office:email-detail", args=[email.pk])).content.decode()
    assert password not in page
    assert "its text is not shown" in page
