"""The office gives the school its name, address, logo and colour; every page then carries
them, with the colour made readable."""

import pytest
from django.urls import reverse

from rendezvous.accounts.models import Role
from rendezvous.accounts.tests.factories import UserFactory
from rendezvous.organisations import logos, theme
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.organisations.tests.images import image_bytes
from tests.e2e.browser import expect, loaded, sign_in, t

PASSWORD = "office-Secret-2024"
SUNNY = "#ffeb3b"  # too light for white text: the pages use a darker shade


@pytest.fixture
def office(db):
    school = OrganisationFactory(name="Goethe-Gymnasium", slug="goethe", language="de")
    return UserFactory(
        organisation=school,
        role=Role.ADMIN,
        email="sekretariat@goethe.example",
        password=PASSWORD,
        language="en",
    )


def accent_of(page) -> str:
    return page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
    )


@pytest.mark.django_db(transaction=True)
def test_the_office_sets_the_schools_logo_and_colour(live_server, new_page, office):
    page = new_page(locale="en-GB", width=1280, height=900)
    sign_in(page, live_server.url, login=office.email, password=PASSWORD, language="en")
    loaded(page).goto(live_server.url + reverse("office:settings"))

    # A text file dressed as a PNG is refused in words, next to the field.
    page.get_by_label(t("en", "Logo"), exact=True).set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": b"not a picture"}]
    )
    page.get_by_role("button", name=t("en", "Save settings")).click()
    expect(page.get_by_text(str(logos.NOT_AN_IMAGE))).to_be_visible()

    page.get_by_label(t("en", "Address")).fill("Goetheplatz 1\n99423 Weimar")
    page.get_by_label(t("en", "Accent colour")).fill(SUNNY)
    page.get_by_label(t("en", "Logo"), exact=True).set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": image_bytes((600, 200))}]
    )
    page.get_by_role("button", name=t("en", "Save settings")).click()
    loaded(page)
    expect(page.get_by_text(t("en", "The settings have been saved."))).to_be_visible()

    office.organisation.refresh_from_db()
    assert office.organisation.logo
    assert office.organisation.accent_colour == SUNNY
    # The page now carries the school's colour, darkened until text on it reads.
    assert accent_of(page) == theme.palette(SUNNY).accent != SUNNY
    logo = page.locator(f'img[src="{office.organisation.logo.url}"]').first
    expect(logo).to_be_visible()
    assert logo.evaluate("image => image.naturalWidth") > 0  # served, and a real image
