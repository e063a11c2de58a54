"""Prepared queries and updates: built once per shape, they answer every call with that call's
values."""

from datetime import datetime, time, timedelta

import pytest
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from rendezvous.bookings.models import Booking
from rendezvous.bookings.tests.factories import BookingFactory
from rendezvous.lib.queries import Prepared, PreparedUpdate
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


def test_lists_of_nearby_lengths_share_one_preparing_and_keep_their_answers(slots, teacher):
    builds = []

    def counted(**values):
        builds.append(values)
        return _slots_of(**values)

    prepared = Prepared(counted)
    other = slots[1].host_id
    before = slots[0].starts_at - timedelta(minutes=1)

    three = prepared(hosts=[other, other, other], after=before)
    four = prepared(hosts=[teacher.pk, teacher.pk, teacher.pk, other], after=before)

    assert len(builds) == 2  # one shape, built twice with markers
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


# Updates.


def _moved(slot: int, seats: int, until: datetime):
    """Take `seats` places of the slot, if it has them, and end it at `until`."""
    rows = Slot.objects.filter(pk=slot, seats_taken__lte=F("capacity") - seats)
    return rows, {"seats_taken": F("seats_taken") + seats, "ends_at": until}


def test_a_prepared_update_changes_each_calls_rows_with_its_values(slots):
    Slot.objects.filter(pk=slots[1].pk).update(capacity=3)
    update = PreparedUpdate(_moved)
    first_until = slots[0].starts_at + timedelta(minutes=5)
    second_until = slots[1].starts_at + timedelta(minutes=4)

    assert update(slot=slots[0].pk, seats=1, until=first_until) == 1
    assert update(slot=slots[1].pk, seats=2, until=second_until) == 1
    assert update(slot=slots[0].pk, seats=1, until=first_until) == 0  # its one place is taken
    assert update(slot=slots[1].pk, seats=2, until=second_until) == 0  # one place is left
    assert update(slot=-1, seats=1, until=first_until) == 0

    first, second, third = (Slot.objects.get(pk=slot.pk) for slot in slots[:3])
    assert (first.seats_taken, first.ends_at) == (1, first_until)
    assert (second.seats_taken, second.ends_at) == (2, second_until)
    assert (third.seats_taken, third.ends_at) == (0, slots[2].ends_at)


def test_a_prepared_update_does_what_djangos_update_does(slots):
    until = slots[0].starts_at + timedelta(minutes=3)
    rows, changes = _moved(slots[0].pk, 1, until)
    assert rows.update(**changes) == 1
    expected = Slot.objects.filter(pk=slots[0].pk).values().get()

    Slot.objects.filter(pk=slots[0].pk).update(seats_taken=0, ends_at=slots[0].ends_at)
    assert PreparedUpdate(_moved)(slot=slots[0].pk, seats=1, until=until) == 1
    assert Slot.objects.filter(pk=slots[0].pk).values().get() == expected


def test_a_prepared_update_is_built_once_and_is_one_query(slots, django_assert_num_queries):
    built = []

    def rename(slot: int, room: str):
        built.append(slot)
        return Slot.objects.filter(pk=slot), {"room": room}

    update = PreparedUpdate(rename)
    update(slot=slots[0].pk, room="A")
    with django_assert_num_queries(1):
        update(slot=slots[1].pk, room="B")

    assert len(built) == 2  # one shape, built twice with markers
    assert [Slot.objects.get(pk=slot.pk).room for slot in slots[:2]] == ["A", "B"]


def test_a_prepared_update_of_no_rows_runs_no_query(slots, django_assert_num_queries):
    update = PreparedUpdate(
        lambda slots, room: (Slot.objects.filter(pk__in=slots), {"room": room})
    )

    with django_assert_num_queries(0):
        assert update(slots=[], room="A") == 0


def test_a_prepared_update_reads_no_other_table(db):
    update = PreparedUpdate(
        lambda name, room: (Slot.objects.filter(host__last_name=name), {"room": room})
    )

    with pytest.raises(ValueError, match="one table"):
        update(name="Meyer", room="A")


def test_a_prepared_update_is_undone_with_the_callers_transaction(slots):
    update = PreparedUpdate(lambda slot, room: (Slot.objects.filter(pk=slot), {"room": room}))

    with pytest.raises(RuntimeError), transaction.atomic():
        assert update(slot=slots[0].pk, room="Z") == 1
        raise RuntimeError("the caller gives up")

    assert Slot.objects.get(pk=slots[0].pk).room == slots[0].room


# What Django does to a value on its way.


def test_a_comparison_with_a_value_stays_whatever_the_column_allows(slots):
    """Django leaves out a `gte` it finds always true for the value it is given (one below a
    column's least value): a marker must never be such a value, or every call would lose it."""
    Slot.objects.filter(pk=slots[1].pk).update(capacity=3)
    roomy = Prepared(lambda places: Slot.objects.filter(capacity__gte=places).order_by("pk"))
    take = PreparedUpdate(
        lambda slot, places: (
            Slot.objects.filter(pk=slot, capacity__gte=places),
            {"seats_taken": places},
        )
    )

    assert [slot.pk for slot in roomy(places=2)] == [slots[1].pk]
    assert len(roomy(places=1)) == 4
    assert take(slot=slots[0].pk, places=2) == 0
    assert take(slot=slots[1].pk, places=2) == 1


def test_a_value_django_changes_on_its_way_is_refused(slots):
    """`contains` wraps the value in %: prepared, every call would look for the first one."""
    prepared = Prepared(lambda room: Slot.objects.filter(Q(room=room) | Q(room__contains=room)))

    with pytest.raises(ValueError, match="changed on its way"):
        prepared(room="R0")


@pytest.mark.parametrize(
    "build",
    [
        lambda room: Slot.objects.filter(room=room.upper()),
        lambda slot: Slot.objects.filter(Q(pk=slot) | Q(pk=slot + 2)),
    ],
    ids=["upper-cased", "shifted"],
)
def test_a_value_the_build_or_django_changes_is_refused(db, build):
    prepared = Prepared(build)
    value = "r0" if "room" in build.__code__.co_varnames else 1

    with pytest.raises(ValueError, match="changed on its way"):
        prepared(**{build.__code__.co_varnames[0]: value})


def test_a_prepared_update_of_a_slice_is_refused(slots):
    update = PreparedUpdate(lambda slot, room: (Slot.objects.filter(pk=slot)[:1], {"room": room}))

    with pytest.raises(ValueError, match="plain filter"):
        update(slot=slots[0].pk, room="A")
