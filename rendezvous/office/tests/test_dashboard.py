"""The office's start page: the next parents' evening as figures that link to their lists,
what to do next, and the everyday tasks."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rendezvous.accounts.tests.factories import ParentFactory, UserFactory
from rendezvous.bookings.services import book_slot, cancel_booking
from rendezvous.notifications.tests.factories import FailedEmailFactory
from rendezvous.scheduling.models import Phase
from rendezvous.scheduling.tests.factories import EventFactory, SlotFactory
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory

pytestmark = pytest.mark.django_db


def dashboard(client, user):
    client.force_login(user)
    return client.get(reverse("office:dashboard"))


@pytest.fixture
def evening(organisation, teacher, subject_teacher, parent, pupil, other_pupil, event, slot):
    """Two pupils in the event's class, one booked with the class teacher (whose only slot is
    then full); the subject teacher has no slot yet."""
    book_slot(booker=parent, slot=slot, pupil=pupil)
    return event


@pytest.fixture
def subject_teacher(other_teacher, school_class):
    school_class.subject_teachers.add(other_teacher)
    return other_teacher


def test_the_next_event_is_shown_with_its_figures(
    client, admin, teacher, subject_teacher, evening
):
    FailedEmailFactory(organisation=admin.organisation)

    r = dashboard(client, admin)

    progress = r.context["progress"]
    assert progress.event == evening
    assert (progress.pupils, progress.pupils_booked, progress.booked_percent) == (2, 1, 50)
    assert progress.teachers_full == 1
    assert progress.teachers_without_slots == [subject_teacher]
    assert progress.pending == 1
    assert r.context["failed_emails"] == 1
    content = r.content.decode()
    assert "50 %" in content and subject_teacher.full_name in content


def test_each_figure_links_to_its_filtered_list(client, admin, evening):
    content = dashboard(client, admin).content.decode()

    appointments = reverse("office:appointments")
    assert f'href="{appointments}?event={evening.pk}"' in content
    assert f'href="{appointments}?event={evening.pk}&amp;status=pending"' in content
    assert f'href="{reverse("office:emails")}?state=failed"' in content
    assert f'href="{reverse("office:event-detail", args=[evening.pk])}"' in content


def test_a_family_with_two_parents_booking_counts_once(
    client, admin, organisation, teacher, parent, pupil, other_pupil, evening
):
    other = ParentFactory(organisation=organisation)
    GuardianshipFactory(pupil=pupil, parent=other)
    subject = UserFactory(organisation=organisation)
    pupil.school_class.subject_teachers.add(subject)
    theirs = SlotFactory(organisation=organisation, host=subject, event=evening)
    book_slot(booker=other, slot=theirs, pupil=pupil)

    progress = dashboard(client, admin).context["progress"]

    assert (progress.pupils, progress.pupils_booked) == (2, 1)


def test_cancelled_bookings_and_other_events_do_not_count(
    client, admin, organisation, school_class, parent, pupil, evening
):
    cancel_booking(booking=pupil.bookings.get(), actor=parent)
    later = EventFactory(
        organisation=organisation, starts_on=evening.starts_on + timedelta(days=30)
    )
    later.classes.add(school_class)

    progress = dashboard(client, admin).context["progress"]

    assert progress.event == evening
    assert (progress.pupils_booked, progress.pending) == (0, 0)


def test_a_past_or_archived_event_is_not_the_next(client, admin, organisation, school_class):
    today = timezone.localdate()
    EventFactory(
        organisation=organisation,
        starts_on=today - timedelta(days=10),
        booking_opens_at=timezone.now() - timedelta(days=20),
        booking_closes_at=timezone.now() - timedelta(days=11),
    )
    EventFactory(organisation=organisation, phase=Phase.ARCHIVED)

    r = dashboard(client, admin)

    assert r.context["progress"] is None
    assert "No parents’ evening is planned" in r.content.decode()


def test_a_draft_event_asks_to_open_it_and_to_send_sign_in_details(client, admin, evening):
    evening.phase = Phase.DRAFT
    evening.save(update_fields=["phase"])

    steps = dashboard(client, admin).context["steps"]

    labels = [step.label for step in steps]
    assert "Open the evening for booking" in labels
    assert "Send sign-in details to 2 parents" in labels
    credentials = next(step for step in steps if step.label.startswith("Send"))
    assert credentials.url == (
        f"{reverse('office:parent-credentials')}?event={evening.pk}&status=new"
    )


def test_without_classes_the_first_step_is_the_import(client, admin):
    r = dashboard(client, admin)

    assert r.context["progress"] is None
    content = r.content.decode()
    assert f'class="button" href="{reverse("office:roster-import")}"' in content


def test_with_classes_but_no_event_the_first_step_is_to_plan_one(client, admin, school_class):
    content = dashboard(client, admin).content.decode()

    assert f'class="button" href="{reverse("office:event-create")}"' in content


def test_another_schools_office_sees_none_of_ours(client, outsider, evening):
    FailedEmailFactory(organisation=evening.organisation)

    r = dashboard(client, outsider)

    assert r.status_code == 200
    assert r.context["progress"] is None
    assert r.context["failed_emails"] == 0
    assert evening.name not in r.content.decode()


@pytest.mark.parametrize("who", ["teacher", "parent", "student"])
def test_only_the_office_may_see_it(client, request, who):
    assert dashboard(client, request.getfixturevalue(who)).status_code == 403


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("office:dashboard")).status_code == 200
    return len(queries)


def test_the_page_takes_the_same_queries_however_big_the_school(
    client, admin, organisation, school_class, evening, django_assert_max_num_queries
):
    client.force_login(admin)
    few = _queries(client)
    for number in range(6):
        teacher = UserFactory(organisation=organisation)
        school_class.subject_teachers.add(teacher)
        SlotFactory(organisation=organisation, host=teacher, event=evening)
        parent = ParentFactory(organisation=organisation)
        child = PupilFactory(organisation=organisation, school_class=school_class)
        GuardianshipFactory(pupil=child, parent=parent)
        if number % 2:
            book_slot(booker=parent, slot=teacher.hosted_slots.get(), pupil=child)
        FailedEmailFactory(organisation=organisation)

    with django_assert_max_num_queries(16):
        many = _queries(client)
    assert many == few
