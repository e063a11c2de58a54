"""The office's event day: all teachers side by side, filtered by department, class or room,
one day of the event at a time, for admins only, in a fixed number of queries; and the event's
slots with the same filters as a CSV file."""

import csv
import io
from datetime import UTC, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rendezvous.accounts.models import Role
from rendezvous.accounts.tests.factories import UserFactory
from rendezvous.bookings.models import BookingStatus
from rendezvous.bookings.tests.calendar_html import agenda_items, blocks, elements
from rendezvous.bookings.tests.factories import BookingFactory
from rendezvous.scheduling.tests.factories import SlotFactory
from rendezvous.scheduling.tests.helpers import EVENING, at, fixed_event
from rendezvous.school.tests.factories import DepartmentFactory, SchoolClassFactory

pytestmark = pytest.mark.django_db

SECOND_DAY = EVENING + timedelta(days=1)


@pytest.fixture
def evening(organisation, school_class):
    event = fixed_event(organisation, days=2, name="Elternsprechtag")
    event.classes.add(school_class)
    return event


@pytest.fixture
def staff(organisation, teacher, other_teacher, school_class, department):
    """teacher leads 7a; other_teacher teaches in 8b (department MINT); a third teaches 7a
    too but has no slots."""
    teacher.first_name, teacher.last_name = "Anna", "Becker"
    teacher.save(update_fields=["first_name", "last_name"])
    other_teacher.first_name, other_teacher.last_name = "Jonas", "Adler"
    other_teacher.save(update_fields=["first_name", "last_name"])
    mint = DepartmentFactory(organisation=organisation, name="MINT")
    mint.teachers.add(other_teacher)
    department.teachers.add(teacher)
    eight_b = SchoolClassFactory(organisation=organisation, department=mint, name="8b")
    eight_b.subject_teachers.add(other_teacher)
    quiet = UserFactory(organisation=organisation, role=Role.TEACHER, first_name="Zora")
    school_class.subject_teachers.add(quiet)
    return {"mint": mint, "8b": eight_b, "quiet": quiet}


def slot_at(host, event, starts, room="A 101", minutes=10, **fields):
    return SlotFactory(
        organisation=host.organisation,
        host=host,
        event=event,
        starts_at=starts,
        ends_at=starts.astimezone(UTC) + timedelta(minutes=minutes),
        room=room,
        **fields,
    )


def day_page(event, **query) -> str:
    url = reverse("office:event-calendar", args=[event.pk])
    return f"{url}?{urlencode(query)}" if query else url


def export_url(event, **query) -> str:
    url = reverse("office:event-calendar-export", args=[event.pk])
    return f"{url}?{urlencode(query)}" if query else url


def hosts(response) -> list[str]:
    return [column.host.full_name for column in response.context["grid"].columns]


def test_the_office_sees_all_teachers_side_by_side_on_the_events_first_day(
    client, admin, teacher, other_teacher, evening, staff
):
    slot_at(teacher, evening, at(EVENING, "16:00"))
    slot_at(other_teacher, evening, at(EVENING, "16:00"), room="B 12")
    slot_at(other_teacher, evening, at(EVENING, "16:10"), room="B 12")
    slot_at(teacher, evening, at(SECOND_DAY, "09:00"))
    client.force_login(admin)
    r = client.get(day_page(evening))
    assert r.status_code == 200 and r.context["day"] == EVENING
    assert hosts(r) == ["Jonas Adler", "Anna Becker"]  # by last name
    heads = elements(r.content.decode(), "cal-col-head")
    assert ["Jonas Adler" in heads[1].text, "Anna Becker" in heads[2].text] == [True, True]
    assert len(blocks(r)) == 3
    assert [item.times[0][1] for item in agenda_items(r)] == ["16:00", "16:10", "16:00"]


def test_the_day_picker_shows_another_day_of_the_event(client, admin, teacher, evening, staff):
    slot_at(teacher, evening, at(EVENING, "16:00"))
    slot_at(teacher, evening, at(SECOND_DAY, "09:00"))
    client.force_login(admin)
    r = client.get(day_page(evening, date=SECOND_DAY.isoformat()))
    [block] = blocks(r)
    assert block.times[0] == ("2030-03-15T09:00:00+01:00", "09:00")
    page = r.content.decode()
    assert '?date=2030-03-14"' in page and 'aria-current="page">Fri' in page
    outside = client.get(day_page(evening, date="2030-04-01"))
    assert outside.context["day"] == EVENING


def test_filtering_by_class_shows_its_teachers_and_names_those_without_slots(
    client, admin, teacher, other_teacher, school_class, evening, staff
):
    slot_at(teacher, evening, at(EVENING, "16:00"))
    slot_at(other_teacher, evening, at(EVENING, "16:00"))
    client.force_login(admin)
    r = client.get(day_page(evening, school_class=school_class.pk))
    assert hosts(r) == ["Anna Becker"]
    assert r.context["without_slots"] == [staff["quiet"]]
    assert "No slots on this day:" in r.content.decode()


