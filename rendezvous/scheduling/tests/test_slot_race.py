"""A teacher's slots never overlap, under concurrency: many requests for one teacher's time
give exactly one slot."""

from collections import Counter

import pytest

from rendezvous.lib.tests.race import race
from rendezvous.scheduling import errors, services
from rendezvous.scheduling.models import Slot
from rendezvous.scheduling.tests.helpers import EVENING, at, fixed_event

THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_slots_give_exactly_one(teacher, organisation):
    event = fixed_event(organisation)

    def create(minute: int):
        return services.create_slot(
            host=teacher,
            event=event,
            starts_at=at(EVENING, f"16:0{minute}"),
            ends_at=at(EVENING, f"16:1{minute}"),
        )

    outcomes = race([lambda minute=n % 10: create(minute) for n in range(THREADS)])

    kinds = Counter(type(outcome) for outcome in outcomes)
    assert kinds == {Slot: 1, errors.SlotOverlap: THREADS - 1}, outcomes
    assert Slot.objects.filter(host=teacher).count() == 1
