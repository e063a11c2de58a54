"""The outbox: mail is queued inside the caller's transaction and sent by the worker."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from rendezvous.notifications.models import EmailState, OutgoingEmail

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=10)


def render_email(template: str, context: dict, language: str, tz=None) -> tuple[str, str, str]:
    """Subject, text and HTML of templates/emails/<template>.* in the given language."""
    with translation.override(language), timezone.override(tz or timezone.get_current_timezone()):
        context = {"LANGUAGE_CODE": language, "site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"emails/{template}.subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return " ".join(subject.split()), text, html


def queue_email(
    *,
    template: str,
    to: str,
    context: dict,
    language: str,
    organisation=None,
    ics: str = "",
) -> OutgoingEmail:
    tz = organisation.tz if organisation is not None else None
    subject, text, html = render_email(template, context, language, tz)
    return OutgoingEmail.objects.create(
        organisation=organisation,
        to=to,
        language=language,
        template=template,
        subject=subject,
        body_text=text,
        body_html=html,
        ics=ics,
        send_after=timezone.now(),
    )


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, … minutes between tries, at most six hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


def claim_due(limit: int = 50) -> list[OutgoingEmail]:
    """Claim due rows with a conditional UPDATE, so any number of workers can run."""
    now = timezone.now()
    OutgoingEmail.objects.filter(state=EmailState.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        state=EmailState.QUEUED
    )
    due = OutgoingEmail.objects.filter(state=EmailState.QUEUED, send_after__lte=now)
    claimed = []
    for pk in due.order_by("send_after").values_list("pk", flat=True)[:limit]:
        won = OutgoingEmail.objects.filter(pk=pk, state=EmailState.QUEUED).update(
            state=EmailState.SENDING, claimed_at=now
        )
        if won:
            claimed.append(pk)
    return list(OutgoingEmail.objects.filter(pk__in=claimed))


def build_message(email: OutgoingEmail, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        connection=connection,
        headers={"X-Rendezvous-Email": str(email.pk)},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    if email.ics:
        message.attach("invite.ics", email.ics, "text/calendar; charset=utf-8; method=REQUEST")
    return message


def deliver(email: OutgoingEmail, connection) -> bool:
    try:
        build_message(email, connection).send()
    except Exception as exc:  # every failure is recorded on the row, whatever its kind
        email.attempts += 1
        email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            email.state = EmailState.FAILED
        else:
            email.state = EmailState.QUEUED
            email.send_after = timezone.now() + backoff(email.attempts)
        email.save(update_fields=["attempts", "last_error", "state", "send_after"])
        log.warning("email %s to %s failed: %s", email.pk, email.to, email.last_error)
        return False
    email.attempts += 1
    email.state = EmailState.SENT
    email.sent_at = timezone.now()
    email.last_error = ""
    email.save(update_fields=["attempts", "state", "sent_at", "last_error"])
    return True


def send_due_emails(limit: int = 50) -> tuple[int, int]:
    """Send what is due; returns (sent, failed)."""
    emails = claim_due(limit)
    if not emails:
        return 0, 0
    connection = get_connection(settings.OUTBOX_DELIVERY_BACKEND, fail_silently=False)
    sent = sum(deliver(email, connection) for email in emails)
    return sent, len(emails) - sent


@transaction.atomic
def resend_email(*, email: OutgoingEmail) -> None:
    email.state = EmailState.QUEUED
    email.send_after = timezone.now()
    email.attempts = 0
    email.save(update_fields=["state", "send_after", "attempts"])
