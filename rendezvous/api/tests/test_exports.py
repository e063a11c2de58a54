import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rendezvous.api.tests.api_client import signed_in
from rendezvous.bookings.models import Booking
from rendezvous.lib.csv_export import BOM
from rendezvous.scheduling.tests.factories import SlotFactory


def table(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :]), delimiter=";"))


def book_for(organisation, teacher, event, pupil, parent, **slot_fields):
    slot = SlotFactory(organisation=organisation, host=teacher, event=event, **slot_fields)
    return Booking.objects.create(
        organisation=organisation, slot=slot, host=teacher, event=event, pupil=pupil, booker=parent
    )


def test_the_office_exports_the_filtered_appointments_for_a_spreadsheet(
    client, admin, organisation, teacher, event, pupil, parent
):
    pupil.first_name, pupil.last_name = "Jürgen", "Жуков"
    pupil.save()
    admin.language = "de"
    admin.save(update_fields=["language"])
    organisation.time_zone = "Asia/Vladivostok"  # far from the server's zone
    organisation.save(update_fields=["time_zone"])
    booking = book_for(organisation, teacher, event, pupil, parent, room="=HYPERLINK(1)")
    client.force_login(admin)

    response = client.get(reverse("office:appointments-export"), {"event": event.pk})

    assert response.status_code == 200 and response.streaming
    rows = table(response)
    assert rows[0][:4] == ["Datum", "Beginn", "Ende", "Lehrkraft"]
    start = timezone.localtime(booking.slot.starts_at, organisation.tz)
    assert rows[1][1] == start.strftime("%H:%M")  # in the school's zone, not UTC
    assert rows[1][3] == teacher.full_name
    assert rows[1][4] == "'=HYPERLINK(1)"
    assert rows[1][5] == "Jürgen Жуков"
    assert rows[1][8] == booking.get_status_display() and rows[1][8] in ("Ausstehend", "Bestätigt")
    assert len(rows) == 2


def test_the_export_follows_the_filters_and_another_organisations_event_is_404(
    client, admin, outsider, organisation, teacher, other_teacher, event, pupil, parent
):
    book_for(organisation, teacher, event, pupil, parent)
    client.force_login(admin)
    url = reverse("office:appointments-export")
    only_other = client.get(url, {"event": event.pk, "teacher": other_teacher.pk})
    assert len(table(only_other)) == 1  # the header alone
    client.force_login(outsider)
    assert client.get(url, {"event": event.pk}).status_code == 404


def test_the_api_exports_what_the_list_shows(
    parent, other_parent, organisation, teacher, event, pupil
):
    book_for(organisation, teacher, event, pupil, parent)
    parent.language = "ru"  # the person's own language, whatever the browser asks for
    parent.save(update_fields=["language"])
    response = signed_in(parent).get("/exports/bookings.csv")
    rows = table(response)
    assert rows[0][0] == "Дата" and len(rows) == 2
    assert len(table(signed_in(other_parent).get("/exports/bookings.csv"))) == 1


def test_the_export_reads_a_fixed_number_of_queries(
    client, admin, organisation, teacher, event, pupil, parent, other_teacher
):
    client.force_login(admin)
    url = reverse("office:appointments-export")

    def queries_for() -> int:
        with CaptureQueriesContext(connection) as queries:
            table(client.get(url, {"event": event.pk}))
        return len(queries)

    book_for(organisation, teacher, event, pupil, parent)
    few = queries_for()
    for host in [other_teacher] * 1:
        book_for(organisation, host, event, pupil, parent)
    assert queries_for() == few


def test_the_api_exports_the_slots_the_list_shows(teacher, other_teacher, organisation, event):
    mine = SlotFactory(organisation=organisation, host=teacher, event=event, room="+R1")
    SlotFactory(organisation=organisation, host=other_teacher, event=event)
    teacher.language = "de"
    teacher.save(update_fields=["language"])

    rows = table(signed_in(teacher).get("/exports/slots.csv", free="true"))

    assert rows[0][:5] == ["Datum", "Beginn", "Ende", "Lehrkraft", "Fach"]  # not "Betreff"
    assert len(rows) == 2
    start = timezone.localtime(mine.starts_at, organisation.tz)
    assert rows[1][1] == start.strftime("%H:%M") and rows[1][6] == "'+R1"
