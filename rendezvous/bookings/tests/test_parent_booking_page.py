"""The parent's booking page: one form per teacher with its times by day, what each teacher
is labelled with, which times are left out, and a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rendezvous.accounts.tests.factories import UserFactory
from rendezvous.bookings.models import Booking, BookingStatus
from rendezvous.bookings.selectors.parent import booking_overview_for_parent
from rendezvous.bookings.services import book_slot, cancel_booking
from rendezvous.scheduling.models import Subject
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory

HOME = reverse("bookings:parent-home")
BOOK = reverse("bookings:parent-book")
FORM = re.compile(
    r'<form method="post" action="/parent/book/" class="offer-form">(.*?)</form>', re.S
)


def forms_of(html: str) -> list[str]:
    return FORM.findall(html)


def times_in(form: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'type="radio" name="slot" value="(\d+)"', form)]


def hidden(form: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', form).group(1)


def offer_of(html: str, teacher) -> str:
    """The teacher's row on the page (a chooser or a booked time)."""
    start = html.index(teacher.full_name)
    end = html.find('<li class="offer">', start)
    return html[start : end if end != -1 else len(html)]


@pytest.fixture
def parent_client(client, parent):
    client.force_login(parent)
    return client


@pytest.mark.django_db
def test_each_teacher_is_one_form_with_a_fieldset_per_day_the_child_and_a_key(
    parent_client, pupil, subject_teacher, slot, make_slot
):
    same_day = make_slot(minutes=10)
    next_day = make_slot(minutes=24 * 60)
    other_teachers = make_slot(host=subject_teacher, minutes=30)
    forms = forms_of(parent_client.get(HOME).content.decode())
    assert sorted(times_in(form) for form in forms) == sorted(
        [[slot.pk, same_day.pk, next_day.pk], [other_teachers.pk]]
    )
    by_day = [re.findall(r"<fieldset>(.*?)</fieldset>", form, re.S) for form in forms]
    assert sorted([times_in(day) for day in days] for days in by_day) == sorted(
        [[[slot.pk, same_day.pk], [next_day.pk]], [[other_teachers.pk]]]
    )
    for form in forms:
        assert hidden(form, "pupil") == str(pupil.pk)
        assert re.fullmatch(r"[0-9a-f]{32}", hidden(form, "idempotency_key"))
        assert "csrfmiddlewaretoken" in form
        assert form.count('type="submit"') == 1
        assert form.count(" required>") == 1  # one radio group: a time must be chosen
    assert len({hidden(form, "idempotency_key") for form in forms}) == len(forms)


@pytest.mark.django_db
def test_each_time_is_labelled_with_its_time_and_teacher(parent_client, pupil, teacher, slot):
    html = parent_client.get(HOME).content.decode()
    start = slot.starts_at.astimezone(pupil.organisation.tz).strftime("%H:%M")
    label = re.search(
        rf'<label class="time"><input [^>]*value="{slot.pk}"[^>]*>(.*?)</label>', html
    )
    text = re.sub(r"<[^>]+>", "", label.group(1))
    assert text == f"{start} {teacher.full_name}"
    book_button = f"book with {teacher.full_name} for {pupil.first_name}"
    assert book_button in html


@pytest.mark.django_db
def test_each_child_gets_its_own_forms(parent_client, parent, pupil, second_child, slot):
    forms = forms_of(parent_client.get(HOME).content.decode())
    assert {hidden(form, "pupil") for form in forms} == {str(pupil.pk), str(second_child.pk)}
    assert all(times_in(form) == [slot.pk] for form in forms)


@pytest.mark.django_db
def test_children_who_share_a_teacher_share_its_times_until_one_of_them_has_a_clash(
    parent, co_parent, pupil, second_child, subject_teacher, slot, make_slot
):
    """The page then draws the shared times once for both children."""
    later = make_slot(minutes=30)

    def teachers_times():
        (event,) = booking_overview_for_parent(parent).events
        days = {child.pupil: child.teachers[0].days for child in event.children}
        return days[pupil], days[second_child]  # the class teacher's

    first, second = teachers_times()
    assert first is second and [t.pk for _d, ts in first for t in ts] == [slot.pk, later.pk]
    # The other parent takes the first child to another teacher at minute 30.
    book_slot(booker=co_parent, slot=make_slot(host=subject_teacher, minutes=30), pupil=pupil)
    first, second = teachers_times()
    assert [[t.pk for _d, ts in days for t in ts] for days in (first, second)] == [
        [slot.pk],
        [slot.pk, later.pk],
    ]


