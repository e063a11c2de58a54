from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from rendezvous.accounts.models import Role, User
from rendezvous.bookings.models import Booking
from rendezvous.bookings.selectors import booking_overview_for_parent
from rendezvous.demo.school import DEMO_PARENT_PASSWORD, DEMO_PASSWORD
from rendezvous.scheduling.models import Event, Phase
from rendezvous.school.models import Pupil, SchoolClass

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def seeded(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_builds_a_german_gymnasium_with_an_open_evening(seeded):
    event = Event.objects.get()
    assert event.organisation.time_zone == "Europe/Berlin"
    assert event.phase == Phase.OPEN and event.is_bookable()
    assert SchoolClass.objects.count() == 12
    assert User.objects.filter(role=Role.TEACHER).count() == 25
    assert event.slots.count() > 0
    assert Booking.objects.filter(event=event).exists()


def test_families_are_as_varied_as_a_real_school(seeded):
    parents = User.objects.filter(role=Role.PARENT).annotate(
        children_count=Count("children"), classes=Count("children__school_class", distinct=True)
    )
    assert parents.filter(children_count=2, classes=2).exists()
    assert Pupil.objects.annotate(parent_count=Count("parents")).filter(parent_count=2).exists()


def test_the_printed_logins_work(seeded):
    lines = [
        line.split()
        for line in seeded.splitlines()
        if line.strip().startswith(("office", "teacher", "parent"))
    ]
    logins = {words[0]: words for words in lines}
    assert authenticate(email=logins["office"][1], password=DEMO_PASSWORD).role == Role.ADMIN
    assert authenticate(email=logins["teacher"][1], password=DEMO_PASSWORD).role == Role.TEACHER
    parent = authenticate(login_code=logins["parent"][2], password=DEMO_PARENT_PASSWORD)
    assert parent.role == Role.PARENT


def test_running_it_again_changes_nothing(seeded):
    users = User.objects.count()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert User.objects.count() == users
    assert "office" in out.getvalue()


def bookable_times_for_the_demo_parent() -> int:
    parent = User.objects.filter(role=Role.PARENT).order_by("pk").first()
    overview = booking_overview_for_parent(parent)
    return sum(
        offer.free_count
        for event in overview.events
        for child in event.children
        for offer in child.teachers
    )


@pytest.mark.parametrize("days_later", [0, 1, 30, 200])
@pytest.mark.parametrize("hour", [0, 15, 23])
def test_the_demo_can_be_booked_whenever_it_starts(db, days_later, hour):
    with time_machine.travel(datetime(2026, 11, 30, hour, 30, tzinfo=BERLIN), tick=False):
        call_command("seed_demo", stdout=StringIO())
    started = datetime(2026, 11, 30, hour, 30, tzinfo=BERLIN) + timedelta(days=days_later)
    with time_machine.travel(started, tick=False):
        call_command("seed_demo", stdout=StringIO())
        event = Event.objects.get()
        assert event.is_bookable()
        assert event.starts_on >= started.date() + timedelta(days=2)
        assert bookable_times_for_the_demo_parent() > 0


def test_moving_the_demo_keeps_what_the_user_added_and_the_local_times(db):
    with time_machine.travel(datetime(2026, 10, 1, 9, tzinfo=BERLIN), tick=False):
        call_command("seed_demo", stdout=StringIO())
    event = Event.objects.get()
    bookings = Booking.objects.count()
    local_starts = sorted(
        timezone.localtime(start, BERLIN).time()
        for start in event.slots.values_list("starts_at", flat=True)
    )
    with time_machine.travel(
        datetime(2026, 11, 20, 9, tzinfo=BERLIN), tick=False
    ):  # after the clock change
        call_command("seed_demo", stdout=StringIO())
    event.refresh_from_db()
    assert Booking.objects.count() == bookings
    assert event.starts_on.weekday() == 3
    assert (
        sorted(
            timezone.localtime(start, BERLIN).time()
            for start in event.slots.values_list("starts_at", flat=True)
        )
        == local_starts
    )
    assert not event.slots.exclude(
        starts_at__date__gte=event.starts_on - timedelta(days=1)
    ).exists()
