"""Accessibility in Chromium: every page of every role, in German, English and Russian, on a
phone and on a desktop, is in the chosen language and does not scroll sideways on the phone;
axe-core finds nothing serious in any language, on the phone in German and Russian and on the
desktop in English (one run per page and language keeps the sweep at a minute). With
SCREENSHOTS=1 a screenshot of each lands in
VAR_DIR/screenshots/<role>/<page>-<language>-<size>.png for review. A parent books with the
keyboard alone; the core flows work with JavaScript switched off.

One small school is built per test (an office, two teachers of class 7a, a parent of a
pupil in 7a with one appointment, an open evening with free times); each role's pages are
checked in one browser context.
"""

import os
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse

from rendezvous.accounts.models import Role, User
from rendezvous.accounts.tests.factories import PASSWORD, ParentFactory, UserFactory
from rendezvous.bookings.models import Booking
from rendezvous.bookings.services import book_slot
from rendezvous.bookings.services.booking_mails import send_booker_mails
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.scheduling.models import Event
from rendezvous.scheduling.services import create_slot
from rendezvous.scheduling.tests.factories import EventFactory
from rendezvous.school.models import SchoolClass
from rendezvous.school.tests.factories import (
    DepartmentFactory,
    GuardianshipFactory,
    PupilFactory,
    SchoolClassFactory,
)
from tests.e2e.browser import TIMEOUT_MS, expect, loaded, sign_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SERIOUS = {"serious", "critical"}
PARENT_CODE = "48213"
CLASS_TEACHER = "Karin Schmidt"
SUBJECT_TEACHER = "Paul Weber"
CHILD = "Mia Becker"
BAD_ROSTER = b"class;pupil_first_name\r\n7a;Mia\r\n"


@dataclass
class School:
    office: User
    class_teacher: User
    subject_teacher: User
    parent: User
    school_class: SchoolClass
    event: Event
    booking: Booking


def _slots(teacher, event, start_hour):
    first = datetime.combine(event.starts_on, time(start_hour), tzinfo=event.organisation.tz)
    return [
        create_slot(
            host=teacher,
            event=event,
            starts_at=first + timedelta(minutes=10 * number),
            ends_at=first + timedelta(minutes=10 * (number + 1)),
            room=f"R {100 + number}",
        )
        for number in range(4)
    ]


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
    subject_teacher = UserFactory(
        organisation=organisation,
        email="p.weber@example.org",
        first_name="Paul",
        last_name="Weber",
    )
    department = DepartmentFactory(organisation=organisation, name="Unterstufe")
    school_class = SchoolClassFactory(organisation=organisation, department=department, name="7a")
    school_class.class_teachers.add(class_teacher)
    school_class.subject_teachers.add(subject_teacher)
    parent = ParentFactory(
        organisation=organisation,
        email="parent@example.org",
        login_code=PARENT_CODE,
        first_name="Anna",
        last_name="Becker",
    )
    pupil = PupilFactory(
        organisation=organisation, school_class=school_class, first_name="Mia", last_name="Becker"
    )
    GuardianshipFactory(pupil=pupil, parent=parent)
    event = EventFactory(organisation=organisation, name="Elternsprechtag")
    event.classes.add(school_class)
    booked = _slots(class_teacher, event, 16)[1]
    _slots(subject_teacher, event, 17)
    booking = book_slot(booker=parent, slot=booked, pupil=pupil)
    send_booker_mails()  # the parent's mail, which the office's outbox shows
    return School(office, class_teacher, subject_teacher, parent, school_class, event, booking)


# Each page: (name, how to get there from the signed-in page). A `go` takes the page, the live
# server's address, the school and a temporary directory.


def visit(url_name, *args, status=200):
    def go(page, base, school, tmp_path):
        resolved = [arg(school) if callable(arg) else arg for arg in args]
        response = page.goto(base + reverse(url_name, args=resolved))
        assert response.status == status, f"{response.url} answered {response.status}"

    return go


