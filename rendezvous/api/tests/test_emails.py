"""The outbox through the API: admins list, read and resend; a mail with a password never
shows its text."""

from rendezvous.api.tests.api_client import signed_in
from rendezvous.notifications.models import EmailState, OutgoingEmail
from rendezvous.notifications.tests.factories import FailedEmailFactory


def test_an_admin_lists_the_open_mail_and_resends_a_failed_one(admin, organisation):
    failed = FailedEmailFactory(organisation=organisation)
    FailedEmailFactory(organisation=organisation, state=EmailState.SENT)
    api = signed_in(admin)

    listed = api.get("/emails")
    assert [row["id"] for row in listed.json()] == [failed.pk]
    assert listed["X-Total-Count"] == "1"
    assert len(api.get("/emails", state="all").json()) == 2

    resent = api.post(f"/emails/{failed.pk}/resend")

    assert resent.status_code == 200 and resent.json()["state"] == "queued"
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (EmailState.QUEUED, 0)
    again = api.post(f"/emails/{failed.pk}/resend")
    assert (again.status_code, again.json()["code"]) == (409, "email_not_failed")


def test_a_mail_with_a_password_keeps_its_text_to_itself(admin, organisation):
    secret = FailedEmailFactory(
        organisation=organisation, template="parent_credentials", body_text="Passwort: geheim"
    )
    plain = FailedEmailFactory(organisation=organisation, body_text="Ihr Termin")
    api = signed_in(admin)
    assert api.get(f"/emails/{secret.pk}").json()["body_text"] is None
    assert api.get(f"/emails/{plain.pk}").json()["body_text"] == "Ihr Termin"
    assert OutgoingEmail.objects.count() == 2
