"""Reports (R2): the figures equal counts made directly from the database; the event's summary
names the right families and teachers; the reminder reaches exactly the families not booked."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rendezvous.accounts.models import Role
from rendezvous.accounts.tests.factories import ParentFactory, UserFactory
from rendezvous.bookings.services import book_slot
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.reports.selectors import event_summary, slots_in, subject_load, teacher_load
from rendezvous.reports.services import BookingNotOpen, remind_families
from rendezvous.scheduling.models import Phase, Slot, SlotStatus, Subject
from rendezvous.scheduling.tests.factories import SlotFactory
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def evening(organisation, school_class, teacher, other_teacher, event, parent, pupil):
    """The teacher with three slots (one of two places), one booked; the other teacher of
    the class without slots; a second family without a booking, a third without email."""
    school_class.subject_teachers.add(other_teacher)
    maths = Subject.objects.create(organisation=organisation, name="Mathematik")
    booked = SlotFactory(organisation=organisation, host=teacher, event=event, subject=maths)
    SlotFactory(organisation=organisation, host=teacher, event=event, subject=maths, capacity=2)
    SlotFactory(organisation=organisation, host=teacher, event=event)
    SlotFactory(organisation=organisation, host=teacher, event=event, status=SlotStatus.CANCELLED)
    book_slot(booker=parent, slot=booked, pupil=pupil)
    waiting = ParentFactory(organisation=organisation, email="waiting@example.org", language="ru")
    GuardianshipFactory(
        pupil=PupilFactory(organisation=organisation, school_class=school_class), parent=waiting
    )
    silent = ParentFactory(organisation=organisation, email="")
    GuardianshipFactory(
        pupil=PupilFactory(organisation=organisation, school_class=school_class), parent=silent
    )
    OutgoingEmail.objects.all().delete()
    return {"waiting": waiting, "silent": silent}


def test_the_load_equals_counts_made_directly(organisation, evening, teacher, event):
    slots = slots_in(organisation.pk, event=event)

    (load,) = teacher_load(slots)

    live = Slot.objects.filter(host=teacher, event=event).exclude(status=SlotStatus.CANCELLED)
    places = live.aggregate(places=Sum("capacity"), booked=Sum("seats_taken"))
    assert (load.id, load.slots) == (teacher.pk, live.count()) == (teacher.pk, 3)
    assert (load.places, load.booked) == (places["places"], places["booked"]) == (4, 1)
    assert (load.free, load.percent) == (3, 25)
    by_subject = {
        load.name: (load.slots, load.places, load.booked) for load in subject_load(slots)
    }
    assert by_subject == {"Mathematik": (2, 3, 1), "No subject": (1, 1, 0)}


def test_a_period_counts_the_slots_of_its_days_only(organisation, evening, event):
    day, one = event.starts_on, timedelta(days=1)
    assert teacher_load(slots_in(organisation.pk, date_from=day, date_to=day))[0].slots == 3
    assert teacher_load(slots_in(organisation.pk, date_to=day - one)) == []
    assert teacher_load(slots_in(organisation.pk, date_from=day + one)) == []


def test_the_summary_names_families_and_teachers(evening, event, parent, teacher, other_teacher):
    summary = event_summary(event)

    assert summary.families_booked == [parent]
    assert set(summary.families_not_booked) == {evening["waiting"], evening["silent"]}
    assert summary.reachable_not_booked == [evening["waiting"]]
    assert summary.teachers_without_slots == [other_teacher]
    assert summary.teachers_fully_booked == []


def test_a_teacher_whose_every_slot_is_taken_is_fully_booked(
    organisation, event, teacher, parent, pupil
):
    slot = SlotFactory(organisation=organisation, host=teacher, event=event)
    book_slot(booker=parent, slot=slot, pupil=pupil)
    assert event_summary(event).teachers_fully_booked == [teacher]


def test_the_reminder_goes_to_the_families_not_booked_in_their_language(evening, event):
    assert remind_families(event=event) == 1

    (mail,) = OutgoingEmail.objects.all()
    assert mail.to == "waiting@example.org" and mail.template == "booking_reminder"
    assert event.name in mail.subject and "/parent/" in mail.body_text
    assert mail.language == "ru" and "Запишитесь" in mail.subject


def test_no_reminder_while_booking_is_closed(evening, event):
    event.phase = Phase.CLOSED
    event.save(update_fields=["phase"])
    with pytest.raises(BookingNotOpen):
        remind_families(event=event)
    assert not OutgoingEmail.objects.exists()


def test_the_office_page_shows_the_figures_with_bars(client, admin, evening, event):
    client.force_login(admin)

    response = client.get(reverse("office:reports"))  # the latest open event by default

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="load-bar-fill" width="25"' in html
    assert "Send a reminder to 1 family" in html


def test_the_office_sends_the_reminder_once_per_click(client, admin, evening, event, outsider):
    client.force_login(outsider)
    assert client.post(reverse("office:event-remind", args=[event.pk])).status_code == 404
    client.force_login(admin)
    response = client.post(reverse("office:event-remind", args=[event.pk]))
    assert response.status_code == 302 and OutgoingEmail.objects.count() == 1


def test_the_page_reads_a_fixed_number_of_queries(client, admin, evening, event, organisation):
    client.force_login(admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("office:reports"), {"event": event.pk})
        return len(captured)

    few = queries()
    for _ in range(3):
        host = UserFactory(organisation=organisation, role=Role.TEACHER)
        SlotFactory(organisation=organisation, host=host, event=event)
    assert queries() == few


def test_a_later_day_before_the_first_is_refused(client, admin, event):
    client.force_login(admin)
    response = client.get(
        reverse("office:reports"), {"date_from": "2027-02-02", "date_to": "2027-02-01"}
    )
    assert response.status_code == 200 and "cannot lie before" in response.content.decode()


def test_the_api_gives_the_pages_figures(admin, evening, event, other_teacher):
    from rendezvous.api.tests.api_client import signed_in

    api = signed_in(admin)
    (load,) = api.get("/reports/teacher-load", event=event.pk).json()
    assert (load["slots"], load["places"], load["booked"], load["free"]) == (3, 4, 1, 3)
    assert load["utilisation"] == 0.25
    subjects = api.get("/reports/subject-load", event=event.pk).json()
    assert [row["name"] for row in subjects] == ["Mathematik", "No subject"]
    summary = api.get(f"/reports/events/{event.pk}/summary").json()
    assert (summary["families"], summary["families_booked"]) == (3, 1)
    assert summary["teachers_without_slots"] == [
        {"id": other_teacher.pk, "name": str(other_teacher)}
    ]
    assert api.post(f"/reports/events/{event.pk}/remind", {}).json() == {"sent": 1}


def test_the_event_page_counts_the_families_and_reminds_from_where_it_is(
    client, admin, evening, event
):
    client.force_login(admin)
    page = reverse("office:event-detail", args=[event.pk])

    html = client.get(page).content.decode()
    response = client.post(reverse("office:event-remind", args=[event.pk]), {"next": page})

    assert "1 of 3 families have booked." in html and "Send a reminder to 1 family" in html
    assert response.status_code == 302 and response["Location"] == page
    assert OutgoingEmail.objects.get().to == "waiting@example.org"


def test_a_closed_events_page_offers_no_reminder(client, admin, evening, event):
    event.phase = Phase.CLOSED
    event.save(update_fields=["phase"])
    client.force_login(admin)

    html = client.get(reverse("office:event-detail", args=[event.pk])).content.decode()

    assert "Send a reminder" not in html and "families have booked" not in html
