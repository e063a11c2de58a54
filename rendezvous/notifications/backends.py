"""Django's email API writes into the outbox; the worker delivers.

Mail sent through django.core.mail (allauth's password reset, the accounts app's own mail)
becomes outbox rows like any other, so it is retried and visible to the office when it fails.
A message may name its template in a header; others are recorded as "django".
"""

from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone, translation
from django.utils.html import strip_tags

from rendezvous.accounts.models import User
from rendezvous.lib.mail import TEMPLATE_HEADER
from rendezvous.notifications.models import OutgoingEmail


def organisation_of(address: str):
    """The organisation of the account with this address, when exactly one has it."""
    organisations = set(
        User.objects.filter(email__iexact=address, organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    return organisations.pop() if len(organisations) == 1 else None


def bodies(message) -> tuple[str, str]:
    """(text, html) of a Django message, whichever of the two it was written as."""
    html = next(
        (content for content, mime in getattr(message, "alternatives", []) if mime == "text/html"),
        "",
    )
    if message.content_subtype == "html":
        return strip_tags(message.body), html or message.body
    return message.body, html


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        rows = []
        for message in email_messages:
            text, html = bodies(message)
            rows.extend(
                OutgoingEmail(
                    organisation_id=organisation_of(recipient),
                    to=recipient,
                    language=translation.get_language() or "",
                    template=message.extra_headers.get(TEMPLATE_HEADER, "django"),
                    subject=message.subject[:300],
                    body_text=text,
                    body_html=html,
                    send_after=timezone.now(),
                )
                for recipient in message.recipients()
            )
        OutgoingEmail.objects.bulk_create(rows)
        return len(email_messages)
