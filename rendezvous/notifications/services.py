"""The outbox: mail is queued inside the caller's transaction and sent by the worker.

Invariant 5: every email a transaction queued is sent exactly once, or is visible as failed.
A row is claimed (queued -> sending) before it is sent, so two workers never send it twice; a
row left in "sending" by a worker that died is queued again after OUTBOX_SENDING_TIMEOUT and
counts as an attempt (the message may have gone out: a duplicate is better than a loss).
"""

import contextlib
import logging
import re
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEText
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from rendezvous.lib.errors import Conflict
from rendezvous.notifications.models import EmailState, OutgoingEmail

log = logging.getLogger(__name__)

BATCH = 50


class NotResendable(Conflict):
    code = "email_not_failed"
    message = _("Only failed emails can be sent again.")


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
    """Render now (in the recipient's language and the organisation's time zone) and store the
    message in the caller's transaction: if that rolls back, nothing is sent."""
    tz = organisation.tz if organisation is not None else None
    subject, text, html = render_email(template, context, language, tz)
    return OutgoingEmail.objects.create(
        organisation=organisation,
        to=to,
        language=language,
        template=template,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        ics=ics,
        send_after=timezone.now(),
    )


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, … minutes between tries, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def max_attempts() -> int:
    return settings.OUTBOX_MAX_ATTEMPTS


def sending_timeout() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT)


def requeue_stale() -> int:
    """Rows a crashed worker left in "sending" go back to the queue, or fail when out of tries."""
    stale = OutgoingEmail.objects.filter(
        state=EmailState.SENDING, claimed_at__lt=timezone.now() - sending_timeout()
    )
    error = "The worker stopped while sending this email."
    failed = stale.filter(attempts__gte=max_attempts()).update(
        state=EmailState.FAILED, last_error=error, claimed_at=None
    )
    requeued = stale.update(state=EmailState.QUEUED, last_error=error, claimed_at=None)
    return failed + requeued


def _due_ids(limit: int) -> list[int]:
    due = OutgoingEmail.objects.filter(state=EmailState.QUEUED, send_after__lte=timezone.now())
    due = due.order_by("send_after", "pk")
    if db_connection.features.has_select_for_update_skip_locked:
        # PostgreSQL: workers pass over each other's rows instead of waiting for them.
        due = due.select_for_update(skip_locked=True)
    return list(due.values_list("pk", flat=True)[:limit])


def claim_due(limit: int = BATCH) -> list[OutgoingEmail]:
    """Claim due rows (queued -> sending), counting the attempt.

    Each row is taken with a conditional UPDATE, so a row that another worker claimed first is
    simply not ours, whatever the database's isolation. On PostgreSQL the candidates are also
    selected with SKIP LOCKED so concurrent workers pick different rows.
    """
    now = timezone.now()
    claimed = []
    with transaction.atomic():
        for pk in _due_ids(limit):
            won = OutgoingEmail.objects.filter(pk=pk, state=EmailState.QUEUED).update(
                state=EmailState.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
            if won:
                claimed.append(pk)
    return list(OutgoingEmail.objects.filter(pk__in=claimed).order_by("send_after", "pk"))


def ics_method(ics: str) -> str:
    match = re.search(r"^METHOD:(\w+)", ics, re.MULTILINE)
    return match.group(1).upper() if match else "PUBLISH"


def ics_attachment(ics: str) -> SafeMIMEText:
    """invite.ics as text/calendar with its METHOD, so mail clients offer it as an invitation."""
    part = SafeMIMEText(ics, "calendar", "utf-8")
    part.set_param("method", ics_method(ics))
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


def build_message(email: OutgoingEmail, connection=None) -> EmailMultiAlternatives:
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
        message.attach(ics_attachment(email.ics))
    return message


def _owned(email: OutgoingEmail):
    """The row, as long as this worker's claim on it still stands."""
    return OutgoingEmail.objects.filter(
        pk=email.pk, state=EmailState.SENDING, claimed_at=email.claimed_at
    )


def record_success(email: OutgoingEmail) -> None:
    done = {"state": EmailState.SENT, "sent_at": timezone.now(), "last_error": ""}
    if email.carries_secret:
        done.update(body_text="", body_html="")
    _owned(email).update(**done)


def record_failure(email: OutgoingEmail, error: BaseException) -> None:
    last_error = f"{type(error).__name__}: {error}"[:2000]
    if email.attempts >= max_attempts():
        _owned(email).update(state=EmailState.FAILED, last_error=last_error)
    else:
        _owned(email).update(
            state=EmailState.QUEUED,
            last_error=last_error,
            send_after=timezone.now() + backoff(email.attempts),
        )
    log.warning(
        "email %s to %s failed (try %s): %s", email.pk, email.to, email.attempts, last_error
    )


def connection_lost(error: BaseException) -> bool:
    """A network failure (as opposed to the server refusing this one message)."""
    refused = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)
    return isinstance(error, OSError) and not isinstance(error, refused)


def _deliver_all(emails: list[OutgoingEmail], connection) -> int:
    """Send over the open connection; when it breaks, the rest wait for their next try rather
    than each waiting for a timeout now."""
    sent = 0
    for index, email in enumerate(emails):
        try:
            build_message(email, connection).send()
        except Exception as exc:  # every failure is recorded on the row, whatever its kind
            if not connection_lost(exc):
                record_failure(email, exc)
                continue
            for rest in emails[index:]:
                record_failure(rest, exc)
            break
        record_success(email)
        sent += 1
    return sent


def send_due_emails(limit: int = BATCH) -> tuple[int, int]:
    """One round of the worker: send what is due over one connection; returns (sent, failed)."""
    requeue_stale()
    emails = claim_due(limit)
    if not emails:
        return 0, 0
    connection = get_connection(settings.OUTBOX_DELIVERY_BACKEND, fail_silently=False)
    try:
        connection.open()
    except Exception as exc:  # the server is down: every claimed row waits for its next try
        for email in emails:
            record_failure(email, exc)
        return 0, len(emails)
    try:
        sent = _deliver_all(emails, connection)
    finally:
        with contextlib.suppress(Exception):  # the rows are recorded; a failing QUIT is noise
            connection.close()
    return sent, len(emails) - sent


def resend_email(*, email: OutgoingEmail) -> OutgoingEmail:
    """Queue a failed email again with a fresh set of tries (the office's Resend button)."""
    with transaction.atomic():
        again = OutgoingEmail.objects.filter(pk=email.pk, state=EmailState.FAILED).update(
            state=EmailState.QUEUED, send_after=timezone.now(), attempts=0, claimed_at=None
        )
        if not again:
            raise NotResendable()
    email.refresh_from_db()
    return email
