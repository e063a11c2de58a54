"""The calendars in Chromium: a teacher moves through week and month and reaches a slot's edit
link with the keyboard alone; the office narrows the event day to one class; on a phone both
show the agenda instead of the grid."""

from dataclasses import dataclass
from datetime import UTC, timedelta

import pytest
from django.urls import reverse

from rendezvous.accounts.models import Role, User
from rendezvous.accounts.tests.factories import PASSWORD, ParentFactory, UserFactory
from rendezvous.bookings.tests.factories import BookingFactory
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.scheduling.models import Event, Slot
from rendezvous.scheduling.tests.factories import SlotFactory
from rendezvous.scheduling.tests.helpers import EVENING, at, fixed_event
from rendezvous.school.tests.factories import (
    DepartmentFactory,
    GuardianshipFactory,
    PupilFactory,
    SchoolClassFactory,
)
from tests.e2e.browser import assert_no_horizontal_scroll, expect, loaded, sign_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CALENDAR_TAB_LIMIT = 40  # Tab presses allowed from the date form to the slot


@dataclass
class School:
    office: User
    class_teacher: User
    other_teacher: User
    event: Event
    free_slot: Slot


def _slot(host, event, hhmm, **fields):
    starts = at(EVENING, hhmm)
    return SlotFactory(
        organisation=host.organisation,
        host=host,
        event=event,
        starts_at=starts,
        ends_at=starts.astimezone(UTC) + timedelta(minutes=10),
        room="A 101",
        **fields,
    )


@pytest.fixture
def school(db):
    organisation = OrganisationFactory(name="Goethe-Gymnasium", slug="goethe")
    office = UserFactory(organisation=organisation, role=Role.ADMIN, email="office@example.org")
    class_teacher = UserFactory(
        organisation=organisation,
        email="k.schmidt@example.org",
        first_name="Karin",
        last_name="Schmidt",
    )
    other_teacher = UserFactory(
        organisation=organisation,
        email="p.weber@example.org",
        first_name="Paul",
        last_name="Weber",
    )
    department = DepartmentFactory(organisation=organisation, name="Unterstufe")
    seven_a = SchoolClassFactory(organisation=organisation, department=department, name="7a")
    seven_a.class_teachers.add(class_teacher)
    eight_b = SchoolClassFactory(organisation=organisation, department=department, name="8b")
    eight_b.subject_teachers.add(other_teacher)
    event = fixed_event(organisation, name="Elternsprechtag")
    event.classes.add(seven_a, eight_b)
    parent = ParentFactory(organisation=organisation, first_name="Anna", last_name="Becker")
    pupil = PupilFactory(
        organisation=organisation, school_class=seven_a, first_name="Mia", last_name="Becker"
    )
    GuardianshipFactory(pupil=pupil, parent=parent)
    booked = _slot(class_teacher, event, "16:00", seats_taken=1)
    BookingFactory(slot=booked, booker=parent, pupil=pupil)
    free_slot = _slot(class_teacher, event, "16:10")
    _slot(other_teacher, event, "16:00")
    return School(office, class_teacher, other_teacher, event, free_slot)


def _signed_in(new_page, base, user, viewport):
    page = new_page(locale="en-GB", **viewport)
    sign_in(
        page, base + reverse("account_login"), login=user.email, password=PASSWORD, language="en"
    )
    return page


def _calendar(base, view):
    return f"{base}{reverse('bookings:teacher-calendar')}?view={view}&date={EVENING.isoformat()}"


def _focused_href(page) -> str:
    return page.evaluate("() => document.activeElement.getAttribute('href') || ''")


@pytest.mark.django_db(transaction=True)
def test_a_teacher_moves_through_week_and_month_and_reaches_a_slot_by_keyboard(
    live_server, new_page, school
):
    page = _signed_in(new_page, live_server.url, school.class_teacher, DESKTOP)
    page.goto(_calendar(live_server.url, "week"))
    loaded(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("March")
    expect(page.locator(".cal-scroller")).to_be_visible()
    expect(page.locator(".cal-agenda")).to_be_hidden()
    expect(page.get_by_role("button", name="Confirm")).to_be_visible()  # the request's

    page.get_by_role("link", name="Month", exact=True).click()
    loaded(page)
    thursday = page.locator(".cal-month-day").filter(has_text="2 slots")
    expect(thursday).to_contain_text("1 to confirm")
    thursday.get_by_role("link").click()
    loaded(page)
    expect(page.get_by_role("link", name="Day", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    page.get_by_role("link", name="Week", exact=True).click()
    loaded(page)

    # From the date form's button, Tab to the free slot, open it, Tab to its edit link.
    page.get_by_role("button", name="Show", exact=True).focus()
    summary = page.locator("details.cal-block.is-free > summary")
    for _ in range(CALENDAR_TAB_LIMIT):
        page.keyboard.press("Tab")
        if summary.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the free slot's block is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(page.locator("details.cal-block.is-free")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    edit = reverse("bookings:slot-edit", args=[school.free_slot.pk])
    assert _focused_href(page) == edit
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{edit}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit slot")


@pytest.mark.django_db(transaction=True)
def test_the_office_narrows_the_event_day_to_one_class(live_server, new_page, school):
    page = _signed_in(new_page, live_server.url, school.office, DESKTOP)
    page.goto(live_server.url + reverse("office:event-calendar", args=[school.event.pk]))
    loaded(page)
    headings = page.locator(".cal-scroller").get_by_role("heading", level=2)
    expect(headings).to_have_count(2)
    page.get_by_label("Class").select_option(label="8b")
    page.get_by_role("button", name="Show", exact=True).click()
    loaded(page)
    expect(headings).to_have_count(1)
    expect(headings.first).to_contain_text("Paul Weber")
    expect(page.get_by_label("Class")).to_have_value(
        str(school.other_teacher.classes_taught.get().pk)
    )


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_both_calendars_show_an_agenda(live_server, new_page, school):
    page = _signed_in(new_page, live_server.url, school.class_teacher, PHONE)
    page.goto(_calendar(live_server.url, "week"))
    loaded(page)
    expect(page.locator(".cal-scroller")).to_be_hidden()
    agenda = page.locator(".cal-agenda")
    expect(agenda).to_be_visible()
    expect(agenda.get_by_role("row").filter(has_text="Mia Becker")).to_contain_text("16:00")
    expect(agenda.get_by_role("button", name="Confirm")).to_be_visible()
    assert_no_horizontal_scroll(page)

    office = _signed_in(new_page, live_server.url, school.office, PHONE)
    office.goto(live_server.url + reverse("office:event-calendar", args=[school.event.pk]))
    loaded(office)
    expect(office.locator(".cal-scroller")).to_be_hidden()
    teacher = office.locator(".cal-agenda details").filter(has_text="Karin Schmidt")
    teacher.locator("summary").click()
    expect(teacher.get_by_role("row").filter(has_text="Mia Becker")).to_contain_text("Pending")
    assert_no_horizontal_scroll(office)