def visit_path(path, *, status):
    def go(page, base, school, tmp_path):
        response = page.goto(base + path)
        assert response.status == status, f"{response.url} answered {response.status}"

    return go


def feed_started(page, base, school, tmp_path):
    """The calendar subscription page with the person's feed address shown."""
    page.goto(base + reverse("calendar-feed-page"))
    start = page.locator("main button[value=renew]:not(.secondary)")
    if start.count():
        start.click()
    expect(page.locator("#feed-url")).to_be_visible()


def token_made(page, base, school, tmp_path):
    """The tokens page just after making one, which it shows this once."""
    page.goto(base + reverse("access-tokens"))
    page.fill("#id_name", "Stundenplan")
    page.locator("main form.form button[type=submit]").click()
    expect(page.locator("#token-value")).to_be_visible()


def booking_page_with_offers_open(page, base, school, tmp_path):
    page.goto(base + reverse("bookings:parent-home"))
    for summary in page.locator("main summary").all():
        summary.click()
    expect(page.locator("main details[open]").first).to_be_visible()


def calendar(view):
    def go(page, base, school, tmp_path):
        day = school.event.starts_on.isoformat()
        page.goto(f"{base}{reverse('bookings:teacher-calendar')}?date={day}&view={view}")
        expect(page.locator("main")).to_contain_text(CHILD.split()[0])  # the booking

    return go


def calendar_month(page, base, school, tmp_path):
    day = school.event.starts_on.isoformat()
    page.goto(f"{base}{reverse('bookings:teacher-calendar')}?date={day}&view=month")
    expect(page.locator("main .cal-month")).to_be_visible()


def bulk_preview(window_start, window_end):
    """The bulk form filled in for the event's day and previewed."""

    def go(page, base, school, tmp_path):
        page.goto(base + reverse("scheduling:slot-generate"))
        page.locator(f"input[name=weekdays][value='{school.event.starts_on.weekday()}']").check()
        page.locator("input[name=window_start]").fill(window_start)
        page.locator("input[name=window_end]").fill(window_end)
        page.locator("button[name=preview]").click()
        loaded(page)
        expect(
            page.locator("form input[name=confirm], form button[name=confirm]")
            .or_(page.locator(".message.error"))
            .first
        ).to_be_attached()

    return go


def roster_rejected(page, base, school, tmp_path):
    page.goto(base + reverse("office:roster-import"))
    roster = tmp_path / "bad.csv"
    roster.write_bytes(BAD_ROSTER)
    page.locator("input[type=file]").set_input_files(roster)
    page.locator("main form[enctype] button[type=submit]").first.click()
    loaded(page)
    expect(page.get_by_role("alert")).to_be_visible()


def password_reset_link(valid):
    """The link of a password reset mail: a valid one (the new password form) or a used one."""

    def go(page, base, school, tmp_path):
        user = school.class_teacher
        key = default_token_generator.make_token(user) if valid else "used-key"
        kwargs = {"uidb36": user_pk_to_url_str(user), "key": key}
        response = page.goto(base + reverse("account_reset_password_from_key", kwargs=kwargs))
        assert response.ok, f"{response.url} answered {response.status}"

    return go


def first_email(school):
    return OutgoingEmail.objects.filter(organisation=school.office.organisation).first().pk


