"""Prepared queries: built once per shape, they answer every call with that call's values."""

from datetime import datetime, time, timedelta

import pytest
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from rendezvous.bookings.models import Booking
from rendezvous.bookings.tests.factories import BookingFactory
from rendezvous.lib.queries import Prepared
from rendezvous.lib.tests.race import race
from rendezvous.scheduling.models import Slot
from rendezvous.scheduling.tests.factories import SlotFactory


def _slots_of(hosts: list[int], after, room: str = "") -> QuerySet[Slot]:
    """Slots with their host and event, whether each is booked, by start."""
    slots = Slot.objects.filter(host__in=hosts, starts_at__gt=after)
    if room:
        slots = slots.filter(room=room)
    return (
        slots.select_related("host", "event")
        .annotate(booked=Exists(Booking.objects.filter(slot=OuterRef("pk"))))
        .order_by("starts_at")
    )


@pytest.fixture
def slots(organisation, teacher, other_teacher, event):
    """Four slots ten minutes apart, the teachers' in turn, in rooms R0 and R1 in turn."""
    first = datetime.combine(event.starts_on, time(16), tzinfo=timezone.get_current_timezone())
    return [
        SlotFactory(
            organisation=organisation,
            host=host,
            event=event,
            room=f"R{number % 2}",
            starts_at=first + timedelta(minutes=10 * number),
        )
        for number, host in enumerate([teacher, other_teacher, teacher, other_teacher])
    ]


def test_each_call_answers_with_its_own_values(slots, teacher, other_teacher, parent):
    BookingFactory(slot=slots[0], booker=parent)
    prepared = Prepared(_slots_of)
    before = slots[0].starts_at - timedelta(minutes=1)

    mine = prepared(hosts=[teacher.pk], after=before)
    theirs = prepared(hosts=[other_teacher.pk], after=before)
    later = prepared(hosts=[teacher.pk], after=slots[0].starts_at)

    assert [slot.pk for slot in mine] == [slots[0].pk, slots[2].pk]
    assert [slot.pk for slot in theirs] == [slots[1].pk, slots[3].pk]
    assert [slot.pk for slot in later] == [slots[2].pk]
    assert [slot.booked for slot in mine] == [True, False]
    assert mine[0].host == teacher and mine[0].event == slots[0].event
    assert mine[0].starts_at == slots[0].starts_at  # a datetime comes back as a datetime


def test_rows_equal_the_query_run_without_preparing(slots, teacher, other_teacher):
    prepared = Prepared(_slots_of)
    values = {"hosts": [teacher.pk, other_teacher.pk], "after": slots[1].starts_at, "room": "R0"}

    rows = prepared(**values)

    expected = list(_slots_of(**values))
    assert [(s.pk, s.room, s.booked, s.host_id) for s in rows] == [
        (s.pk, s.room, s.booked, s.host_id) for s in expected
    ]
    assert [slot.pk for slot in rows] == [slots[2].pk]


def test_a_list_of_another_length_or_a_value_left_out_is_another_shape(slots, teacher):
    prepared = Prepared(_slots_of)
    before = slots[0].starts_at - timedelta(minutes=1)

    assert len(prepared(hosts=[teacher.pk], after=before)) == 2
    assert len(prepared(hosts=[teacher.pk, slots[1].host_id], after=before)) == 4
    assert len(prepared(hosts=[teacher.pk], after=before, room="R0")) == 2
    assert len(prepared(hosts=[teacher.pk], after=before, room="R1")) == 0


def test_one_query_per_call_and_values_rows_too(slots, teacher, django_assert_num_queries):
    def rooms(host: int):
        return Slot.objects.filter(host=host).values("room").annotate(slots=Count("pk"))

    prepared = Prepared(rooms)
    prepared(host=teacher.pk)

    with django_assert_num_queries(1):
        rows = prepared(host=teacher.pk)

    assert rows == [{"room": "R0", "slots": 2}]


def test_an_empty_list_finds_nothing_without_a_query(slots, django_assert_num_queries):
    prepared = Prepared(_slots_of)

    with django_assert_num_queries(0):
        assert prepared(hosts=[], after=slots[0].starts_at) == []


def test_a_value_the_query_does_not_use_is_refused(db):
    prepared = Prepared(lambda host, unused: Slot.objects.filter(host=host))

    with pytest.raises(ValueError, match="not among its parameters"):
        prepared(host=1, unused=2)


