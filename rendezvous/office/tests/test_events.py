from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from rendezvous.bookings.services import book_slot
from rendezvous.scheduling import services
from rendezvous.scheduling.models import Event, Phase
from rendezvous.scheduling.tests.helpers import EVENING, NOW, at, fixed_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def slot(teacher, event):
    """At a fixed local time on the event's day (the shared factory's times drift)."""
    return services.create_slot(
        host=teacher, event=event, starts_at=at(EVENING, "10:00"), ends_at=at(EVENING, "10:10")
    )


def event_form(**changes):
    data = {
        "name": "Elternsprechtag Frühjahr",
        "starts_on": "2030-03-14",
        "ends_on": "2030-03-14",
        "booking_opens_at": "2030-03-01T08:00",
        "booking_closes_at": "2030-03-13T12:00",
        "default_slot_minutes": "10",
        "change_cutoff_hours": "24",
        "retention_days": "14",
    }
    return {**data, **changes}


def test_the_office_lists_its_events_with_counts(
    client, admin, event, slot, outsider, django_assert_max_num_queries
):
    fixed_event(outsider.organisation, name="Not ours")
    client.force_login(admin)
    with django_assert_max_num_queries(10):
        r = client.get(reverse("office:events"))
    page = r.content.decode()
    assert r.status_code == 200
    assert escape(event.name) in page and "Not ours" not in page
    assert [e.live_slots for e in r.context["events"]] == [1]


def test_the_office_creates_an_event_in_local_time(client, admin, school_class):
    client.force_login(admin)
    r = client.post(reverse("office:event-create"), event_form(classes=[school_class.pk]))
    event = Event.objects.get()
    assert r.status_code == 302 and r.url == reverse("office:event-detail", args=[event.pk])
    assert event.phase == Phase.DRAFT
    assert event.booking_opens_at == datetime(2030, 3, 1, 7, 0, tzinfo=UTC)  # 08:00 in Berlin
    assert list(event.classes.all()) == [school_class]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"booking_closes_at": "2030-03-01T07:00"}, "Booking must close after it opens."),
        ({"ends_on": "2030-03-13"}, "The last day cannot be before the first day."),
        ({"name": ""}, "This field is required."),
        ({"booking_opens_at": "soon"}, "Enter a valid date/time."),
    ],
)
def test_bad_event_input_gets_a_form_error_and_writes_nothing(client, admin, changes, message):
    client.force_login(admin)
    r = client.post(reverse("office:event-create"), event_form(**changes))
    assert r.status_code == 200
    assert message in r.content.decode()
    assert not Event.objects.exists()


def test_a_class_of_another_organisation_cannot_be_chosen(client, admin, outsider):
    from rendezvous.school.tests.factories import SchoolClassFactory

    foreign = SchoolClassFactory(organisation=outsider.organisation)
    client.force_login(admin)
    r = client.post(reverse("office:event-create"), event_form(classes=[foreign.pk]))
    assert r.status_code == 200
    assert not Event.objects.exists()


def test_the_office_edits_an_event(client, admin, event):
    client.force_login(admin)
    url = reverse("office:event-edit", args=[event.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, event_form(name="Renamed", auto_confirm="on"))
    assert r.status_code == 302
    event.refresh_from_db()
    assert event.name == "Renamed" and event.auto_confirm


def test_the_event_page_shows_classes_teachers_and_bookings(
    client, admin, teacher, event, slot, parent, pupil
):
    services.create_slot(
        host=teacher, event=event, starts_at=at(EVENING, "11:00"), ends_at=at(EVENING, "11:10")
    )
    book_slot(booker=parent, slot=slot, pupil=pupil)
    client.force_login(admin)
    r = client.get(reverse("office:event-detail", args=[event.pk]))
    page = r.content.decode()
    assert "7a" in page and teacher.last_name in page
    [row] = r.context["teachers"]
    assert (row["slots"], row["places"], row["taken"]) == (2, 2, 1)
    assert r.context["bookings_count"] == 1


def test_the_phase_buttons_move_the_event_on(client, admin, organisation):
    draft = fixed_event(organisation)
    client.force_login(admin)
    url = reverse("office:event-phase", args=[draft.pk])
    page = client.get(reverse("office:event-detail", args=[draft.pk])).content.decode()
    assert 'value="open"' in page and 'value="closed"' not in page
    client.post(url, {"phase": "open"})
    draft.refresh_from_db()
    assert draft.phase == Phase.OPEN


def test_a_refused_phase_change_says_why(client, admin, event, slot, parent, pupil):
    book_slot(booker=parent, slot=slot, pupil=pupil)
    client.force_login(admin)
    r = client.post(
        reverse("office:event-phase", args=[event.pk]), {"phase": "draft"}, follow=True
    )
    assert "already has bookings" in r.content.decode()
    event.refresh_from_db()
    assert event.phase == Phase.OPEN


def test_a_jump_over_a_phase_is_refused(client, admin, organisation):
    draft = fixed_event(organisation)
    client.force_login(admin)
    r = client.post(
        reverse("office:event-phase", args=[draft.pk]), {"phase": "archived"}, follow=True
    )
    assert "draft to open" in r.content.decode()
    draft.refresh_from_db()
    assert draft.phase == Phase.DRAFT


def test_an_unknown_phase_is_refused(client, admin, event):
    client.force_login(admin)
    r = client.post(
        reverse("office:event-phase", args=[event.pk]), {"phase": "party"}, follow=True
    )
    assert "Unknown phase" in r.content.decode()


def urls(event):
    return [
        ("get", reverse("office:events")),
        ("get", reverse("office:event-create")),
        ("get", reverse("office:event-detail", args=[event.pk])),
        ("get", reverse("office:event-edit", args=[event.pk])),
        ("post", reverse("office:event-phase", args=[event.pk])),
    ]


@pytest.mark.parametrize("who", ["teacher", "parent"])
def test_teachers_and_parents_get_403(client, request, event, who):
    client.force_login(request.getfixturevalue(who))
    for method, url in urls(event):
        assert getattr(client, method)(url, {"phase": "closed"}).status_code == 403, url
    event.refresh_from_db()
    assert event.phase == Phase.OPEN


def test_an_outsider_gets_404_on_our_event(client, outsider, event):
    client.force_login(outsider)
    for method, url in urls(event)[2:]:
        assert getattr(client, method)(url, {"phase": "closed"}).status_code == 404, url
    r = client.post(reverse("office:event-edit", args=[event.pk]), event_form(name="Hijacked"))
    assert r.status_code == 404
    event.refresh_from_db()
    assert (event.phase, event.name) != (Phase.CLOSED, "Hijacked")


def test_anonymous_visitors_are_sent_to_sign_in(client, event):
    for method, url in urls(event):
        r = getattr(client, method)(url)
        assert r.status_code == 302 and "login" in r.url
