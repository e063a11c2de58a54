"""Each email is rendered in its recipient's language (and the organisation's zone)."""

import pytest
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from rendezvous.bookings.services import book_slot
from rendezvous.bookings.services.booking_mails import send_booker_mails
from rendezvous.lib.mail import render_email
from rendezvous.notifications.models import OutgoingEmail


def weekday(moment, language: str, tz) -> str:
    with translation.override(language), timezone.override(tz):
        return date_format(timezone.localtime(moment), "l")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "en", "ru"])
def test_a_booking_email_is_rendered_in_the_parents_language(
    language, organisation, parent, pupil, slot
):
    parent.language = language
    parent.save(update_fields=["language"])

    book_slot(booker=parent, slot=slot, pupil=pupil)
    send_booker_mails()  # the worker's next round

    email = OutgoingEmail.objects.get()
    assert email.language == language
    # Django's own catalogue names the weekday: proof the body was rendered under the override.
    expected = weekday(slot.starts_at, language, organisation.tz)
    assert expected in email.body_text
    assert expected in email.body_html
    assert (
        len({weekday(slot.starts_at, other, organisation.tz) for other in ("de", "en", "ru")}) == 3
    )


@pytest.mark.django_db
def test_rendering_does_not_change_the_callers_language(parent, pupil, slot):
    with translation.override("en"):
        render_email(
            "booking_received",
            {"booking": book_slot(booker=parent, slot=slot, pupil=pupil), "slot": slot},
            "ru",
        )
        assert translation.get_language() == "en"


@pytest.mark.django_db
def test_times_are_rendered_in_the_organisations_time_zone(organisation, parent, pupil, slot):
    organisation.time_zone = "Asia/Tokyo"
    organisation.save(update_fields=["time_zone"])

    book_slot(booker=parent, slot=slot, pupil=pupil)
    send_booker_mails()  # the worker's next round

    local = timezone.localtime(slot.starts_at, organisation.tz).strftime("%H:%M")
    assert local in OutgoingEmail.objects.get().body_text
