"""The office's forms in a school of a thousand pupils, in Chromium: a child is linked to a
parent by typing part of a name, with JavaScript (htmx asks as one types) and without it (the
"Search" button); "Select all" ticks a class's teachers; the parents' sign-in page ticks a
page of parents at once and prints letters with a QR code."""

import pytest
from django.urls import reverse

from rendezvous.accounts.models import Role, User
from rendezvous.accounts.tests.factories import PASSWORD, ParentFactory, UserFactory
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.school.models import Pupil
from rendezvous.school.tests.factories import (
    DepartmentFactory,
    GuardianshipFactory,
    SchoolClassFactory,
)
from tests.e2e.browser import TIMEOUT_MS, assert_no_horizontal_scroll, expect, loaded, sign_in

PUPILS = 1000
FIRST_NAMES = ["Anna", "Ben", "Clara", "David", "Emma", "Finn", "Greta", "Hugo", "Ida", "Jonas"]
LAST_NAMES = ["Becker", "Fischer", "Hoffmann", "Koch", "Meyer", "Richter", "Wagner", "Weber"]
DESKTOP = {"width": 1280, "height": 900}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def big_school(db):
    """A thousand pupils in forty classes, the office, and two teachers. Two pupils have
    names nobody else has, so that a search finds exactly them."""
    organisation = OrganisationFactory(name="Goethe-Gymnasium", slug="goethe", language="en")
    office = UserFactory(
        organisation=organisation, role=Role.ADMIN, email="office@example.org", language="en"
    )
    department = DepartmentFactory(organisation=organisation, name="Mittelstufe")
    classes = [
        SchoolClassFactory(
            organisation=organisation, department=department, name=f"{5 + n // 4}{'abcd'[n % 4]}"
        )
        for n in range(40)
    ]
    Pupil.objects.bulk_create(
        Pupil(
            organisation=organisation,
            school_class=classes[number % len(classes)],
            first_name=FIRST_NAMES[number % len(FIRST_NAMES)],
            last_name=f"{LAST_NAMES[number % len(LAST_NAMES)]}{number}",
        )
        for number in range(PUPILS - 2)
    )
    mia = Pupil.objects.create(
        organisation=organisation,
        school_class=classes[9],
        first_name="Mia",
        last_name="Quastenberg",
    )
    ole = Pupil.objects.create(
        organisation=organisation,
        school_class=classes[30],
        first_name="Ole",
        last_name="Quastenberg",
    )
    teachers = [
        UserFactory(organisation=organisation, role=Role.TEACHER, last_name=name)
        for name in ("Schwarz", "Schäfer")
    ]
    return {"office": office, "mia": mia, "ole": ole, "classes": classes, "teachers": teachers}


def office_page(page, live_server, url: str):
    sign_in(
        page,
        live_server.url + reverse("account_login"),
        login="office@example.org",
        password=PASSWORD,
        language="en",
    )
    page.goto(live_server.url + url)
    return loaded(page)


