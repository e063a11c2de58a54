"""The personal iCal feed at its secret address: no session, the owner's language and the
organisation's time zone."""

from django.http import Http404, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rendezvous.bookings.invitations import SEPARATOR
from rendezvous.bookings.selectors.feed import feed_entries
from rendezvous.calendars.feeds import feed_owner
from rendezvous.calendars.ics import feed_ics


@require_safe
def calendar_feed(request, key: str):
    owner = feed_owner(key)
    if owner is None:
        raise Http404
    organisation = owner.organisation
    zone = organisation.tz if organisation else timezone.get_default_timezone()
    with translation.override(owner.language), timezone.override(zone):
        name = SEPARATOR.join(
            part for part in (organisation.name if organisation else "", _("Appointments")) if part
        )
        text = feed_ics(name, feed_entries(owner, timezone.now()), time_zone=str(zone))
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="rendezvous.ics"'
    return response
