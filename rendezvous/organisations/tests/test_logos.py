import io

import pytest
from PIL import Image

from rendezvous.organisations import logos
from rendezvous.organisations.services import update_organisation_settings
from rendezvous.organisations.tests.images import (
    camera_exif,
    image_bytes,
    noise_png,
    png_declaring,
    upload,
)


def stored_image(prepared) -> Image.Image:
    return Image.open(io.BytesIO(prepared.read()))


def test_a_photo_is_stored_as_a_png_without_its_exif():
    photo = image_bytes((1200, 600), kind="JPEG", exif=camera_exif())
    assert b"PhoneMaker" in photo

    prepared = logos.prepare_logo(upload(photo, "logo.jpg", "image/jpeg"), slug="goethe")

    data = prepared.read()
    assert data.startswith(b"\x89PNG")
    assert b"PhoneMaker" not in data and b"Exif" not in data
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert not image.getexif()
    assert image.size == (800, 400)  # bounded, proportions kept


def test_a_photo_taken_sideways_is_stored_upright():
    # Orientation 6: the camera was turned; viewers rotate the 300 × 100 pixels to 100 × 300.
    photo = image_bytes((300, 100), kind="JPEG", exif=camera_exif(orientation=6))
    image = stored_image(logos.prepare_logo(upload(photo, "logo.jpg"), slug="goethe"))
    assert image.size == (100, 300)


def test_transparency_is_kept():
    out = io.BytesIO()
    Image.new("RGBA", (40, 20), (0, 0, 0, 0)).save(out, format="PNG")
    image = stored_image(logos.prepare_logo(upload(out.getvalue()), slug="goethe"))
    assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0


def test_the_stored_name_comes_from_the_content():
    first = logos.prepare_logo(upload(image_bytes(colour=(1, 2, 3))), slug="goethe")
    again = logos.prepare_logo(upload(image_bytes(colour=(1, 2, 3))), slug="goethe")
    other = logos.prepare_logo(upload(image_bytes(colour=(3, 2, 1))), slug="goethe")
    assert first.name == again.name != other.name
    assert first.name.startswith("goethe-") and first.name.endswith(".png")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<svg onload='alert(1)'></svg> not really a PNG", logos.NOT_AN_IMAGE),
        (b"GIF89a" + b"\x00" * 20, logos.NOT_AN_IMAGE),  # a header and nothing behind it
        (png_declaring(100_000, 100_000), logos.TOO_MANY_PIXELS),  # beyond Pillow's limit
        (png_declaring(12_000, 12_000), logos.TOO_MANY_PIXELS),  # where Pillow only warns
        (png_declaring(4_001, 10), logos.TOO_MANY_PIXELS),
        (image_bytes((4_500, 50)), logos.TOO_MANY_PIXELS),  # a real image, too wide
    ],
    ids=["text", "truncated", "bomb", "bomb-below-pillows-limit", "declared-too-wide", "wide"],
)
def test_it_refuses_what_is_not_a_usable_image(data, message):
    with pytest.raises(logos.LogoRefused) as refused:
        logos.prepare_logo(upload(data), slug="goethe")
    assert refused.value.message == message


def test_it_refuses_a_file_over_two_megabytes():
    data = noise_png(900)
    assert len(data) > logos.MAX_BYTES
    with pytest.raises(logos.LogoRefused) as refused:
        logos.prepare_logo(upload(data), slug="goethe")
    assert refused.value.message == logos.TOO_LARGE


def test_a_bmp_is_refused_though_pillow_reads_it():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="BMP")
    with pytest.raises(logos.LogoRefused):
        logos.prepare_logo(upload(out.getvalue(), "logo.bmp"), slug="goethe")


def settings_of(organisation, **changes) -> dict:
    return {
        "organisation": organisation,
        "name": organisation.name,
        "address": organisation.address,
        "contact_email": organisation.contact_email,
        "accent_colour": organisation.accent_colour,
        "time_zone": organisation.time_zone,
        "language": organisation.language,
        **changes,
    }


@pytest.mark.django_db(transaction=True)
def test_a_new_logo_replaces_the_old_file(organisation, settings):
    first = update_organisation_settings(
        **settings_of(organisation, logo=upload(image_bytes(colour=(1, 2, 3))))
    )
    old_path = first.logo.path
    second = update_organisation_settings(
        **settings_of(first, logo=upload(image_bytes(colour=(3, 2, 1))))
    )
    assert second.logo.name != first.logo.name
    assert (settings.MEDIA_ROOT / second.logo.name).exists()
    assert not (settings.MEDIA_ROOT / old_path).exists()  # deleted once committed


@pytest.mark.django_db(transaction=True)
def test_removing_the_logo_deletes_its_file(organisation, settings):
    with_logo = update_organisation_settings(
        **settings_of(organisation, logo=upload(image_bytes()))
    )
    path = settings.MEDIA_ROOT / with_logo.logo.name
    assert path.exists()
    without = update_organisation_settings(**settings_of(with_logo, remove_logo=True))
    without.refresh_from_db()
    assert not without.logo
    assert not path.exists()


@pytest.mark.django_db
def test_a_refused_logo_changes_nothing(organisation, settings):
    with pytest.raises(logos.LogoRefused):
        update_organisation_settings(
            **settings_of(organisation, name="Renamed", logo=upload(b"not an image"))
        )
    organisation.refresh_from_db()
    assert organisation.name == "Goethe-Gymnasium" and not organisation.logo
    assert not (settings.MEDIA_ROOT / "logos").exists() or not any(
        (settings.MEDIA_ROOT / "logos").iterdir()
    )