def test_filtering_by_department_shows_its_teachers(
    client, admin, teacher, other_teacher, evening, staff
):
    slot_at(teacher, evening, at(EVENING, "16:00"))
    slot_at(other_teacher, evening, at(EVENING, "16:00"))
    client.force_login(admin)
    r = client.get(day_page(evening, department=staff["mint"].pk))
    assert hosts(r) == ["Jonas Adler"]


def test_filtering_by_room_shows_the_slots_in_it(
    client, admin, teacher, other_teacher, evening, staff
):
    slot_at(teacher, evening, at(EVENING, "16:00"), room="A 101")
    slot_at(teacher, evening, at(EVENING, "16:10"), room="B 12")
    slot_at(other_teacher, evening, at(EVENING, "16:00"), room="B 12")
    client.force_login(admin)
    r = client.get(day_page(evening, room="B 12"))
    assert hosts(r) == ["Jonas Adler", "Anna Becker"]
    assert [block.times[0][1] for block in blocks(r)] == ["16:00", "16:10"]
    assert r.context["form"].fields["room"].choices[1:] == [("A 101", "A 101"), ("B 12", "B 12")]


def test_a_class_of_another_organisation_filters_nothing(
    client, admin, teacher, evening, outsider, staff
):
    slot_at(teacher, evening, at(EVENING, "16:00"))
    foreign = SchoolClassFactory(
        organisation=outsider.organisation, name="Klasse-der-anderen-Schule"
    )
    client.force_login(admin)
    r = client.get(day_page(evening, school_class=foreign.pk))
    assert r.status_code == 200
    assert r.context["form"].errors and hosts(r) == ["Anna Becker"]
    assert "Klasse-der-anderen-Schule" not in r.content.decode()


def test_an_empty_choice_says_what_to_do(client, admin, teacher, evening, staff):
    slot_at(teacher, evening, at(EVENING, "16:00"), room="A 101")
    client.force_login(admin)
    page = client.get(day_page(evening, department=staff["mint"].pk)).content.decode()
    assert "No slots match these filters" in page and "Show all teachers" in page


def test_booked_slots_offer_move_and_cancel_with_the_way_back(
    client, admin, teacher, parent, pupil, evening, staff
):
    slot = slot_at(teacher, evening, at(EVENING, "16:00"), seats_taken=1)
    booking = BookingFactory(slot=slot, booker=parent, pupil=pupil)
    client.force_login(admin)
    url = day_page(evening, room="A 101")
    [block] = blocks(client.get(url))
    assert "is-pending" in block.classes and f"{pupil} (7a)" in block.text
    links = {urlsplit(link).path: parse_qs(urlsplit(link).query) for link in block.links}
    for name in ("office:appointment-move", "office:appointment-cancel"):
        assert links[reverse(name, args=[booking.pk])] == {"next": [url]}
    assert reverse("bookings:slot-edit", args=[slot.pk]) not in block.links
    assert "Anna Becker" in block.text  # the teacher is named for assistive technology


@pytest.mark.parametrize(
    ("who", "status"),
    [("teacher", 403), ("parent", 403), ("student", 403), ("outsider", 404)],
)
def test_only_the_organisations_office_sees_the_event_day(client, request, evening, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(day_page(evening)).status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client, evening):
    r = client.get(day_page(evening))
    assert r.status_code == 302 and r.url.startswith(reverse("account_login"))


def _teachers_with_slots(event, school_class, parent, pupil, teachers: int, per_teacher: int):
    for _ in range(teachers):
        host = UserFactory(organisation=event.organisation, role=Role.TEACHER)
        school_class.subject_teachers.add(host)
        for n in range(per_teacher):
            slot = slot_at(host, event, at(EVENING, "15:00") + timedelta(minutes=10 * n))
            if n % 2:
                # One active booking per pupil and teacher: the others are the parent's own.
                child = pupil if n == 1 else None
                BookingFactory(slot=slot, booker=parent, pupil=child, status=BookingStatus.PENDING)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("filtered", [False, True], ids=["all", "by class"])
def test_200_slots_take_no_more_queries_than_5(
    client, admin, parent, pupil, school_class, evening, filtered, django_assert_max_num_queries
):
    url = day_page(evening, school_class=school_class.pk) if filtered else day_page(evening)
    client.force_login(admin)
    client.get(url)  # the session settles
    _teachers_with_slots(evening, school_class, parent, pupil, teachers=5, per_teacher=1)
    few = _queries(client, url)
    _teachers_with_slots(evening, school_class, parent, pupil, teachers=13, per_teacher=15)
    with django_assert_max_num_queries(few):
        r = client.get(url)
    assert len(blocks(r)) == 200 and len(r.context["grid"].columns) == 18


