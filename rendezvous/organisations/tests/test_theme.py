import colorsys
import re

import pytest
from django.urls import reverse

from rendezvous.organisations import theme
from rendezvous.organisations.models import DEFAULT_ACCENT
from rendezvous.organisations.tests.factories import OrganisationFactory


def custom_properties(css: str) -> dict[str, str]:
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-f]{6});", css))


def test_a_readable_accent_is_kept_as_it_is():
    assert theme.palette(DEFAULT_ACCENT).accent == DEFAULT_ACCENT
    assert not theme.palette(DEFAULT_ACCENT).adjusted


@pytest.mark.parametrize("colour", ["#ffeb3b", "#ffffff", "#7fdbff", "#00a651", "#ff851b"])
def test_an_accent_too_light_for_white_is_darkened_until_it_reads(colour):
    shades = theme.palette(colour)
    accent = theme.parse(shades.accent)
    assert theme.contrast(theme.parse(colour), theme.WHITE) < 4.5  # the chosen colour fails
    assert shades.adjusted
    # Links in the accent on white and on its pale tint, and white text on buttons: AA.
    assert theme.contrast(accent, theme.WHITE) >= 4.5
    assert theme.contrast(accent, theme.parse(shades.subtle)) >= 4.5
    assert theme.contrast(accent, theme.parse(shades.contrast)) >= 4.5
    # Darkened, not swapped for another colour: the hue stays.
    assert theme.luminance(accent) < theme.luminance(theme.parse(colour))


def test_darkening_keeps_the_hue():
    chosen_hue = colorsys.rgb_to_hls(*theme.parse("#ffeb3b"))[0]
    kept_hue = colorsys.rgb_to_hls(*theme.parse(theme.palette("#ffeb3b").accent))[0]
    assert abs(chosen_hue - kept_hue) < 0.02


def test_the_hover_shade_differs_even_for_black():
    for colour in ("#0b5cad", "#000000"):
        shades = theme.palette(colour)
        assert shades.hover != shades.accent
        assert theme.contrast(theme.parse(shades.hover), theme.WHITE) >= 4.5


@pytest.mark.django_db
def test_the_theme_stylesheet_darkens_a_very_light_accent(client):
    organisation = OrganisationFactory(slug="sunny", accent_colour="#fff59d")
    r = client.get(reverse("organisation-theme", kwargs={"slug": "sunny"}))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/css")
    values = custom_properties(r.content.decode())
    assert set(values) == {"--accent", "--accent-hover", "--accent-subtle", "--accent-contrast"}
    assert values["--accent"] != organisation.accent_colour
    assert theme.contrast(theme.parse(values["--accent"]), theme.WHITE) >= 4.5
    assert values["--accent-contrast"] == "#ffffff"


@pytest.mark.django_db
def test_the_stylesheet_is_cached_for_long_only_under_its_current_version(client):
    organisation = OrganisationFactory(slug="blue", accent_colour="#0b5cad")
    url = reverse("organisation-theme", kwargs={"slug": "blue"})
    current = client.get(url, {"v": theme.version(organisation.accent_colour)})
    stale = client.get(url, {"v": theme.version("#123456")})
    assert "immutable" in current["Cache-Control"]
    assert "max-age=31536000" in current["Cache-Control"]
    assert "immutable" not in stale["Cache-Control"]
    assert "max-age=300" in stale["Cache-Control"]


def test_the_version_changes_with_the_colour():
    assert theme.version("#0b5cad") != theme.version("#0b5cae")
    assert theme.version("#0B5CAD") == theme.version("#0b5cad")


@pytest.mark.django_db
def test_an_unknown_organisation_has_no_stylesheet(client):
    assert client.get(reverse("organisation-theme", kwargs={"slug": "nobody"})).status_code == 404


@pytest.mark.django_db
def test_pages_link_the_signed_in_organisations_theme(client, admin):
    client.force_login(admin)
    r = client.get(reverse("office:dashboard"))
    organisation = admin.organisation
    assert r.context["organisation"] == organisation
    assert r.context["theme_url"] == (
        reverse("organisation-theme", kwargs={"slug": organisation.slug})
        + f"?v={theme.version(organisation.accent_colour)}"
    )


@pytest.mark.django_db
def test_signed_out_pages_have_no_organisation(client):
    r = client.get(reverse("account_login"))
    assert r.context["organisation"] is None
    assert r.context["theme_url"] == ""
