import pytest

from rendezvous.scheduling.tests.factories import SlotFactory


@pytest.fixture(autouse=True)
def _slots_in_the_order_made():
    """Each test's slots start at 08:00 and follow one another in the order they are made. The
    factory's times wrap round to 08:00 after 60 slots: counted across the tests a process ran
    before, that put a later slot first now and then."""
    SlotFactory.reset_sequence()