@pytest.mark.django_db
def test_taken_and_cancelled_times_are_absent(
    parent_client, pupil, other_parent, other_pupil, slot, make_slot
):
    taken = make_slot(minutes=10)
    book_slot(booker=other_parent, slot=taken, pupil=other_pupil)
    make_slot(minutes=20, status="cancelled")
    offered = [
        pk for form in forms_of(parent_client.get(HOME).content.decode()) for pk in times_in(form)
    ]
    assert offered == [slot.pk]


@pytest.mark.django_db
def test_times_that_clash_for_the_parent_or_the_child_are_hidden_with_a_note(
    parent_client,
    organisation,
    parent,
    co_parent,
    pupil,
    second_child,
    subject_teacher,
    slot,
    make_slot,
):
    """The parent cannot be in two places, nor can the child; the other parent may see another
    teacher with another child at the same time."""
    other_class_teacher = UserFactory(organisation=organisation)
    pupil.school_class.class_teachers.add(other_class_teacher)
    mine = slot  # the teacher's, at minute 0
    book_slot(booker=parent, slot=mine, pupil=second_child)
    for_the_child = make_slot(host=subject_teacher, minutes=60)
    book_slot(booker=co_parent, slot=for_the_child, pupil=pupil)
    clash_mine = make_slot(host=other_class_teacher, minutes=0)
    clash_child = make_slot(host=other_class_teacher, minutes=60)
    free = make_slot(host=other_class_teacher, minutes=120)
    html = parent_client.get(HOME).content.decode()
    pupil_forms = [f for f in forms_of(html) if hidden(f, "pupil") == str(pupil.pk)]
    offered = [pk for form in pupil_forms for pk in times_in(form)]
    assert free.pk in offered
    assert clash_mine.pk not in offered and clash_child.pk not in offered
    assert "2 times are not shown because they clash with your other appointments." in html
    # For the second child, only the parent's own time clashes.
    second_forms = [f for f in forms_of(html) if hidden(f, "pupil") == str(second_child.pk)]
    second_offered = [pk for form in second_forms for pk in times_in(form)]
    assert clash_child.pk in second_offered and clash_mine.pk not in second_offered


@pytest.mark.django_db
def test_teachers_are_labelled_with_subject_role_and_room(
    parent_client, organisation, pupil, teacher, subject_teacher, slot, make_slot
):
    maths = Subject.objects.create(organisation=organisation, name="Mathematics")
    slot.room, slot.subject = "B 104", maths
    slot.save()
    make_slot(room="B 104", subject=maths, minutes=10)
    make_slot(host=subject_teacher, room="A 1", minutes=20)
    make_slot(host=subject_teacher, room="A 2", minutes=30)
    html = parent_client.get(HOME).content.decode()
    class_teacher_row = offer_of(html, teacher)
    assert "Mathematics · Class teacher · Room B 104" in class_teacher_row
    subject_row = offer_of(html, subject_teacher)
    assert "Subject teacher" in subject_row and "Room A" not in subject_row.split("</summary>")[0]
    # The rooms differ, so each time names its own.
    assert "· A 1" in subject_row and "· A 2" in subject_row


@pytest.mark.django_db
def test_a_teacher_whose_slots_name_different_subjects_shows_none(
    parent_client, organisation, pupil, subject_teacher, make_slot
):
    for minutes, name in ((0, "Physics"), (10, "Chemistry")):
        subject = Subject.objects.create(organisation=organisation, name=name)
        make_slot(host=subject_teacher, subject=subject, minutes=minutes)
    row = offer_of(parent_client.get(HOME).content.decode(), subject_teacher)
    assert "Physics" not in row and "Chemistry" not in row and "Subject teacher" in row


@pytest.mark.django_db
def test_a_booked_teacher_shows_the_time_with_move_and_cancel(
    parent_client, parent, pupil, teacher, slot
):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    row = offer_of(parent_client.get(HOME).content.decode(), teacher)
    assert "Pending" in row and 'name="slot"' not in row
    assert reverse("bookings:parent-booking-move", args=[booking.pk]) in row
    assert reverse("bookings:parent-booking-cancel", args=[booking.pk]) in row


