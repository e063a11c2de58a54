"""A parent books on a phone in Chromium: opens a teacher, chooses a time with the keyboard,
books it, sees it summarised and undoes it; the other parent's booking is listed and cannot be
changed; the plan prints. With and without JavaScript.

The school: class 7a (Mia) and 5b (Leo), one parent for both children and a second parent of
Mia, a class teacher who teaches maths in 7a, a subject teacher of both classes, and an open
parents' evening with free times; the second parent booked Mia's class teacher.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse

from rendezvous.accounts.models import User
from rendezvous.accounts.tests.factories import PASSWORD, ParentFactory, UserFactory
from rendezvous.bookings.models import Booking, BookingStatus
from rendezvous.bookings.services import book_slot
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.scheduling.models import Event, Subject
from rendezvous.scheduling.services import create_slot
from rendezvous.scheduling.tests.factories import EventFactory
from rendezvous.school.tests.factories import (
    DepartmentFactory,
    GuardianshipFactory,
    PupilFactory,
    SchoolClassFactory,
)
from tests.e2e.browser import TIMEOUT_MS, assert_no_horizontal_scroll, expect, loaded, sign_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PARENT_CODE = "48213"
CO_PARENT_CODE = "48214"


@dataclass
class School:
    parent: User
    co_parent: User
    class_teacher: User
    subject_teacher: User
    event: Event
    co_parents_booking: Booking


def _slots(teacher, event, start_hour, *, count, room, subject=None):
    first = datetime.combine(event.starts_on, time(start_hour), tzinfo=event.organisation.tz)
    return [
        create_slot(
            host=teacher,
            event=event,
            starts_at=first + timedelta(minutes=10 * number),
            ends_at=first + timedelta(minutes=10 * (number + 1)),
            room=room,
            subject=subject,
        )
        for number in range(count)
    ]


def _teacher(organisation, first_name, last_name):
    return UserFactory(
        organisation=organisation,
        email=f"{first_name[0].lower()}.{last_name.lower()}@example.org",
        first_name=first_name,
        last_name=last_name,
    )


def _parent(organisation, code, first_name, children):
    parent = ParentFactory(
        organisation=organisation, login_code=code, first_name=first_name, last_name="Becker"
    )
    for child in children:
        GuardianshipFactory(pupil=child, parent=parent)
    return parent


def build_school(*, extra_teachers=0) -> School:
    organisation = OrganisationFactory(name="Goethe-Gymnasium", slug="goethe")
    department = DepartmentFactory(organisation=organisation, name="Unterstufe")
    seventh = SchoolClassFactory(organisation=organisation, department=department, name="7a")
    fifth = SchoolClassFactory(organisation=organisation, department=department, name="5b")
    class_teacher = _teacher(organisation, "Karin", "Schmidt")
    subject_teacher = _teacher(organisation, "Paul", "Weber")
    seventh.class_teachers.add(class_teacher)
    seventh.subject_teachers.add(subject_teacher)
    fifth.subject_teachers.add(subject_teacher)
    mia = PupilFactory(organisation=organisation, school_class=seventh, first_name="Mia")
    leo = PupilFactory(organisation=organisation, school_class=fifth, first_name="Leo")
    for child in (mia, leo):
        child.last_name = "Becker"
        child.save()
    parent = _parent(organisation, PARENT_CODE, "Anna", [mia, leo])
    co_parent = _parent(organisation, CO_PARENT_CODE, "Jan", [mia])
    event = EventFactory(organisation=organisation, name="Elternsprechtag")
    event.classes.add(seventh, fifth)
    maths = Subject.objects.create(organisation=organisation, name="Mathematik")
    booked = _slots(class_teacher, event, 16, count=6, room="B 104", subject=maths)[2]
    _slots(subject_teacher, event, 17, count=12, room="A 12")
    for number in range(extra_teachers):
        teacher = _teacher(organisation, "Lehrkraft", f"Nummer {number + 1}")
        fifth.subject_teachers.add(teacher)
        _slots(teacher, event, 15 + number % 4, count=9, room=f"C {200 + number}")
    co_parents_booking = book_slot(booker=co_parent, slot=booked, pupil=mia)
    return School(parent, co_parent, class_teacher, subject_teacher, event, co_parents_booking)


@pytest.fixture
def school(db):
    return build_school()


def chooser(page, teacher_name, child):
    """The teacher's chooser in the child's section."""
    section = page.locator("section.child").filter(
        has=page.get_by_role("heading", level=3, name=child)
    )
    return section.locator("details.chooser").filter(has_text=teacher_name)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_parent_books_with_the_keyboard_sees_the_summary_and_undoes_it(
    live_server, new_page, school
):
    page = new_page(locale="en-GB", **PHONE)
    sign_in(
        page,
        live_server.url + reverse("account_login"),
        login=PARENT_CODE,
        password=PASSWORD,
        language="en",
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Book appointments")
    # Mia's class teacher was booked by the other parent: shown, with who booked it.
    mia = page.locator("section.child").filter(has=page.get_by_role("heading", name="Mia Becker"))
    expect(mia).to_contain_text("Booked by Jan Becker")
    expect(mia).to_contain_text("Mathematik · Class teacher · Room B 104")
    assert_no_horizontal_scroll(page)

    offer = chooser(page, "Paul Weber", "Leo Becker")
    offer.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(offer).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    first = offer.get_by_role("radio", name="17:00 Paul Weber")
    expect(first).to_be_focused()
    page.keyboard.press("ArrowRight")  # moves to and chooses the next time
    second = offer.get_by_role("radio", name="17:10 Paul Weber")
    expect(second).to_be_checked()
    assert_no_horizontal_scroll(page)
    page.keyboard.press("Tab")
    expect(offer.get_by_role("button", name="book with Paul Weber for Leo")).to_be_focused()
    page.keyboard.press("Enter")
    loaded(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("My appointments")
    summary = page.get_by_role("status")
    expect(summary).to_contain_text("Request sent")
    expect(summary).to_contain_text("17:10")
    expect(summary).to_contain_text("Paul Weber, for Leo")
    booking = Booking.objects.get(booker=school.parent)
    assert booking.slot.starts_at.astimezone(school.event.organisation.tz).minute == 10

    summary.get_by_role("button", name="Undo").click()
    loaded(page)
    expect(page.get_by_role("status")).to_have_text("Your appointment has been cancelled.")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    past = page.locator("section.appointments-past")
    expect(past.get_by_role("row").filter(has_text="Paul Weber")).to_contain_text("Cancelled")
    upcoming = page.locator("section.appointments").first
    expect(upcoming.get_by_role("row").filter(has_text="Karin Schmidt")).to_contain_text(
        "Booked by Jan Becker"
    )
    assert_no_horizontal_scroll(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_booking_without_javascript_and_the_co_parent_cannot_change_it(
    live_server, chromium, school
):
    context = chromium.new_context(java_script_enabled=False, locale="en-GB", viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        sign_in(
            page,
            live_server.url + reverse("account_login"),
            login=CO_PARENT_CODE,
            password=PASSWORD,
            language="en",
        )
        offer = chooser(page, "Paul Weber", "Mia Becker")
        offer.locator("summary").click()
        offer.get_by_role("radio", name="17:30 Paul Weber").check()
        offer.get_by_role("button", name="book with Paul Weber for Mia").click()
        loaded(page)
        expect(page.get_by_role("status")).to_contain_text("17:30")

        # The other parent sees it, marked, without a way to change it.
        other = context.browser.new_context(locale="en-GB", viewport=PHONE)
        other_page = other.new_page()
        sign_in(
            other_page,
            live_server.url + reverse("account_login"),
            login=PARENT_CODE,
            password=PASSWORD,
            language="en",
        )
        other_page.goto(live_server.url + reverse("bookings:parent-appointments"))
        row = other_page.get_by_role("row").filter(has_text="Paul Weber")
        expect(row).to_contain_text("Booked by Jan Becker")
        expect(row.get_by_role("link", name="Cancel")).to_have_count(0)
        expect(row.get_by_role("link", name="Move")).to_have_count(0)
        other.close()
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_plan_prints_on_one_page(live_server, new_page, school):
    book_slot(
        booker=school.parent,
        slot=school.subject_teacher.hosted_slots.order_by("starts_at").first(),
        pupil=school.parent.children.get(first_name="Leo"),
    )
    page = new_page(locale="en-GB", **DESKTOP)
    sign_in(
        page,
        live_server.url + reverse("account_login"),
        login=PARENT_CODE,
        password=PASSWORD,
        language="en",
    )
    page.goto(live_server.url + reverse("bookings:parent-plan"))
    expect(page.locator(".itinerary-item")).to_have_count(2)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1, "the plan takes more than a page"
