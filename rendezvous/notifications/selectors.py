"""Reads of the outbox for the office."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from rendezvous.accounts.models import User
from rendezvous.notifications.access import emails_visible_to
from rendezvous.notifications.models import EmailState

# The office's default view: what still needs attention, failures first.
OPEN_STATES = (EmailState.FAILED, EmailState.QUEUED, EmailState.SENDING)
STATE_FILTERS = {"open", "all", *EmailState.values}


def emails_for_office(user: User, *, state: str = "open") -> QuerySet:
    emails = emails_visible_to(user)
    if state == "open":
        emails = emails.filter(state__in=OPEN_STATES)
    elif state != "all":
        emails = emails.filter(state=state)
    urgency = Case(
        *(When(state=value, then=Value(rank)) for rank, value in enumerate(OPEN_STATES)),
        default=Value(len(OPEN_STATES)),
        output_field=IntegerField(),
    )
    return emails.defer("body_text", "body_html", "ics").order_by(urgency, "-created_at", "-pk")