def no_script_page(chromium):
    """A desk-sized browser with JavaScript switched off, as some schools' browsers are."""
    context = chromium.new_context(locale="en-GB", viewport=DESKTOP, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def test_the_office_links_two_children_to_a_new_parent_by_typing(
    live_server, new_page, big_school
):
    assert Pupil.objects.count() == PUPILS
    page = office_page(
        new_page(locale="en-GB", **DESKTOP), live_server, reverse("office:parent-create")
    )
    page.get_by_label("First name").fill("Sabine")
    page.get_by_label("Last name").fill("Quastenberg")

    search = page.get_by_label("Find a pupil")
    search.press_sequentially("quasten", delay=30)
    results = page.locator("#picker-results")
    expect(results.get_by_role("checkbox")).to_have_count(2)
    expect(results).to_contain_text("2 pupils found")
    results.get_by_label("Quastenberg, Mia").check()

    # A second search replaces the matches; the ticked child stays chosen.
    search.fill("")
    search.press_sequentially("ole 12", delay=30)
    expect(results.get_by_role("checkbox")).to_have_count(1)
    results.get_by_label("Quastenberg, Ole").check()
    search.fill("becker")  # many matches: never more than twenty are shown
    expect(results.get_by_role("checkbox")).to_have_count(20)
    expect(page.locator("[data-picker-chosen]").get_by_role("checkbox")).to_have_count(2)

    page.get_by_label("First name").press("Enter")  # Enter saves, as in any form
    loaded(page)
    expect(page.get_by_role("status")).to_contain_text("The parent has been added.")
    sabine = User.objects.get(first_name="Sabine")
    assert set(sabine.children.all()) == {big_school["mia"], big_school["ole"]}


def test_the_office_links_a_child_without_javascript(live_server, chromium, big_school):
    context, page = no_script_page(chromium)
    try:
        office_page(page, live_server, reverse("office:parent-create"))
        page.get_by_label("First name").fill("Jens")
        page.get_by_label("Last name").fill("Quastenberg")
        page.get_by_label("Find a pupil").fill("mia quast")
        page.get_by_role("button", name="Search", exact=True).click()
        loaded(page)
        expect(page.get_by_label("First name")).to_have_value("Jens")  # nothing typed is lost
        expect(page.locator(".errorlist")).to_have_count(0)
        page.get_by_label("Quastenberg, Mia").check()
        page.get_by_role("button", name="Add the parent").click()
        loaded(page)
        expect(page.get_by_role("status")).to_contain_text("The parent has been added.")
    finally:
        context.close()
    assert list(User.objects.get(first_name="Jens").children.all()) == [big_school["mia"]]


def test_a_pupils_page_links_a_parent_found_by_name_with_and_without_javascript(
    live_server, new_page, chromium, big_school
):
    organisation = big_school["office"].organisation
    sabine = ParentFactory(organisation=organisation, first_name="Sabine", last_name="Quastenberg")
    jens = ParentFactory(organisation=organisation, first_name="Jens", last_name="Quastenberg")
    mia = big_school["mia"]
    url = reverse("office:pupil-edit", args=[mia.pk])

    page = office_page(new_page(locale="en-GB", **DESKTOP), live_server, url)
    page.get_by_label("Find a parent").press_sequentially("sabine", delay=30)
    page.get_by_role("button", name="Link Sabine Quastenberg").click()
    loaded(page)
    expect(page.get_by_role("status")).to_contain_text("Sabine Quastenberg is now linked")

    context, bare = no_script_page(chromium)
    try:
        office_page(bare, live_server, url)
        bare.get_by_label("Find a parent").fill("quastenberg")
        bare.get_by_role("button", name="Search", exact=True).click()
        loaded(bare)
        bare.get_by_role("button", name="Link Jens Quastenberg").click()
        loaded(bare)
    finally:
        context.close()
    assert set(mia.parents.all()) == {sabine, jens}


def test_select_all_ticks_a_classes_teachers(live_server, new_page, big_school):
    school_class = big_school["classes"][0]
    page = office_page(
        new_page(locale="en-GB", **DESKTOP),
        live_server,
        reverse("office:class-edit", args=[school_class.pk]),
    )
    group = page.get_by_role("group", name="Subject teachers")
    expect(group.get_by_role("button", name="Select all")).to_be_hidden()  # the no-JS way
    group.get_by_label("Select all").check()
    for box in group.get_by_role("checkbox").all():
        expect(box).to_be_checked()
    page.get_by_role("button", name="Save", exact=True).click()
    loaded(page)
    staff = {big_school["office"], *big_school["teachers"]}
    assert set(school_class.subject_teachers.all()) == staff


def test_select_all_ticks_a_classes_teachers_without_javascript(live_server, chromium, big_school):
    school_class = big_school["classes"][0]
    context, page = no_script_page(chromium)
    try:
        office_page(page, live_server, reverse("office:class-edit", args=[school_class.pk]))
        group = page.get_by_role("group", name="Class teachers")
        group.get_by_role("button", name="Select all").click()
        loaded(page)
        page.get_by_role("button", name="Save", exact=True).click()
        loaded(page)
    finally:
        context.close()
    staff = {big_school["office"], *big_school["teachers"]}
    assert set(school_class.class_teachers.all()) == staff


def test_the_sign_in_page_ticks_a_page_at_once_and_prints_letters(
    live_server, new_page, big_school
):
    organisation = big_school["office"].organisation
    school_class = big_school["classes"][9]
    for pupil in Pupil.objects.filter(school_class=school_class)[:3]:
        parent = ParentFactory(organisation=organisation, email="", login_code="")
        GuardianshipFactory(pupil=pupil, parent=parent)
    page = office_page(
        new_page(locale="en-GB", **DESKTOP),
        live_server,
        f"{reverse('office:credentials')}?school_class={school_class.pk}",
    )
    page.get_by_label("Select all parents on this page").check()
    expect(page.locator("input[name=parents]:checked")).to_have_count(3)
    page.get_by_role("button", name="Send credentials to the ticked parents").click()
    loaded(page)
    expect(page.locator(".letter")).to_have_count(3)
    expect(page.locator(".letter-qr img").first).to_be_visible()
    assert_no_horizontal_scroll(page)
