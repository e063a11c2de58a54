"""Stored markup and calendar syntax stay text in every mail.

Names, rooms, links and addresses are set to script and markup payloads (and calendar lines
after a line break) the way the forms, the class-list import or the Django admin can store
them; each mail is then queued through the real service. The HTML body must escape them (no
element or event handler from a payload), the plain text must show them as typed (not as
HTML entities), the subject must stay on one line, and the invitation (.ics) must parse with
exactly the properties the app writes. The browser test (tests/e2e/test_stored_xss_browser.py)
opens the same kind of mail in Chromium.
"""

import email
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email import policy
from html.parser import HTMLParser

import pytest
from icalendar import Calendar

from rendezvous.accounts.models import Role, User
from rendezvous.accounts.services import create_staff_user
from rendezvous.bookings.models import Booking
from rendezvous.bookings.services import (
    book_slot,
    cancel_booking,
    decide_booking,
    move_booking,
    notify_booker,
)
from rendezvous.bookings.services.booking_mails import send_booker_mails
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.notifications.services import build_message
from rendezvous.organisations.models import Organisation
from rendezvous.scheduling.models import Mode, Slot
from rendezvous.scheduling.tests.factories import SlotFactory
from rendezvous.school.credentials import send_parent_credentials
from rendezvous.school.models import Pupil, SchoolClass

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
JAVASCRIPT = "javascript:alert(3)"
SVG = "</textarea><svg onload=alert(4)>"
TEMPLATE = "{{7*7}}"
QUOTE = "'-alert(5)-'"
EVIL = "evil@example.org"
# A line break and a calendar property: in an .ics it must stay inside its own value.
ICS_LINE = f"\r\nATTENDEE:mailto:{EVIL}"

# What the office, the import or the admin can store (each value passes its form's checks).
ORGANISATION = f"Goethe {SCRIPT} {TEMPLATE}"
TEACHER_FIRST = f"Paul {IMG}"
TEACHER_LAST = f"Weber {SVG}{ICS_LINE}"
# Django accepts a quoted local part, which may hold markup.
TEACHER_EMAIL = '"<script>alert(1)</script>"@example.org'
STAFF_FIRST = f"Karin {QUOTE}"
STAFF_LAST = f"Schmidt {SCRIPT}"
STAFF_EMAIL = '"<svg/onload=alert(4)>"@example.org'
PARENT_FIRST = f"Anna {QUOTE}"
PARENT_LAST = f"Becker {TEMPLATE}{ICS_LINE}"
PARENT_EMAIL = '"<img/src=x/onerror=alert(2)>"@example.org'
PUPIL_FIRST = f"Mia {IMG}"
PUPIL_LAST = f"Becker {SVG}"
CLASS = f"7a {SCRIPT}"
ROOM = f"R 101 {SCRIPT} {QUOTE}{ICS_LINE}"
# The slot form's URL check lets quotes and angle brackets through after the host.
VIDEO = f"https://meet.example.org/?{IMG.replace(' ', '/')}{QUOTE}"
GUEST_NAME = f"Gast {SCRIPT}{ICS_LINE}"
GUEST_EMAIL = '"<script>alert(6)</script>"@example.org'
TEACHER = f"{TEACHER_FIRST} {TEACHER_LAST}"
PARENT = f"{PARENT_FIRST} {PARENT_LAST}"
PUPIL = f"{PUPIL_FIRST} {PUPIL_LAST}"

PAYLOAD_TAGS = {"script", "img", "svg", "textarea", "iframe", "object", "embed"}
ENTITY = re.compile(r"&(?:lt|gt|quot|amp|apos|#x?[0-9a-f]+);", re.IGNORECASE)
# The properties whose values carry a payload (a name or a place).
PAYLOAD_PROPERTIES = ("ATTENDEE;", "ORGANIZER;", "LOCATION:", "SUMMARY:")
# Everything invitation_ics writes, each once (BEGIN and END twice).
ICS_PROPERTIES = {
    "BEGIN": 2,
    "END": 2,
    "PRODID": 1,
    "VERSION": 1,
    "METHOD": 1,
    "UID": 1,
    "SEQUENCE": 1,
    "DTSTAMP": 1,
    "DTSTART": 1,
    "DTEND": 1,
    "SUMMARY": 1,
    "DESCRIPTION": 1,
    "LOCATION": 1,
    "STATUS": 1,
    "ORGANIZER": 1,
    "ATTENDEE": 1,
}


def squeeze(text: str) -> str:
    """Whitespace as a reader sees it: a line break in a name reads as a space."""
    return " ".join(text.split())


def one_line(value: str) -> str:
    """A value as an .ics gives it back: CR LF becomes LF."""
    return value.replace("\r\n", "\n")


