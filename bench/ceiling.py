"""The ceiling of the booking rush (bench/rush.py): a bare Django view that books a seat with
the same conditional UPDATE and INSERT as the booking service, with no middleware but
allauth's (no session, no sign-in, no CSRF, no access check, no mail), served by the same
gunicorn set-up. Settings module and URLconf in one: DJANGO_SETTINGS_MODULE=ceiling with
bench/ on the path.
"""

from django.db import OperationalError, transaction
from django.db.models import F
from django.http import HttpResponse
from django.urls import path

from config.settings import *  # noqa: F403

# allauth refuses to start without its middleware, which passes a request that has no session
# straight through.
MIDDLEWARE = ["allauth.account.middleware.AccountMiddleware"]
ROOT_URLCONF = "ceiling"
# Its refusals (below) are counted by bench/rush.py, not logged one by one.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"none": {"class": "logging.NullHandler"}},
    "loggers": {"django.request": {"handlers": ["none"], "propagate": False}},
}


def book(request, organisation_id: int, host_id: int, slot_id: int):
    from rendezvous.bookings.models import Booking, BookingStatus
    from rendezvous.scheduling.models import Slot

    try:
        with transaction.atomic():
            taken = Slot.objects.filter(pk=slot_id, seats_taken__lt=F("capacity")).update(
                seats_taken=F("seats_taken") + 1
            )
            if not taken:
                return HttpResponse(status=409)
            Booking.objects.create(
                organisation_id=organisation_id,
                slot_id=slot_id,
                host_id=host_id,
                guest_name="ceiling",
                status=BookingStatus.CONFIRMED,
            )
    except OperationalError:
        # The database gave up (SQLite's "database is locked" when hundreds of threads wait
        # for its one writer longer than its timeout): 503, as Rendezvous answers it; counted
        # apart.
        return HttpResponse(status=503)
    return HttpResponse(status=201)


urlpatterns = [
    path("ceiling/<int:organisation_id>/<int:host_id>/<int:slot_id>/", book),
    path("healthz", lambda request: HttpResponse("ok")),  # bench/rush.py waits for it
]