@pytest.mark.parametrize("value", [None, True, 1.5])
def test_values_other_than_ints_strings_and_datetimes_are_refused(db, value):
    prepared = Prepared(lambda host: Slot.objects.filter(host=host))

    with pytest.raises(TypeError):
        prepared(host=value)


@pytest.mark.django_db(transaction=True)
def test_threads_calling_at_once_each_get_their_own_rows(slots, teacher, other_teacher):
    prepared = Prepared(_slots_of)
    before = slots[0].starts_at - timedelta(minutes=1)
    hosts = [teacher.pk, other_teacher.pk] * 4

    outcomes = race([lambda host=host: prepared(hosts=[host], after=before) for host in hosts])

    for host, rows in zip(hosts, outcomes, strict=True):
        assert [slot.host_id for slot in rows] == [host, host]


def test_lists_of_nearby_lengths_share_one_build_and_keep_their_answers(slots, teacher):
    builds = []

    def counted(**values):
        builds.append(values)
        return _slots_of(**values)

    prepared = Prepared(counted)
    other = slots[1].host_id
    before = slots[0].starts_at - timedelta(minutes=1)

    three = prepared(hosts=[other, other, other], after=before)
    four = prepared(hosts=[teacher.pk, teacher.pk, teacher.pk, other], after=before)

    assert len(builds) == 1
    assert [slot.pk for slot in three] == [slots[1].pk, slots[3].pk]
    assert len(four) == 4


def test_postgresql_plans_a_prepared_query_once_per_connection(slots, teacher):
    """PostgreSQL prepares a statement the connection runs again and again, so it is planned
    once rather than on every run (config/settings.py, DATABASE_PREPARED_STATEMENTS)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    prepared = Prepared(_slots_of)
    before = slots[0].starts_at - timedelta(minutes=1)

    answers = [prepared(hosts=[teacher.pk], after=before + timedelta(seconds=n)) for n in range(8)]

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"scheduling_slot"."starts_at" > $%'],
        )
        assert cursor.fetchone()[0] == 1
    assert [[slot.pk for slot in rows] for rows in answers] == [[slots[0].pk, slots[2].pk]] * 8


def _teacher_locked(user: int) -> QuerySet:
    from rendezvous.accounts.models import User

    return User.objects.select_for_update().filter(pk=user).values_list("pk")


@pytest.mark.django_db(transaction=True)
def test_a_prepared_lock_runs_only_inside_a_transaction_as_djangos_own(teacher):
    """Django refuses select_for_update outside a transaction when it compiles the query; a
    prepared query is compiled once, so it refuses on every run."""
    from django.db import connection, transaction
    from django.db.transaction import TransactionManagementError

    if not connection.features.has_select_for_update:
        pytest.skip("SQLite takes no row locks: Django runs the query anywhere")
    locked = Prepared(_teacher_locked)
    with transaction.atomic():
        assert locked(user=teacher.pk) == [(teacher.pk,)]

    with pytest.raises(TransactionManagementError, match="needs a transaction"):
        locked(user=teacher.pk)


@pytest.mark.django_db(transaction=True)
def test_each_connection_works_out_the_columns_converters_once(
    monkeypatch, slots, teacher, other_teacher
):
    from django.db.models.sql.compiler import SQLCompiler

    asked = []
    converters = SQLCompiler.get_converters

    def counted(compiler, expressions):
        asked.append(compiler.connection)
        return converters(compiler, expressions)

    monkeypatch.setattr(SQLCompiler, "get_converters", counted)
    prepared = Prepared(_slots_of)
    before = slots[0].starts_at - timedelta(minutes=1)

    runs = [prepared(hosts=[host], after=before) for host in [teacher.pk, other_teacher.pk] * 2]
    in_threads = race([lambda: prepared(hosts=[teacher.pk], after=before)] * 2)

    assert len(asked) == 3  # this thread's connection, then each racing thread's own
    for rows in [*runs, *in_threads]:
        # Converted on every run: an aware datetime, a boolean, the related rows.
        assert all(timezone.is_aware(slot.starts_at) for slot in rows)
        assert all(slot.booked is False for slot in rows)
        assert all(slot.host_id == slot.host.pk for slot in rows)
    assert [slot.starts_at for slot in runs[0]] == [slots[0].starts_at, slots[2].starts_at]
