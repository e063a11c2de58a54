import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from rendezvous.bookings.services import book_slot
from rendezvous.bookings.services.booking_mails import send_booker_mails
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.scheduling.models import Event
from rendezvous.scheduling.tests.factories import EventFactory

pytestmark = pytest.mark.django_db

WORDING = {
    "en": {"name": "Parents' evening", "description": "Ten minutes per teacher."},
    "ru": {"name": "Родительский вечер"},
}


@pytest.fixture
def spring(organisation):
    return EventFactory(
        organisation=organisation,
        name="Elternsprechtag",
        description="Zehn Minuten je Lehrkraft.",
        translations=WORDING,
    )


def test_the_name_follows_the_active_language(spring):
    with translation.override("en"):
        assert spring.display_name == "Parents' evening"
        assert spring.display_description == "Ten minutes per teacher."
    with translation.override("ru"):
        assert spring.display_name == "Родительский вечер"


def test_a_language_without_its_own_wording_gets_the_offices_own(spring):
    with translation.override("ru"):
        assert spring.display_description == "Zehn Minuten je Lehrkraft."  # no Russian one
    with translation.override("de"):
        assert spring.display_name == "Elternsprechtag"
    assert spring.translated("name", "en-gb") == "Parents' evening"  # a regional variant


def test_an_event_without_translations_shows_its_name(event):
    with translation.override("ru"):
        assert event.display_name == event.name


@pytest.mark.parametrize(
    "value",
    [
        ["en", "Parents' evening"],
        {"fr": {"name": "Soirée des parents"}},
        {"en": "Parents' evening"},
        {"en": {"title": "Parents' evening"}},
        {"en": {"name": 3}},
    ],
)
def test_translations_of_another_shape_are_refused(spring, value):
    spring.translations = value
    with pytest.raises(ValidationError):
        spring.full_clean()


def event_form(**changes):
    data = {
        "name": "Elternsprechtag",
        "description": "Bitte pünktlich sein.",
        "starts_on": "2030-03-14",
        "ends_on": "2030-03-14",
        "booking_opens_at": "2030-03-01T08:00",
        "booking_closes_at": "2030-03-13T12:00",
        "default_slot_minutes": "10",
        "change_cutoff_hours": "24",
        "retention_days": "14",
    }
    return {**data, **changes}


def test_the_office_words_an_event_in_other_languages(client, admin):
    client.force_login(admin)
    form = client.get(reverse("office:event-create")).context["form"]
    # The school's language (German) is the main field; the others are offered.
    assert "name_en" in form.fields and "name_ru" in form.fields
    assert "name_de" not in form.fields

    r = client.post(
        reverse("office:event-create"),
        event_form(name_en="Parents' evening", description_en="Please be on time.", name_ru=""),
    )
    event = Event.objects.get()
    assert r.status_code == 302
    assert event.description == "Bitte pünktlich sein."
    assert event.translations == {
        "en": {"name": "Parents' evening", "description": "Please be on time."}
    }


def test_editing_shows_and_keeps_the_other_languages(client, admin, spring):
    client.force_login(admin)
    url = reverse("office:event-edit", args=[spring.pk])
    form = client.get(url).context["form"]
    assert form["name_en"].value() == "Parents' evening"
    assert form["description_en"].value() == "Ten minutes per teacher."
    assert form["name_ru"].value() == "Родительский вечер"

    data = event_form(name_en="Parents' evening", description_en="", name_ru="Встреча")
    assert client.post(url, data).status_code == 302
    spring.refresh_from_db()
    assert spring.translations == {"en": {"name": "Parents' evening"}, "ru": {"name": "Встреча"}}


def test_the_office_sees_each_languages_wording(client, admin, spring):
    client.force_login(admin)
    page = client.get(reverse("office:event-detail", args=[spring.pk])).content.decode()
    assert "Родительский вечер" in page and "Ten minutes per teacher." in page


def test_a_parent_is_mailed_the_event_name_in_their_language(
    parent, pupil, school_class, slot, spring
):
    spring.classes.add(school_class)
    slot.event = spring
    slot.save(update_fields=["event"])
    parent.language = "en"
    parent.save(update_fields=["language"])
    book_slot(booker=parent, slot=slot, pupil=pupil)
    send_booker_mails()  # the worker's next round
    mail = OutgoingEmail.objects.get(to=parent.email)
    assert "Parents' evening" in mail.body_text and "Parents&#x27; evening" in mail.body_html
    assert "Elternsprechtag" not in mail.body_text
