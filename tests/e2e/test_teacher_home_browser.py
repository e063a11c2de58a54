"""The teacher's and the office's start pages in Chromium: the teacher lands on their requests,
confirms two at once and rejects one with a message that reaches the parent's mail; the
office follows the figure of waiting requests to the filtered list."""

import pytest
from django.urls import reverse

from rendezvous.accounts.models import RequestMails, Role
from rendezvous.accounts.tests.factories import ParentFactory, UserFactory
from rendezvous.bookings.services import book_slot
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.scheduling.tests.factories import EventFactory, SlotFactory
from rendezvous.school.tests.factories import (
    DepartmentFactory,
    GuardianshipFactory,
    PupilFactory,
    SchoolClassFactory,
)
from tests.e2e.browser import (
    assert_no_horizontal_scroll,
    expect,
    loaded,
    sign_in,
    text_of,
    worker_round,
)

PASSWORD = "Secret-for-tests-2024"
CHILDREN = ("Mia Becker", "Ben Wolf", "Lena Yilmaz")
NOTE = "I am ill that evening. Could we talk on the phone on Friday instead?"


@pytest.fixture
def school(db):
    """A teacher with three requests from three families, and the office."""
    organisation = OrganisationFactory(name="Goethe-Gymnasium", slug="goethe")
    teacher = UserFactory(
        organisation=organisation,
        role=Role.TEACHER,
        email="anna.becker@example.org",
        first_name="Anna",
        last_name="Schmidt",
        language="en",
        request_mails=RequestMails.NEVER,
    )
    office = UserFactory(
        organisation=organisation, role=Role.ADMIN, email="office@example.org", language="en"
    )
    for person in (teacher, office):
        person.set_password(PASSWORD)
        person.save()
    school_class = SchoolClassFactory(
        organisation=organisation, department=DepartmentFactory(organisation=organisation)
    )
    school_class.class_teachers.add(teacher)
    event = EventFactory(organisation=organisation, name="Parents' evening")
    event.classes.add(school_class)
    for name in CHILDREN:
        first, last = name.split()
        child = PupilFactory(
            organisation=organisation, school_class=school_class, first_name=first, last_name=last
        )
        parent = ParentFactory(
            organisation=organisation, last_name=last, email=f"{first.lower()}@example.org"
        )
        GuardianshipFactory(pupil=child, parent=parent)
        slot = SlotFactory(organisation=organisation, host=teacher, event=event)
        book_slot(booker=parent, slot=slot, pupil=child)
    return event


def request_of(page, child: str):
    return page.locator(".request").filter(has_text=child)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_teacher_confirms_two_at_once_and_rejects_one_with_a_message(
    live_server, new_page, smtp_server, school
):
    worker_round()  # the parents' "request received" mails
    page = new_page(locale="en-GB")
    sign_in(
        page,
        live_server.url + reverse("account_login"),
        login="anna.becker@example.org",
        password=PASSWORD,
        language="en",
    )
    assert page.url.endswith(reverse("bookings:teacher-home"))
    requests = page.get_by_role("region", name="Requests to answer")
    for child in CHILDREN:
        expect(request_of(requests, child)).to_be_visible()
    assert_no_horizontal_scroll(page)

    for child in CHILDREN[:2]:
        request_of(requests, child).get_by_role("checkbox").check()
    page.get_by_role("button", name="Confirm all selected").click()
    loaded(page)
    expect(page.get_by_role("status")).to_have_text("2 requests confirmed.")
    expect(request_of(requests, CHILDREN[0])).to_have_count(0)

    request_of(requests, CHILDREN[2]).get_by_role("link", name="Reject").click()
    loaded(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Reject the request for {CHILDREN[2]}?"
    )
    assert_no_horizontal_scroll(page)
    page.get_by_label("Message to the parent (optional)").fill(NOTE)
    page.get_by_role("button", name="Reject request").click()
    loaded(page)

    assert page.url.endswith(reverse("bookings:teacher-home"))
    expect(page.get_by_role("status")).to_have_text(
        "The request is rejected and the parent has been told."
    )
    expect(page.get_by_text("No requests are waiting for you.")).to_be_visible()
    assert worker_round() == (3, 0)  # two confirmations and the rejection
    (rejected,) = smtp_server.messages_to("lena@example.org")[1:]
    assert NOTE in text_of(rejected)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_office_follows_the_waiting_requests_to_their_list(live_server, new_page, school):
    page = new_page(locale="en-GB", width=1280, height=900)
    sign_in(
        page,
        live_server.url + reverse("account_login"),
        login="office@example.org",
        password=PASSWORD,
        language="en",
    )
    progress = page.get_by_role("region", name=school.name)
    expect(progress.get_by_text("families booked")).to_be_visible()
    progress.get_by_role("link", name="3 requests waiting").click()
    loaded(page)

    assert f"event={school.pk}" in page.url and "status=pending" in page.url
    for child in CHILDREN:
        expect(page.get_by_role("row").filter(has_text=child)).to_have_count(1)