# The slots as a CSV file.


def csv_table(response) -> list[list[str]]:
    """The rows of a CSV file as a spreadsheet in a German office opens it."""
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs for UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def german_admin(admin):
    admin.language = "de"
    admin.save(update_fields=["language"])
    return admin


def test_the_office_exports_the_events_slots_on_all_its_days(
    client, german_admin, organisation, teacher, other_teacher, evening, staff
):
    organisation.time_zone = "Asia/Vladivostok"  # far from the server's zone and from Berlin
    organisation.save(update_fields=["time_zone"])
    slot_at(teacher, evening, at(EVENING, "16:00"), room="=HYPERLINK(1)")
    slot_at(other_teacher, evening, at(EVENING, "16:00"), room="B 12")
    slot_at(teacher, evening, at(SECOND_DAY, "09:00"))
    slot_at(teacher, fixed_event(organisation, name="Ein anderer Abend"), at(EVENING, "17:00"))
    client.force_login(german_admin)

    rows = csv_table(client.get(export_url(evening)))

    assert rows[0] == [
        "Datum", "Beginn", "Ende", "Lehrkraft", "Fach",
        "Art", "Raum", "Plätze", "Belegte Plätze", "Status",
    ]  # fmt: skip
    assert [(row[0], row[1], row[3]) for row in rows[1:]] == [
        ("15.03.2030", "01:00", "Jonas Adler"),  # 16:00 in Berlin, in the school's zone
        ("15.03.2030", "01:00", "Anna Becker"),
        ("15.03.2030", "18:00", "Anna Becker"),  # the event's second day
    ]
    assert rows[2][6] == "'=HYPERLINK(1)"  # not a formula


def test_the_export_follows_the_filters_in_force(
    client, german_admin, teacher, other_teacher, school_class, evening, staff
):
    slot_at(teacher, evening, at(EVENING, "16:00"), room="A 101")
    slot_at(teacher, evening, at(SECOND_DAY, "09:00"), room="B 12")
    slot_at(other_teacher, evening, at(EVENING, "16:00"), room="B 12")
    client.force_login(german_admin)

    def teachers_and_rooms(**filters) -> list[tuple[str, str]]:
        return [(row[3], row[6]) for row in csv_table(client.get(export_url(evening, **filters)))]

    assert teachers_and_rooms(department=staff["mint"].pk)[1:] == [("Jonas Adler", "B 12")]
    assert teachers_and_rooms(school_class=school_class.pk)[1:] == [
        ("Anna Becker", "A 101"),
        ("Anna Becker", "B 12"),
    ]
    assert teachers_and_rooms(room="B 12", date=EVENING.isoformat())[1:] == [
        ("Jonas Adler", "B 12"),
        ("Anna Becker", "B 12"),  # the day shown on the page is not a filter
    ]
    assert teachers_and_rooms(department=staff["mint"].pk, room="A 101") == [("Lehrkraft", "Raum")]


def test_the_export_speaks_the_admins_language(client, admin, teacher, evening, staff):
    admin.language = "ru"
    admin.save(update_fields=["language"])
    slot_at(teacher, evening, at(EVENING, "16:00"))
    client.force_login(admin)
    rows = csv_table(client.get(export_url(evening)))
    assert rows[0][:4] == ["Дата", "Начало", "Окончание", "Учитель"]
    assert rows[1][0] == "14.03.2030"


def test_the_page_links_the_export_with_its_filters_but_not_its_day(
    client, admin, teacher, evening, staff
):
    slot_at(teacher, evening, at(EVENING, "16:00"), room="B 12")
    client.force_login(admin)
    page = client.get(day_page(evening, date=SECOND_DAY.isoformat(), room="B 12"))
    export = reverse("office:event-calendar-export", args=[evening.pk])
    assert f'href="{export}?room=B+12" download' in page.content.decode()
    assert f'href="{export}" download' in client.get(day_page(evening)).content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("teacher", 403), ("parent", 403), ("student", 403), ("outsider", 404)],
)
def test_only_the_organisations_office_exports_the_events_slots(
    client, request, teacher, evening, who, status
):
    slot_at(teacher, evening, at(EVENING, "16:00"))
    client.force_login(request.getfixturevalue(who))
    assert client.get(export_url(evening)).status_code == status


def test_the_export_reads_a_fixed_number_of_queries(client, admin, other_teacher, evening, staff):
    slot_at(other_teacher, evening, at(EVENING, "16:00"))
    client.force_login(admin)
    url = export_url(evening, department=staff["mint"].pk)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            csv_table(client.get(url))
        return len(captured.captured_queries)

    few = queries()
    for n in range(6):
        slot_at(other_teacher, evening, at(EVENING, "17:00") + timedelta(minutes=10 * n))
    assert queries() == few
