"""A person's sign-in address changes only once the new address is confirmed; parents have no
address to manage; nobody can take over or lock out another account through this page."""

import re

import pytest
from django.urls import reverse

from rendezvous.accounts.models import User
from rendezvous.accounts.tests.factories import PASSWORD, UserFactory
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.organisations.tests.factories import OrganisationFactory


def ask(client, email, password=PASSWORD):
    return client.post(reverse("account_email"), {"email": email, "password": password})


def link_in(email: OutgoingEmail) -> str:
    return re.search(r"https?://\S+/accounts/email/confirm/\S+/", email.body_text).group(0)


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def sign_in(client, login, password=PASSWORD):
    client.post(reverse("account_login"), {"login": login, "password": password})
    return client.get(reverse("account_login")).wsgi_request.user


@pytest.mark.django_db
def test_parents_have_no_email_page(client, parent):
    client.force_login(parent)
    assert client.get(reverse("account_email")).status_code == 404
    assert ask(client, "office@other.example").status_code == 404
    assert not OutgoingEmail.objects.exists()
    parent.refresh_from_db()
    assert parent.email == "parent@example.org"


@pytest.mark.django_db
def test_the_address_changes_only_when_the_link_is_followed(client, teacher):
    client.force_login(teacher)

    response = ask(client, "new.teacher@example.org")

    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.email == "teacher@example.org"
    (mail,) = OutgoingEmail.objects.filter(template="email_change")
    assert mail.to == "new.teacher@example.org"
    path = path_of(link_in(mail))
    assert client.get(path).status_code == 200  # a page with a button: opening changes nothing
    teacher.refresh_from_db()
    assert teacher.email == "teacher@example.org"

    client.post(path)

    teacher.refresh_from_db()
    assert teacher.email == "new.teacher@example.org"
    notice = OutgoingEmail.objects.get(template="email_changed")
    assert notice.to == "teacher@example.org"
    client.logout()
    assert sign_in(client, "new.teacher@example.org").pk == teacher.pk


@pytest.mark.django_db
def test_a_wrong_password_changes_nothing_and_sends_nothing(client, teacher):
    client.force_login(teacher)
    response = ask(client, "new.teacher@example.org", password="guess")
    assert (
        response.status_code == 200 and "The password is not correct." in response.content.decode()
    )
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_a_colleagues_address_is_never_taken(client, teacher, admin):
    client.force_login(teacher)

    response = ask(client, admin.email)

    assert response.status_code == 302  # the same answer as for any address
    assert not OutgoingEmail.objects.filter(template="email_change").exists()
    assert OutgoingEmail.objects.get(template="email_in_use").to == admin.email
    teacher.refresh_from_db()
    assert teacher.email == "teacher@example.org"
    client.logout()
    assert sign_in(client, admin.email).pk == admin.pk


@pytest.mark.django_db
def test_another_organisations_admin_keeps_their_address_and_sign_in(client, teacher, outsider):
    client.force_login(teacher)
    ask(client, outsider.email.upper())
    client.logout()
    assert sign_in(client, outsider.email).pk == outsider.pk
    assert User.objects.filter(email__iexact=outsider.email).count() == 1


@pytest.mark.django_db
def test_an_address_taken_after_the_link_was_sent_is_refused_without_an_error(client, teacher):
    client.force_login(teacher)
    ask(client, "wanted@example.org")
    path = path_of(link_in(OutgoingEmail.objects.get(template="email_change")))
    UserFactory(organisation=OrganisationFactory(), email="wanted@example.org")

    response = client.post(path)

    assert response.status_code == 409
    teacher.refresh_from_db()
    assert teacher.email == "teacher@example.org"


@pytest.mark.django_db
def test_a_link_is_void_once_the_address_changed_or_when_tampered_with(client, teacher):
    client.force_login(teacher)
    ask(client, "first@example.org")
    ask(client, "second@example.org")
    first, second = (
        path_of(link_in(mail))
        for mail in OutgoingEmail.objects.filter(template="email_change").order_by("pk")
    )
    client.post(second)

    assert client.post(first).status_code == 400
    assert client.get(first[:-3] + "xx/").status_code == 400
    assert client.get(reverse("account_email_confirm", args=["garbage"])).status_code == 400
    teacher.refresh_from_db()
    assert teacher.email == "second@example.org"


@pytest.mark.django_db
def test_the_confirmation_mail_is_never_shown_to_the_office(client, teacher, admin):
    client.force_login(teacher)
    ask(client, "new.teacher@example.org")
    mail = OutgoingEmail.objects.get(template="email_change")
    assert mail.carries_secret
