from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count

from rendezvous.accounts.models import Role, User
from rendezvous.bookings.models import Booking
from rendezvous.demo.school import DEMO_PARENT_PASSWORD, DEMO_PASSWORD
from rendezvous.scheduling.models import Event, Phase
from rendezvous.school.models import Pupil, SchoolClass


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
