"""Django's email API writes into the outbox; the worker delivers (ARCHITECTURE: email)."""

from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone, translation

from rendezvous.notifications.models import OutgoingEmail


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            html = next(
                (content for content, mime in getattr(message, "alternatives", []) if mime == "text/html"),
                "",
            )
            OutgoingEmail.objects.bulk_create(
                OutgoingEmail(
                    to=recipient,
                    language=translation.get_language() or "",
                    template="django",
                    subject=message.subject,
                    body_text=message.body,
                    body_html=html,
                    send_after=timezone.now(),
                )
                for recipient in message.recipients()
            )
        return len(email_messages)
