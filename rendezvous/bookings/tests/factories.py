import factory

from rendezvous.bookings.models import Booking


class BookingFactory(factory.django.DjangoModelFactory):
    """A raw booking row; tests of rules go through bookings.services instead."""

    class Meta:
        model = Booking

    slot = None
    organisation = factory.SelfAttribute("slot.organisation")
    host = factory.SelfAttribute("slot.host")
    event = factory.SelfAttribute("slot.event")
