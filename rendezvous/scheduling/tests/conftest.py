"""Scheduling tests run at a fixed moment: a week before EVENING, the shared event's first day."""

import pytest
import time_machine

from rendezvous.scheduling import services
from rendezvous.scheduling.tests.helpers import EVENING, NOW, at


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def slot(teacher, event):
    """The teacher's slot at a fixed local time on the event's day (the factory's times drift)."""
    assert event.starts_on == EVENING
    return services.create_slot(
        host=teacher, event=event, starts_at=at(EVENING, "10:00"), ends_at=at(EVENING, "10:10")
    )
