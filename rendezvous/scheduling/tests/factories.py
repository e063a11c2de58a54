from datetime import datetime, time, timedelta

import factory
from django.utils import timezone

from rendezvous.accounts.tests.factories import UserFactory
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.scheduling.models import Event, Phase, Slot


class EventFactory(factory.django.DjangoModelFactory):
    """An open parents' evening a week from now, bookable since yesterday."""

    class Meta:
        model = Event

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Parents' evening {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    ends_on = factory.SelfAttribute("starts_on")
    booking_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    booking_closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=6))
    phase = Phase.OPEN


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slot

    organisation = factory.SubFactory(OrganisationFactory)
    host = factory.SubFactory(UserFactory, organisation=factory.SelfAttribute("..organisation"))
    event = None
    # On the default event's day (a week ahead), between 08:00 and 18:00 local time.
    starts_at = factory.Sequence(
        lambda n: (
            datetime.combine(
                timezone.localdate() + timedelta(days=7),
                time(8),
                tzinfo=timezone.get_current_timezone(),
            )
            + timedelta(minutes=10 * (n % 60))
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=10))
    capacity = 1
