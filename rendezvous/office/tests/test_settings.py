import io

import pytest
from django.urls import reverse
from PIL import Image

from rendezvous.organisations import logos
from rendezvous.organisations.tests.images import (
    camera_exif,
    image_bytes,
    noise_png,
    png_declaring,
    upload,
)

pytestmark = pytest.mark.django_db

URL = reverse("office:settings")


def settings_form(**changes) -> dict:
    data = {
        "name": "Goethe-Gymnasium Weimar",
        "address": "Goetheplatz 1\n99423 Weimar",
        "contact_email": "sekretariat@goethe.example",
        "accent_colour": "#2e7d32",
        "time_zone": "Europe/Berlin",
        "language": "de",
    }
    return {**data, **changes}


def stored_logos(settings) -> list:
    folder = settings.MEDIA_ROOT / "logos"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_office_sees_its_settings(client, admin):
    client.force_login(admin)
    r = client.get(URL)
    assert r.status_code == 200
    assert r.context["form"]["name"].value() == "Goethe-Gymnasium"
    assert 'enctype="multipart/form-data"' in r.content.decode()


@pytest.mark.parametrize("role", ["teacher", "parent", "student"])
def test_other_roles_are_refused(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, settings_form(name="Taken over")).status_code == 403
    assert request.getfixturevalue("organisation").name == "Goethe-Gymnasium"


def test_signed_out_visitors_are_sent_to_sign_in(client, organisation):
    r = client.get(URL)
    assert r.status_code == 302 and r.url.startswith(reverse("account_login"))


def test_another_organisations_office_changes_only_its_own(client, outsider, organisation):
    client.force_login(outsider)
    r = client.post(URL, settings_form(name="Renamed"))
    assert r.status_code == 302
    outsider.organisation.refresh_from_db()
    organisation.refresh_from_db()
    assert outsider.organisation.name == "Renamed"
    assert organisation.name == "Goethe-Gymnasium"


def test_the_office_saves_name_address_colour_clock_and_language(client, admin):
    client.force_login(admin)
    r = client.post(URL, settings_form(time_zone="Europe/Vienna", language="en"))
    assert r.status_code == 302 and r.url == URL
    organisation = admin.organisation
    organisation.refresh_from_db()
    assert organisation.name == "Goethe-Gymnasium Weimar"
    assert organisation.address == "Goetheplatz 1\n99423 Weimar"
    assert organisation.contact_email == "sekretariat@goethe.example"
    assert organisation.accent_colour == "#2e7d32"
    assert (organisation.time_zone, organisation.language) == ("Europe/Vienna", "en")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"accent_colour": "red"}, "accent_colour"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"contact_email": "not an address"}, "contact_email"),
        ({"language": "fr"}, "language"),
    ],
)
def test_bad_settings_get_a_form_error_and_change_nothing(client, admin, changes, field):
    client.force_login(admin)
    r = client.post(URL, settings_form(**changes))
    assert r.status_code == 200
    assert r.context["form"].errors[field]
    admin.organisation.refresh_from_db()
    assert admin.organisation.name == "Goethe-Gymnasium"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"This is a text file with a .png name.", logos.NOT_AN_IMAGE),
        (png_declaring(60_000, 60_000), logos.TOO_MANY_PIXELS),
        (image_bytes((4_200, 300)), logos.TOO_MANY_PIXELS),
    ],
    ids=["text-named-png", "decompression-bomb", "huge-image"],
)
def test_a_bad_upload_is_refused_on_the_form_and_nothing_is_stored(
    client, admin, settings, data, message
):
    client.force_login(admin)
    r = client.post(URL, settings_form(logo=upload(data, "logo.png")))
    assert r.status_code == 200
    assert r.context["form"].errors["logo"] == [str(message)]
    assert str(message) in r.content.decode()
    admin.organisation.refresh_from_db()
    assert not admin.organisation.logo
    assert admin.organisation.name == "Goethe-Gymnasium"  # the whole form waits for a good file
    assert stored_logos(settings) == []


def test_a_file_over_two_megabytes_is_refused_on_the_form(client, admin, settings):
    client.force_login(admin)
    r = client.post(URL, settings_form(logo=upload(noise_png(900))))
    assert r.context["form"].errors["logo"] == [str(logos.TOO_LARGE)]
    assert stored_logos(settings) == []


def test_a_good_logo_is_stored_re_encoded_and_served(client, admin, settings):
    client.force_login(admin)
    photo = image_bytes((1000, 400), kind="JPEG", exif=camera_exif())
    r = client.post(URL, settings_form(logo=upload(photo, "logo.jpg", "image/jpeg")))
    assert r.status_code == 302
    organisation = admin.organisation
    organisation.refresh_from_db()
    (stored,) = stored_logos(settings)
    assert organisation.logo.name == f"logos/{stored.name}"
    image = Image.open(stored)
    assert image.format == "PNG" and not image.getexif() and image.size == (800, 320)

    client.logout()  # logos are public: they appear on the sign-in page and in mail
    served = client.get(organisation.logo.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert "immutable" in served["Cache-Control"]
    assert b"".join(served.streaming_content) == stored.read_bytes()


def test_the_page_shows_the_logo_and_offers_to_remove_it(client, admin, settings):
    client.force_login(admin)
    client.post(URL, settings_form(logo=upload(image_bytes())))
    admin.organisation.refresh_from_db()
    page = client.get(URL).content.decode()
    assert admin.organisation.logo.url in page
    assert 'name="remove_logo"' in page


def test_a_light_colour_is_explained_on_the_page(client, admin):
    client.force_login(admin)
    client.post(URL, settings_form(accent_colour="#ffeb3b"))
    page = client.get(URL).content.decode()
    assert "#ffeb3b is too light" in page


def test_only_logos_are_served_from_media(client, settings):
    (settings.MEDIA_ROOT / "logos").mkdir(parents=True)
    (settings.MEDIA_ROOT / "secret.png").write_bytes(image_bytes())
    (settings.MEDIA_ROOT / "logos" / "notes.txt").write_text("private")
    for name in ("..%2Fsecret.png", "notes.txt", "missing.png", ".png"):
        url = reverse("organisation-logo", kwargs={"name": "x.png"}).replace("x.png", name)
        assert client.get(url).status_code == 404, name


def test_the_stored_logo_keeps_no_metadata_from_a_png_either(client, admin, settings):
    out = io.BytesIO()
    info = __import__("PIL.PngImagePlugin", fromlist=["PngInfo"]).PngInfo()
    info.add_text("Comment", "made at home, Gartenstraße 5")
    Image.new("RGB", (50, 50), "white").save(out, format="PNG", pnginfo=info)
    client.force_login(admin)
    client.post(URL, settings_form(logo=upload(out.getvalue())))
    (stored,) = stored_logos(settings)
    assert "Gartenstraße".encode() not in stored.read_bytes()
    assert Image.open(stored).info.get("Comment") is None
