"""The page where a person starts, renews or stops their calendar feed."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rendezvous.calendars.feeds import feed_of, renew_feed, stop_feed


def feed_url(key: str) -> str:
    return settings.SITE_URL + reverse("bookings:calendar-feed", args=[key])


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed_page(request):
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "renew":
            renew_feed(user=request.user)
            messages.success(request, _("Your calendar feed has a new address."))
        elif action == "stop":
            stop_feed(user=request.user)
            messages.success(request, _("Your calendar feed is stopped."))
        return redirect("calendar-feed-page")
    feed = feed_of(request.user)
    context = {"feed": feed}
    if feed is not None:
        url = feed_url(feed.key)
        context |= {"url": url, "webcal": "webcal" + url[url.index(":") :]}
    return render(request, "calendars/feed.html", context)
