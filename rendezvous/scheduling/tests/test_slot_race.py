"""Invariant 2 under concurrency: many requests for one teacher's time give exactly one slot."""

import threading

import pytest
from django.db import connection

from rendezvous.scheduling import errors, services
from rendezvous.scheduling.models import Slot
from rendezvous.scheduling.tests.helpers import EVENING, at, fixed_event

THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_slots_give_exactly_one(teacher, organisation):
    event = fixed_event(organisation)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def create(minute: int) -> None:
        try:
            barrier.wait()
            services.create_slot(
                host=teacher,
                event=event,
                starts_at=at(EVENING, f"16:0{minute}"),
                ends_at=at(EVENING, f"16:1{minute}"),
            )
            outcomes.append("created")
        except errors.SlotOverlap:
            outcomes.append("overlap")
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(n % 10,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created"] + ["overlap"] * (THREADS - 1)
    assert Slot.objects.filter(host=teacher).count() == 1