NOT_FOUND = ("page not found", visit_path("/no-such-page/", status=404))
PASSWORD_CHANGE = ("password change", visit("account_change_password"))
SIGN_OUT = ("sign-out page", visit("account_logout"))
PAGES = {
    None: [
        ("sign-in page", visit("account_login")),
        ("password reset page", visit("account_reset_password")),
        ("password reset sent", visit("account_reset_password_done")),
        ("new password form", password_reset_link(valid=True)),
        ("used password link", password_reset_link(valid=False)),
        ("password changed", visit("account_reset_password_from_key_done")),
        ("deactivated account", visit("account_inactive")),
        ("sign-up closed", visit("account_signup")),
        NOT_FOUND,
    ],
    "parent": [
        ("booking page, a teacher's times open", booking_page_with_offers_open),
        ("my appointments", visit("bookings:parent-appointments")),
        ("family plan", visit("bookings:parent-plan")),
        ("calendar subscription", feed_started),
        ("API tokens, one just made", token_made),
        ("move page", visit("bookings:parent-booking-move", lambda s: s.booking.pk)),
        ("cancel page", visit("bookings:parent-booking-cancel", lambda s: s.booking.pk)),
        PASSWORD_CHANGE,
        SIGN_OUT,
        NOT_FOUND,
    ],
    "class_teacher": [
        ("today", visit("bookings:teacher-home")),
        ("calendar, week", calendar("week")),
        ("calendar, day", calendar("day")),
        ("calendar, month", calendar_month),
        ("reject page", visit("bookings:booking-reject", lambda s: s.booking.pk)),
        ("cancel page", visit("bookings:booking-cancel", lambda s: s.booking.pk)),
        ("new slot form", visit("scheduling:slot-create")),
        ("slot edit form", visit("bookings:slot-edit", lambda s: s.booking.slot_id)),
        ("bulk slot form", visit("scheduling:slot-generate")),
        ("bulk slot preview", bulk_preview("18:00", "18:30")),
        ("bulk slot preview with clashes", bulk_preview("16:00", "16:30")),
        ("account", visit("account_email")),
        ("calendar subscription", feed_started),
        ("API tokens, one just made", token_made),
        PASSWORD_CHANGE,
        ("not allowed", visit("office:dashboard", status=403)),
    ],
    "office": [
        ("dashboard", visit("office:dashboard")),
        ("departments", visit("office:departments")),
        ("new department form", visit("office:department-create")),
        ("classes", visit("office:classes")),
        ("class form", visit("office:class-edit", lambda s: s.school_class.pk)),
        ("pupils", visit("office:pupils")),
        ("parents", visit("office:parents")),
        ("roster import", visit("office:roster-import")),
        ("roster import, rejected file", roster_rejected),
        ("parents' sign-in", visit("office:credentials")),
        ("staff list", visit("office:users")),
        ("new staff form", visit("office:user-create")),
        ("staff form", visit("office:user-edit", lambda s: s.class_teacher.pk)),
        ("staff delete", visit("office:user-delete", lambda s: s.class_teacher.pk)),
        ("events", visit("office:events")),
        ("event detail", visit("office:event-detail", lambda s: s.event.pk)),
        ("event calendar", visit("office:event-calendar", lambda s: s.event.pk)),
        ("event form", visit("office:event-edit", lambda s: s.event.pk)),
        ("appointments overview", visit("office:appointments")),
        ("appointment move", visit("office:appointment-move", lambda s: s.booking.pk)),
        ("appointment cancel", visit("office:appointment-cancel", lambda s: s.booking.pk)),
        ("emails", visit("office:emails")),
        ("reports", visit("office:reports")),
        ("API tokens", visit("access-tokens")),
        ("settings", visit("office:settings")),
        ("email", visit("office:email-detail", first_email)),
        ("account", visit("account_email")),
        PASSWORD_CHANGE,
    ],
}
LOGINS = {
    "parent": PARENT_CODE,
    "class_teacher": "k.schmidt@example.org",
    "office": "office@example.org",
}
LANGUAGES = ["de", "en", "ru"]
SIZES = {"phone": PHONE, "desktop": DESKTOP}
AXE_SIZE = {"de": "phone", "en": "desktop", "ru": "phone"}