class Markup(HTMLParser):
    """The elements, attributes and text of an HTML mail, as a mail client would parse it."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def markup_problems(html: str, shown: list[str]) -> list[str]:
    """What is wrong with an HTML body that should show `shown` as text and nothing more."""
    markup = Markup(html)
    problems = [f"a <{tag}> element" for tag in PAYLOAD_TAGS.intersection(markup.tags)]
    problems += [
        f"<{tag} {name}={value!r}>"
        for tag, name, value in markup.attributes
        if name.startswith("on")
        or (name in {"href", "src", "action"} and value.strip().lower().startswith("javascript:"))
    ]
    text = squeeze("".join(markup.text))
    problems += [
        f"{value!r} is not shown as text" for value in shown if squeeze(value) not in text
    ]
    return problems


def text_problems(text: str, shown: list[str]) -> list[str]:
    problems = [f"{value!r} is missing" for value in shown if squeeze(value) not in squeeze(text)]
    problems += [f"HTML entity {entity!r} in the text" for entity in ENTITY.findall(text)]
    return problems


def subject_problems(subject: str) -> list[str]:
    problems = [f"not one line: {subject!r}"] if re.search(r"[\r\n]", subject) else []
    return problems + [f"HTML entity {entity!r}" for entity in ENTITY.findall(subject)]


def ics_lines(ics: str) -> list[str]:
    unfolded = re.sub(r"\r?\n[ \t]", "", ics)
    return [line for line in re.split(r"\r?\n", unfolded) if line]


def ics_problems(ics: str, *, organizer: str, attendee: str | None, location: str) -> list[str]:
    """The .ics parses, has one event with only the app's own properties (each once), and the
    names and place come back exactly as stored. A download (METHOD:PUBLISH, attendee None)
    names no attendee."""
    lines = ics_lines(ics)
    names = [re.split(r"[;:]", line, maxsplit=1)[0].upper() for line in lines]
    problems = [
        f"{name} appears {names.count(name)} times"
        for name in sorted(set(names))
        if names.count(name) > ICS_PROPERTIES.get(name, 0)
    ]
    problems += [
        f"a line starts a new property: {line!r}"
        for line in lines
        if EVIL in line and not line.startswith(PAYLOAD_PROPERTIES)
    ]
    try:
        entries = Calendar.from_ical(ics).walk("VEVENT")
    except ValueError as error:
        return [*problems, f"does not parse: {error}"]
    if len(entries) != 1:
        return [*problems, f"{len(entries)} events"]
    entry = entries[0]
    wanted = {"ORGANIZER": organizer, "ATTENDEE": attendee}
    if attendee is None:
        del wanted["ATTENDEE"]
        if entry.get("ATTENDEE") is not None:
            problems.append("a downloaded file names an attendee")
    for name, person in wanted.items():
        address = entry.get(name)
        if address is None or isinstance(address, list):
            problems.append(f"{name} is {address!r}, not one address")
            continue
        if EVIL in str(address):
            problems.append(f"{EVIL} became the {name}")
        if str(address.params.get("CN")) != one_line(person):
            problems.append(f"{name} CN is {address.params.get('CN')!r}, not {one_line(person)!r}")
    if str(entry.get("location")) != one_line(location):
        problems.append(f"LOCATION is {entry.get('location')!r}, not {one_line(location)!r}")
    return problems


def mime_problems(mail: OutgoingEmail) -> list[str]:
    """The message the worker would send: one recipient, the subject on one line, the same
    invitation attached."""
    message = email.message_from_bytes(
        build_message(mail).message().as_bytes(), policy=policy.default
    )
    problems = []
    if len(message.get_all("To", [])) != 1:
        problems.append(f"To headers: {message.get_all('To')}")
    if str(message["Subject"]).strip() != mail.subject:
        problems.append(f"the subject header reads {str(message['Subject'])!r}")
    calendars = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    attached = [part.get_content().splitlines() for part in calendars]
    if mail.ics and attached != [mail.ics.splitlines()]:
        problems.append("the attached invitation differs from the stored one")
    return problems


@dataclass
class School:
    organisation: Organisation
    teacher: User
    parent: User
    pupil: Pupil
    school_class: SchoolClass
    slot: Slot
    online_slot: Slot


@pytest.fixture
def school(organisation, teacher, parent, pupil, school_class, event, slot):
    organisation.name = ORGANISATION
    organisation.save(update_fields=["name"])
    teacher.first_name, teacher.last_name = TEACHER_FIRST, TEACHER_LAST
    teacher.email = TEACHER_EMAIL
    teacher.save(update_fields=["first_name", "last_name", "email"])
    parent.first_name, parent.last_name, parent.email = PARENT_FIRST, PARENT_LAST, PARENT_EMAIL
    parent.language = "en"
    parent.save(update_fields=["first_name", "last_name", "email", "language"])
    pupil.first_name, pupil.last_name = PUPIL_FIRST, PUPIL_LAST
    pupil.save(update_fields=["first_name", "last_name"])
    school_class.name = CLASS
    school_class.save(update_fields=["name"])
    slot.room = ROOM
    slot.save(update_fields=["room"])
    online_slot = SlotFactory(
        organisation=organisation,
        host=teacher,
        event=event,
        starts_at=slot.starts_at + timedelta(hours=1),
        ends_at=slot.ends_at + timedelta(hours=1),
        capacity=2,
        mode=Mode.ONLINE,
        video_url=VIDEO,
    )
    return School(organisation, teacher, parent, pupil, school_class, slot, online_slot)


def guest_booking(school: School) -> Booking:
    """A booking without an account, as only the database (or the admin's booking form, which
    edits the guest's fields) can hold one."""
    slot = school.online_slot
    slot.seats_taken += 1
    slot.save(update_fields=["seats_taken"])
    return Booking.objects.create(
        organisation=school.organisation,
        slot=slot,
        host=slot.host,
        event=slot.event,
        guest_name=GUEST_NAME,
        guest_email=GUEST_EMAIL,
        guest_phone=QUOTE,
        message=SVG,
    )


def parents_booking(school: School) -> Booking:
    """The parent's booking, and their mail about it, queued by the worker's next round."""
    booking = book_slot(booker=school.parent, slot=school.slot, pupil=school.pupil)
    send_booker_mails()
    return booking


@dataclass(frozen=True)
class Case:
    """One mail: how to queue it, what it shows, who its invitation names (None: no .ics)."""

    template: str
    queue: Callable[[School], object]
    shown: tuple[str, ...]
    invitation: tuple[str, str] | None = None  # (attendee, location)


CASES = {
    "booking received": Case(
        "booking_received",
        parents_booking,
        (TEACHER, PUPIL, ROOM, PARENT),
        (PARENT, ROOM),
    ),
    "booking confirmed": Case(
        "booking_confirmed",
        lambda s: decide_booking(booking=parents_booking(s), confirm=True),
        (TEACHER, PUPIL, ROOM, PARENT),
        (PARENT, ROOM),
    ),
    "booking rejected": Case(
        "booking_rejected",
        lambda s: decide_booking(booking=parents_booking(s), confirm=False),
        (TEACHER, PUPIL, ROOM, PARENT),
        (PARENT, ROOM),
    ),
    "booking moved to an online slot": Case(
        "booking_moved",
        lambda s: move_booking(booking=parents_booking(s), to_slot=s.online_slot, actor=s.parent),
        (TEACHER, PUPIL, VIDEO, PARENT),
        (PARENT, VIDEO),
    ),
    "booking cancelled": Case(
        "booking_cancelled",
        lambda s: cancel_booking(booking=parents_booking(s), actor=s.parent),
        (TEACHER, PUPIL, ROOM, PARENT),
        (PARENT, ROOM),
    ),
    "a guest's booking received": Case(
        "booking_received",
        lambda s: notify_booker(guest_booking(s), "booking_received"),
        (TEACHER, VIDEO),
        (GUEST_NAME, VIDEO),
    ),
    "a guest's booking cancelled": Case(
        "booking_cancelled",
        lambda s: cancel_booking(booking=guest_booking(s), actor=s.teacher),
        (TEACHER, VIDEO),
        (GUEST_NAME, VIDEO),
    ),
    "parent credentials": Case(
        "parent_credentials",
        lambda s: send_parent_credentials(parents=[s.parent]),
        (PARENT, ORGANISATION, PUPIL, CLASS),
    ),
    "staff welcome": Case(
        "staff_welcome",
        lambda s: create_staff_user(
            organisation=s.organisation,
            email=STAFF_EMAIL,
            first_name=STAFF_FIRST,
            last_name=STAFF_LAST,
            role=Role.TEACHER,
            language="en",
        ),
        (f"{STAFF_FIRST} {STAFF_LAST}", ORGANISATION, STAFF_EMAIL),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_stored_payloads_stay_text_in_the_mail(school, case):
    OutgoingEmail.objects.all().delete()
    case.queue(school)

    mail = OutgoingEmail.objects.get(template=case.template)
    problems = {
        "html": markup_problems(mail.body_html, list(case.shown)),
        "text": text_problems(mail.body_text, list(case.shown)),
        "subject": subject_problems(mail.subject),
        "message": mime_problems(mail),
    }
    if case.invitation:
        attendee, location = case.invitation
        problems["ics"] = ics_problems(
            mail.ics, organizer=TEACHER, attendee=attendee, location=location
        )
    else:
        problems["ics"] = [f"an unexpected invitation: {mail.ics!r}"] if mail.ics else []
    found = {part: found for part, found in problems.items() if found}
    assert not found, f"{case.template} to {mail.to}: {found}"


@pytest.mark.django_db
def test_the_subject_of_a_booking_mail_names_the_teacher_on_one_line(school):
    parents_booking(school)

    mail = OutgoingEmail.objects.get(template="booking_received")
    assert squeeze(TEACHER) in mail.subject
    assert not ENTITY.search(mail.subject)


@pytest.mark.django_db
def test_a_javascript_video_link_from_the_database_is_no_link_in_the_mail(school):
    Slot.objects.filter(pk=school.slot.pk).update(mode=Mode.ONLINE, video_url=JAVASCRIPT)
    parents_booking(school)

    mail = OutgoingEmail.objects.get(template="booking_received")
    assert markup_problems(mail.body_html, []) == []
