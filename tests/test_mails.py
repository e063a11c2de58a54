"""Every mail speaks for the organisation: its name and address, the public address of the
site (SITE_URL) and our own words, never the host a request came in on. Allauth's mails too,
which it builds from the request."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import reverse

from rendezvous.bookings.services import book_slot
from rendezvous.bookings.services.booking_mails import send_booker_mails
from rendezvous.bookings.services.notify import notify_booker
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.organisations import theme
from rendezvous.organisations.tests.images import image_bytes

SITE = "https://termine.goethe.example"
# A browser reaching a development server on another port, or a forged Host header.
REQUEST_HOST = "127.0.0.1:18601"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]


@pytest.fixture
def presented(organisation):
    organisation.address = "Goetheplatz 1\n99423 Weimar"
    organisation.contact_email = "sekretariat@goethe.example"
    organisation.save(update_fields=["address", "contact_email"])
    return organisation


def whole(mail: OutgoingEmail) -> str:
    return "\n".join((mail.subject, mail.body_text, mail.body_html))


def ask_for_a_new_password(client, email: str) -> OutgoingEmail:
    r = client.post(
        reverse("account_reset_password"),
        {"email": email},
        HTTP_HOST=REQUEST_HOST,
        SERVER_PORT="18601",
    )
    assert r.status_code == 302
    return OutgoingEmail.objects.get(to=email)


def test_the_password_reset_mail_names_the_school_and_never_the_host(client, presented, admin):
    mail = ask_for_a_new_password(client, admin.email)

    text = whole(mail)
    assert REQUEST_HOST not in text and "127.0.0.1" not in text
    assert "Hello from" not in text and "[" not in mail.subject
    assert mail.subject == "Goethe-Gymnasium: choose a new password"
    assert mail.body_text.startswith(f"Hello {admin.full_name},\n\n")
    for body in (mail.body_text, mail.body_html):
        assert "Goethe-Gymnasium" in body and "Weimar" in body
        assert "sekretariat@goethe.example" in body
    link = re.search(rf"{re.escape(SITE)}(/accounts/password/reset/key/[^\s\"<]+)", mail.body_text)
    assert link, mail.body_text
    assert f'href="{SITE}{link.group(1)}"' in mail.body_html
    assert client.get(link.group(1), follow=True).status_code == 200


def test_the_mail_for_an_unknown_address_names_the_school_and_offers_no_sign_up(client, presented):
    mail = ask_for_a_new_password(client, "stranger@example.net")

    text = whole(mail)
    assert REQUEST_HOST not in text and "127.0.0.1" not in text
    assert "Goethe-Gymnasium" in mail.subject and "Goethe-Gymnasium" in mail.body_text
    assert "stranger@example.net" in mail.body_text
    assert "signup" not in text and reverse("account_signup") not in text


def test_with_several_schools_an_unknown_address_gets_the_product_name(
    client, organisation, outsider
):
    mail = ask_for_a_new_password(client, "stranger@example.net")
    assert mail.subject.startswith("Rendezvous:")
    assert "Goethe-Gymnasium" not in whole(mail) and outsider.organisation.name not in whole(mail)


def test_a_booking_mail_carries_the_school_its_logo_and_the_public_address(
    presented, parent, pupil, slot
):
    presented.logo.save("goethe-test.png", ContentFile(image_bytes()), save=True)
    book_slot(booker=parent, slot=slot, pupil=pupil)
    send_booker_mails()  # the worker's next round
    mail = OutgoingEmail.objects.get(to=parent.email)

    assert mail.body_text.startswith(f"Hello {parent.full_name},\n\n")
    assert "Kind regards,\nGoethe-Gymnasium" in mail.body_text
    assert "Goetheplatz 1\n99423 Weimar" in mail.body_text
    assert mail.body_text.rstrip().endswith(SITE)
    assert f'src="{SITE}{presented.logo.url}"' in mail.body_html
    assert "Goetheplatz 1<br>99423 Weimar" in mail.body_html
    assert f'href="{SITE}"' in mail.body_html


def test_a_booking_mails_button_uses_the_readable_accent(presented, parent, pupil, slot):
    presented.accent_colour = "#ffeb3b"  # too light for white text: darkened
    presented.save(update_fields=["accent_colour"])
    book_slot(booker=parent, slot=slot, pupil=pupil)
    send_booker_mails()  # the worker's next round
    html = OutgoingEmail.objects.get(to=parent.email).body_html
    assert "#ffeb3b" not in html
    assert "background:#786c00" in html


def test_the_next_mail_shows_the_school_as_it_is_now(presented, parent, pupil, slot):
    """The layout's parts are drawn once per process for each organisation as it is
    ({% memo %}): a school that changes its name, address, contact or colour is shown so in
    its very next mail."""
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    send_booker_mails()  # the worker's next round
    presented.name = "Schiller-Gymnasium"
    presented.address = "Schillerstraße 2\n07743 Jena"
    presented.contact_email = "buero@schiller.example"
    presented.accent_colour = "#2e7d32"
    presented.save()
    booking.organisation = presented
    notify_booker(booking, "booking_received")

    before, after = OutgoingEmail.objects.filter(to=parent.email).order_by("pk")
    assert "Goethe-Gymnasium" in before.body_html and "Weimar" in before.body_text
    for body in (after.body_text, after.body_html):
        assert "Goethe-Gymnasium" not in body and "Weimar" not in body
        assert "sekretariat@goethe.example" not in body
        assert "Schiller-Gymnasium" in body and "07743 Jena" in body
        assert "buero@schiller.example" in body
    assert f"border-top:4px solid {theme.palette('#2e7d32').accent}" in after.body_html


def test_the_greeting_and_the_first_sentence_are_separate_lines(parent, pupil, slot):
    """Each language begins the sentence after the greeting in its own way (German in lower
    case after "Guten Tag Frau Müller,"), so the two are separate messages."""
    book_slot(booker=parent, slot=slot, pupil=pupil)
    send_booker_mails()  # the worker's next round
    lines = OutgoingEmail.objects.get(to=parent.email).body_text.splitlines()
    assert lines[0] == f"Hello {parent.full_name},"
    assert lines[1] == ""
    assert lines[2].startswith("We have received your appointment request.")


MAIL_TEMPLATES = Path(django_settings.BASE_DIR, "templates", "emails")


@pytest.mark.parametrize(
    "name",
    sorted(
        path.name
        for path in MAIL_TEMPLATES.glob("*.html")
        if not path.name.startswith(("_", "base"))
    ),
)
def test_every_html_mail_uses_the_layout(name):
    assert (MAIL_TEMPLATES / name).read_text().startswith('{% extends "emails/base.html" %}')