def serious_findings(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def sideways_scroll(page) -> list[str]:
    """On a phone nothing may scroll sideways: tables become cards, long words wrap."""
    width, viewport = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    return [f"the page scrolls sideways: {width}px on {viewport}px"] if width > viewport else []


def wrong_language(page, language) -> list[str]:
    found = page.locator("html").get_attribute("lang")
    return [] if found == language else [f"the page is in {found!r}, not {language!r}"]


def open_page(page, base, school, tmp_path, go):
    go(page, base, school, tmp_path)
    loaded(page)


def speak(context, base, school, role, language):
    """Switch the pages to `language`: the person's setting, or the language cookie."""
    if role is not None:
        User.objects.filter(email=LOGINS[role]).update(language=language)
        User.objects.filter(login_code=LOGINS[role]).update(language=language)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])


def screenshot(page, role, name, language, size) -> None:
    if not os.environ.get("SCREENSHOTS"):
        return
    folder = Path(settings.VAR_DIR) / "screenshots" / (role or "signed-out")
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    page.screenshot(path=folder / f"{slug}-{language}-{size}.png", full_page=True)


@pytest.mark.slow
@pytest.mark.sweep
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(PAGES), ids=lambda role: role or "signed-out")
def test_every_page_is_accessible_in_every_language_and_size(
    live_server, new_page, school, tmp_path, role
):
    """Each role's pages in German, English and Russian, on a phone and a desktop: nothing
    serious for axe (once per language), no sideways scrolling on the phone, the page in the
    chosen language."""
    page = new_page(locale="en-GB", **DESKTOP)
    base = live_server.url
    if role is not None:
        sign_in(
            page,
            base + reverse("account_login"),
            login=LOGINS[role],
            password=PASSWORD,
            language="en",
        )
    findings = {}
    for language in LANGUAGES:
        speak(page.context, base, school, role, language)
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            for name, go in PAGES[role]:
                open_page(page, base, school, tmp_path, go)
                assert role is None or "/accounts/login" not in page.url, f"{name}: signed out"
                problems = wrong_language(page, language)
                if AXE_SIZE[language] == size:
                    problems += serious_findings(page)
                if size == "phone":
                    problems += sideways_scroll(page)
                screenshot(page, role, name, language, size)
                if problems:
                    findings[f"{name}, {language}, {size} ({page.url.removeprefix(base)})"] = (
                        problems
                    )
    report = "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in findings.items())
    assert not findings, f"accessibility findings:\n{report}"


# Keyboard only.


def assert_focus_visible(page) -> None:
    """The focused element is on screen and drawn with a focus ring (outline or shadow), on
    itself or on a part of it (a <summary> may ring its button-like part)."""
    state = page.evaluate(
        """() => {
            const element = document.activeElement;
            const box = element.getBoundingClientRect();
            const ringed = [element, ...element.querySelectorAll("*")].some((part) => {
                const style = getComputedStyle(part);
                return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
                    || style.boxShadow !== "none";
            });
            return {
                element: element.outerHTML.slice(0, 120),
                ringed: ringed,
                onScreen: box.width > 0 && box.height > 0 && box.bottom > 0
                    && box.right > 0 && box.left < innerWidth && box.top < innerHeight,
            };
        }"""
    )
    assert state["onScreen"], f"the focused element is off screen: {state['element']}"
    assert state["ringed"], f"no focus ring on {state['element']}"


