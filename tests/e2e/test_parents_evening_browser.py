"""The whole parents' evening in Chromium, as the people involved would do it (issue 2).

The office imports a roster (a Windows-1252 file as German Excel saves it) and sends the
parents their credentials; the worker issues them and delivers them to a real SMTP server; a
German-speaking parent signs in with the code and password from that email and books a slot
for each of two children, a Russian-speaking parent books one; the teacher confirms and rejects
in the calendar; the worker delivers the outcomes; the parents see them, each in their language.

Only the school itself (organisation, office, teacher, classes, an open event and the
teacher's slots) is set up directly; everything else goes through the pages.
"""

import re
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse

from rendezvous.accounts.models import Role
from rendezvous.accounts.tests.factories import UserFactory
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.scheduling.services import create_slot
from rendezvous.scheduling.tests.factories import EventFactory
from rendezvous.school.tests.factories import DepartmentFactory, SchoolClassFactory
from tests.e2e.browser import (
    CYRILLIC,
    assert_no_horizontal_scroll,
    expect,
    loaded,
    sign_in,
    status_of,
    subject_of,
    t,
    text_of,
    tn,
    translated,
    value_after,
    worker_round,
)

OFFICE_PASSWORD = "office-Secret-2024"
TEACHER_PASSWORD = "teacher-Secret-2024"
TEACHER = "Karin Schmidt"
GERMAN_PARENT = ("Sabine Müller", "sabine.mueller@example.org")
RUSSIAN_PARENT = ("Olga Iwanowa", "olga.iwanowa@example.org")

# One parent with two children in two classes (German), one with one child (Russian).
ROSTER = (
    "class;pupil_first_name;pupil_last_name;parent_first_name;parent_last_name;parent_email;"
    "parent_language\r\n"
    "5a;Jonas;Müller;Sabine;Müller;sabine.mueller@example.org;de\r\n"
    "7b;Lena;Müller;Sabine;Müller;sabine.mueller@example.org;de\r\n"
    "7b;Dmitri;Iwanow;Olga;Iwanowa;olga.iwanowa@example.org;ru\r\n"
)

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def school(db):
    """A school with its office, one teacher (class teacher of 5a and 7b) and an open evening
    with four of the teacher's ten-minute slots."""
    organisation = OrganisationFactory(name="Goethe-Gymnasium", slug="goethe")
    office = UserFactory(
        organisation=organisation, role=Role.ADMIN, email="office@example.org", language="de"
    )
    office.set_password(OFFICE_PASSWORD)
    office.save()
    teacher = UserFactory(
        organisation=organisation,
        role=Role.TEACHER,
        email="k.schmidt@example.org",
        first_name="Karin",
        last_name="Schmidt",
        language="en",
    )
    teacher.set_password(TEACHER_PASSWORD)
    teacher.save()
    department = DepartmentFactory(organisation=organisation, name="Unterstufe")
    event = EventFactory(organisation=organisation, name="Elternsprechtag")
    for name in ("5a", "7b"):
        school_class = SchoolClassFactory(
            organisation=organisation, department=department, name=name
        )
        school_class.class_teachers.add(teacher)
        event.classes.add(school_class)
    first = datetime.combine(event.starts_on, time(16), tzinfo=organisation.tz)
    for number in range(4):
        starts_at = first + timedelta(minutes=10 * number)
        create_slot(
            host=teacher,
            event=event,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=10),
            room="R 101",
        )
    return event


def office_imports_the_roster(page, live_server, tmp_path):
    de = "de"
    sign_in(
        page,
        live_server.url + reverse("account_login"),
        login="office@example.org",
        password=OFFICE_PASSWORD,
        language=de,
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(t(de, "Office"))
    page.get_by_role("link", name=t(de, "Import a class list (CSV)")).click()
    loaded(page)

    roster = tmp_path / "klasse.csv"
    roster.write_bytes(ROSTER.encode("cp1252"))
    page.get_by_label(t(de, "CSV file")).set_input_files(roster)
    page.get_by_role("button", name=t(de, "Import"), exact=True).click()
    loaded(page)

    expect(page.get_by_role("heading", name=t(de, "The file has been imported."))).to_be_visible()
    counts = {
        label: page.get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name=t(de, label), exact=True))
        .get_by_role("cell")
        .all_inner_texts()
        for label in ("Classes", "Pupils", "Parents", "Parent–child links")
    }
    assert counts == {  # new, already there
        "Classes": ["0", "2"],
        "Pupils": ["3", "0"],
        "Parents": ["2", "0"],
        "Parent–child links": ["3", "0"],
    }