@pytest.mark.django_db
def test_the_family_plan_lists_the_booked_times_in_order(
    parent_client, parent, co_parent, pupil, second_child, subject_teacher, slot, make_slot
):
    later = make_slot(host=subject_teacher, minutes=30)
    book_slot(booker=parent, slot=later, pupil=second_child)
    book_slot(booker=co_parent, slot=slot, pupil=pupil)
    html = parent_client.get(HOME).content.decode()
    plan = html[html.index('id="family-plan-title"') :]
    assert plan.index(slot.host.full_name) < plan.index(subject_teacher.full_name)
    assert reverse("bookings:parent-plan") in plan


@pytest.mark.django_db
def test_choosing_another_time_in_the_same_form_books_that_time(
    parent_client, parent, pupil, slot, make_slot
):
    """The form's key stands for one visit of the page: sent again with the same time it books
    once, sent again with another time (after going back) it books that time."""
    other = make_slot(minutes=10)
    data = {"pupil": pupil.pk, "idempotency_key": "k" * 32}
    parent_client.post(BOOK, {**data, "slot": slot.pk})
    parent_client.post(BOOK, {**data, "slot": slot.pk})
    first = Booking.objects.get()
    cancel_booking(booking=first, actor=parent)
    parent_client.post(BOOK, {**data, "slot": other.pk})
    assert Booking.objects.filter(status=BookingStatus.PENDING).get().slot == other


@pytest.mark.django_db
def test_a_failed_booking_comes_back_with_the_teachers_times_open(
    parent_client, other_parent, other_pupil, pupil, teacher, slot, make_slot
):
    make_slot(minutes=10)
    html = parent_client.get(HOME).content.decode()
    form = next(f for f in forms_of(html) if slot.pk in times_in(f))
    book_slot(booker=other_parent, slot=slot, pupil=other_pupil)
    data = {
        name: hidden(form, name) for name in ("csrfmiddlewaretoken", "pupil", "idempotency_key")
    }
    response = parent_client.post(BOOK, {**data, "slot": slot.pk, "next": hidden(form, "next")})
    assert response.status_code == 302
    page = parent_client.get(response["Location"]).content.decode()
    key = f"{slot.event_id}-{pupil.pk}-{teacher.pk}"
    assert f'<details class="chooser" id="offer-{key}" open>' in page
    assert "just been taken" in page


@pytest.mark.django_db
@pytest.mark.parametrize("free_times", [10, 300])
def test_the_page_needs_the_same_few_queries_for_10_and_300_free_times(
    parent_client,
    parent,
    organisation,
    event,
    school_class,
    pupil,
    second_child,
    co_parent,
    make_slot,
    free_times,
    django_assert_max_num_queries,
):
    teachers = [UserFactory(organisation=organisation) for _ in range(10)]
    school_class.subject_teachers.add(*teachers)
    times = [
        make_slot(host=teachers[n % 10], minutes=5 * n, room=f"R {n % 3}").pk
        for n in range(free_times)
    ]
    book_slot(booker=co_parent, slot=make_slot(minutes=-30), pupil=pupil)
    # A third child in another class of the event, with the same teachers.
    third = PupilFactory(organisation=organisation)
    GuardianshipFactory(pupil=third, parent=parent)
    event.classes.add(third.school_class)
    third.school_class.subject_teachers.add(*teachers)
    # The session with the parent and their organisation; the children; their teachers; the
    # family's bookings; the events with their classes; the teachers' slots.
    with django_assert_max_num_queries(6):
        response = parent_client.get(HOME)
    offered = [pk for form in forms_of(response.content.decode()) for pk in times_in(form)]
    assert sorted(pk for pk in offered if pk in times) == sorted(times * 3)  # to each child


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_free_times(
    parent_client, organisation, school_class, pupil, make_slot
):
    teacher = UserFactory(organisation=organisation)
    school_class.subject_teachers.add(teacher)
    counts = []
    for minutes in range(0, 600, 10):  # back to back: a teacher's slots never overlap
        make_slot(host=teacher, minutes=minutes)
        if minutes in (0, 590):
            with CaptureQueriesContext(connection) as queries:
                parent_client.get(HOME)
            counts.append(len(queries))
    assert counts[0] == counts[1]