def tab_to(page, target, *, limit=30) -> int:
    """Press Tab until `target` has the focus; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            assert_focus_visible(page)
            return presses
    raise AssertionError(f"{target} never got the focus in {limit} Tab presses")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_parent_books_with_the_keyboard_alone(live_server, new_page, school):
    page = new_page(locale="en-GB", **DESKTOP)
    page.goto(live_server.url + reverse("account_login"))
    loaded(page)
    login = page.get_by_label("Email or parent code")
    expect(login).to_be_focused()  # autofocus: a parent can type at once
    page.keyboard.type(PARENT_CODE)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.type(PASSWORD)
    tab_to(page, page.get_by_role("button", name="Sign in", exact=True))
    page.keyboard.press("Enter")
    page.wait_for_url(lambda address: "/accounts/login" not in address)
    loaded(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Book appointments")

    # The first Tab stop skips the header and navigation.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    offer = page.locator("main details").filter(has_text=SUBJECT_TEACHER)
    summary = offer.locator("summary")
    assert tab_to(page, summary) <= 3, "Tab went through more than the class teacher's offer"
    page.keyboard.press("Enter")
    expect(offer).to_have_attribute("open", "")
    first_time = offer.get_by_role("radio").first
    page.keyboard.press("Tab")
    expect(first_time).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Space")
    expect(first_time).to_be_checked()
    book = offer.get_by_role("button", name=f"book with {SUBJECT_TEACHER} for Mia").first
    page.keyboard.press("Tab")
    expect(book).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda address: address.endswith(reverse("bookings:parent-appointments")))
    loaded(page)
    expect(badge_of(page, SUBJECT_TEACHER)).to_have_text("Pending")


# Without JavaScript.


@pytest.fixture
def page_without_javascript(chromium):
    contexts = []

    def open_page():
        context = chromium.new_context(java_script_enabled=False, locale="en-GB", viewport=PHONE)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def row_of(page, text):
    return page.get_by_role("row").filter(has_text=text)


def badge_of(page, text):
    """The status badge in the table row that mentions `text`."""
    return row_of(page, text).locator(".badge, .status")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_core_flows_work_without_javascript(live_server, page_without_javascript, school):
    base = live_server.url
    page = page_without_javascript()
    page.goto(base + reverse("account_login"))
    assert page.evaluate("() => typeof window.htmx") == "undefined"  # the page ran no script
    sign_in(
        page, base + reverse("account_login"), login=PARENT_CODE, password=PASSWORD, language="en"
    )

    # Book: open the teacher's times (a native <details>), choose the first and book it.
    offer = page.locator("main details").filter(has_text=SUBJECT_TEACHER)
    offer.locator("summary").click()
    offer.get_by_role("radio").first.check()
    offer.get_by_role("button", name=f"book with {SUBJECT_TEACHER} for Mia").first.click()
    loaded(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("My appointments")
    expect(badge_of(page, SUBJECT_TEACHER)).to_have_text("Pending")

    # Cancel it.
    row_of(page, SUBJECT_TEACHER).get_by_role("link", name="Cancel").click()
    loaded(page)
    page.get_by_role("button", name="Cancel appointment").click()
    loaded(page)
    expect(page.get_by_role("status")).to_have_text("Your appointment has been cancelled.")
    expect(badge_of(page, SUBJECT_TEACHER)).to_have_text("Cancelled")

    # Move the class teacher's appointment to another time.
    row_of(page, CLASS_TEACHER).get_by_role("link", name="Move").click()
    loaded(page)
    page.get_by_role("button", name="move here").first.click()
    loaded(page)
    expect(badge_of(page, CLASS_TEACHER)).to_have_text("Pending")
    school.booking.refresh_from_db()
    assert school.booking.slot.starts_at.minute == 0  # the first free time, 16:00

    # The teacher confirms it.
    teacher = page_without_javascript()
    sign_in(
        teacher,
        base + reverse("account_login"),
        login="k.schmidt@example.org",
        password=PASSWORD,
        language="en",
    )
    teacher.goto(
        f"{base}{reverse('bookings:teacher-calendar')}?date="
        f"{school.event.starts_on.isoformat()}&view=day"
    )
    row_of(teacher, CHILD).get_by_role("button", name="Confirm").click()
    loaded(teacher)
    expect(teacher.get_by_role("status")).to_have_text("The appointment is confirmed.")
    expect(badge_of(teacher, CHILD)).to_have_text("Confirmed")
    school.booking.refresh_from_db()
    assert school.booking.status == "confirmed"