def office_sends_credentials(page):
    de = "de"
    main_nav = page.get_by_role("navigation", name=t(de, "Main"))
    main_nav.get_by_role("link", name=t(de, "Office"), exact=True).click()
    loaded(page)
    page.get_by_role(
        "link", name=t(de, "Parent logins: send credentials and print letters")
    ).click()
    loaded(page)
    # The labels carry the decoded names: the Windows-1252 file's umlauts arrived intact.
    for name, _address in (GERMAN_PARENT, RUSSIAN_PARENT):
        page.get_by_label(t(de, "Select %(name)s") % {"name": name}).check()
    page.get_by_role("button", name=t(de, "Send credentials to the ticked parents")).click()
    loaded(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(t(de, "Credentials sent"))
    being_sent = tn(
        de,
        "Credentials for %(count)d parent are being sent by email; this takes a few minutes.",
        "Credentials for %(count)d parents are being sent by email; this takes a few minutes.",
        2,
    )
    expect(page.get_by_role("status")).to_have_text(being_sent)
    expect(page.get_by_text(t(de, "There are no letters to print."))).to_be_visible()
    page.get_by_role("link", name=t(de, "Back to the parents")).click()
    loaded(page)
    for name, _address in (GERMAN_PARENT, RUSSIAN_PARENT):
        expect(status_of(page, name)).to_have_text(t(de, "Being sent"))


def credentials_from_mail(smtp_server, address, language, problems):
    """(sign-in address, login code, password) from the parent's email, in their language."""
    (mail,) = smtp_server.messages_to(address)
    text = text_of(mail)
    code = value_after(text, t(language, "Login code"))
    password = value_after(text, t(language, "Password"))
    url = value_after(text, t(language, "Sign-in address"))
    assert code.isdigit() and len(code) == 5
    check_language(problems, language, text, "Login code")
    subject = "%(school)s: your sign-in for parents' appointments"
    check_language(problems, language, subject_of(mail), subject, school="Goethe-Gymnasium")
    if language == "de":
        if "Passwort" not in text:
            problems.append(f"the German credentials email does not say 'Passwort':\n{text}")
    elif not CYRILLIC.search(subject_of(mail)):
        problems.append(
            f"the Russian credentials email's subject is not Russian: {mail['Subject']}"
        )
    return url, code, password


REJECTION_NOTE = "I am away that evening; please ask for a phone call."


def check_language(problems, language, text, msgid, **params):
    """Softly: the text carries the translation of msgid (collected, asserted at the end, so a
    missing catalogue does not hide the rest of the evening)."""
    try:
        expected = translated(language, msgid) % params if params else translated(language, msgid)
    except AssertionError as error:
        problems.append(str(error))
        return
    if expected not in text:
        problems.append(f"{language}: {expected!r} (for {msgid!r}) not in {text!r}")


def book_first_free_time(page, language, child_first_name):
    """Open every teacher's times on the booking page and take the first one for the child."""
    menu = page.locator("details.site-menu > summary")  # on a phone the navigation folds
    if menu.is_visible():
        menu.click()
    nav = page.get_by_role("navigation", name=t(language, "Main"))
    nav.get_by_role("link", name=t(language, "Book appointments")).click()
    loaded(page)
    for summary in page.locator("main summary").all():
        summary.click()
    assert_no_horizontal_scroll(page)
    name = t(language, "book with %(teacher)s for %(child)s") % {
        "teacher": TEACHER,
        "child": child_first_name,
    }
    form = page.locator("form.offer-form").filter(has=page.get_by_role("button", name=name)).first
    form.locator("label.time").first.click()
    form.get_by_role("button", name=name).click()
    loaded(page)
    expect(page).to_have_url(re.compile(re.escape(reverse("bookings:parent-appointments")) + "$"))


def parent_signs_in_and_books(new_page, url, code, password, *, locale, children):
    language = locale[:2]
    page = new_page(locale=locale)
    sign_in(page, url, login=code, password=password, language=language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Book appointments"))
    for child in children:
        expect(page.get_by_role("heading", level=3, name=child)).to_be_visible()
    for child in children:
        book_first_free_time(page, language, child.split()[0])
        expect(page.get_by_role("status")).to_be_visible()  # "your request has been sent"
    for child in children:
        expect(status_of(page, child)).to_have_text(t(language, "Pending"))
    return page


def teacher_decides(new_page, live_server, decisions):
    """The teacher lands on Today and answers the requests there: a confirmation at once, a
    rejection after its own page, with a message for the parent."""
    page = new_page(locale="en-GB", **DESKTOP)
    sign_in(
        page,
        live_server.url + reverse("account_login"),
        login="k.schmidt@example.org",
        password=TEACHER_PASSWORD,
        language="en",
    )
    expect(page.get_by_role("heading", level=2, name="Requests to answer")).to_be_visible()
    for child, decision in decisions.items():
        request = page.locator("li.request").filter(has_text=child)
        if decision == "Confirm":
            request.get_by_role("button", name="Confirm").click()
            loaded(page)
            expect(page.get_by_role("status")).to_have_text("The appointment is confirmed.")
        else:
            request.get_by_role("link", name="Reject").click()
            loaded(page)
            page.get_by_label("Message to the parent (optional)").fill(REJECTION_NOTE)
            page.get_by_role("button", name="Reject request").click()
            loaded(page)
            expect(page.get_by_role("status")).to_have_text(
                "The request is rejected and the parent has been told."
            )
        expect(page.locator("li.request").filter(has_text=child)).to_have_count(0)


def outcome_mails(smtp_server, address, language, expected, problems):
    """Each expected subject (msgid) arrived in one mail, with the .ics of the appointment."""
    subjects = [subject_of(mail) for mail in smtp_server.messages_to(address)]
    for msgid in expected:
        matching = [s for s in subjects if s.startswith(t(language, msgid))]
        assert len(matching) == 1, f"{msgid!r} in {subjects}"
        check_language(problems, language, matching[0], msgid)
    confirmed = [
        mail
        for mail in smtp_server.messages_to(address)
        if subject_of(mail).startswith(t(language, "Appointment confirmed"))
    ]
    assert any(part.get_content_type() == "text/calendar" for part in confirmed[0].walk())


def parent_sees(page, language, outcomes, problems):
    menu = page.locator("details.site-menu > summary")  # on a phone the navigation folds
    if menu.is_visible():
        menu.click()
    nav = page.get_by_role("navigation", name=t(language, "Main"))
    nav.get_by_role("link", name=t(language, "My appointments")).click()
    loaded(page)
    for child, msgid in outcomes.items():
        badge = status_of(page, child)
        expect(badge).to_have_text(t(language, msgid))
        check_language(problems, language, badge.inner_text(), msgid)
    assert_no_horizontal_scroll(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_parents_evening_from_roster_to_confirmed_appointments(
    live_server, new_page, smtp_server, settings, tmp_path, school
):
    settings.SITE_URL = live_server.url  # the sign-in link in the emails leads to this server
    problems: list[str] = []

    office = new_page(locale="de-DE", **DESKTOP)
    office_imports_the_roster(office, live_server, tmp_path)
    office_sends_credentials(office)

    assert worker_round() == (2, 0)  # the worker issues the emailed credentials and sends them
    german = credentials_from_mail(smtp_server, GERMAN_PARENT[1], "de", problems)
    russian = credentials_from_mail(smtp_server, RUSSIAN_PARENT[1], "ru", problems)
    assert german[0] == russian[0] == live_server.url + reverse("account_login")

    german_page = parent_signs_in_and_books(
        new_page, *german, locale="de-DE", children=["Jonas Müller", "Lena Müller"]
    )
    russian_page = parent_signs_in_and_books(
        new_page, *russian, locale="ru-RU", children=["Dmitri Iwanow"]
    )
    # The worker's round: the parents' three "request received" (the test teacher chose to
    # hear of no request).
    assert worker_round() == (3, 0)

    decisions = {"Jonas Müller": "Confirm", "Lena Müller": "Reject", "Dmitri Iwanow": "Confirm"}
    teacher_decides(new_page, live_server, decisions)

    assert worker_round() == (3, 0)  # the three outcomes
    outcome_mails(
        smtp_server,
        GERMAN_PARENT[1],
        "de",
        ["Appointment confirmed", "Appointment not possible"],
        problems,
    )
    outcome_mails(smtp_server, RUSSIAN_PARENT[1], "ru", ["Appointment confirmed"], problems)

    parent_sees(
        german_page, "de", {"Jonas Müller": "Confirmed", "Lena Müller": "Rejected"}, problems
    )
    parent_sees(russian_page, "ru", {"Dmitri Iwanow": "Confirmed"}, problems)
    assert problems == [], "\n".join(problems)
