"""The outbox: mail is queued inside the caller's transaction and sent by the worker.

Every email a transaction queued is sent exactly once, or is visible as failed.

A worker claims rows (queued -> sending) under a random token, so two workers never send one
row twice. The claim is a short lease (OUTBOX_LEASE_SECONDS) that the worker renews before each
message it sends; a worker that dies stops renewing, and within about one lease another worker
puts its rows back in the queue. An attempt is counted when a send really starts, so the rows
the dead worker never got to go back as they were; the one it was sending keeps its attempt and
may be sent twice (the message may have gone out: a duplicate is better than a loss).
"""

import contextlib
import logging
import re
import secrets
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEText
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rendezvous.lib.errors import Conflict
from rendezvous.lib.mail import render_email
from rendezvous.lib.queries import PreparedUpdate
from rendezvous.notifications.models import EmailState, OutgoingEmail

log = logging.getLogger(__name__)

BATCH = 50


class NotResendable(Conflict):
    code = "email_not_failed"
    message = _("Only failed emails can be sent again.")


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
    if organisation is not None:  # the mail's layout names it (organisation_tags)
        context = {**context, "mail_organisation": organisation}
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


def lease() -> timedelta:
    """How long a claim holds without renewal. A worker renews between messages, so the lease
    must outlast the slowest single message (a few network waits of up to EMAIL_TIMEOUT each)."""
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def new_claim_token() -> str:
    return secrets.token_hex(16)


# Ends a claim: the row no longer belongs to any worker.
UNCLAIMED = {"claimed_by": "", "lease_until": None}


def requeue_expired() -> int:
    """Rows whose worker stopped renewing its lease go back to the queue.

    A row whose send had started keeps the attempt that start counted (the message may have
    gone out) and fails when that was its last try; rows never started go back unchanged.
    """
    expired = OutgoingEmail.objects.filter(
        state=EmailState.SENDING, lease_until__lt=timezone.now()
    )
    if not expired.exists():  # every round asks, and nearly always nothing has expired
        return 0
    interrupted = expired.filter(last_attempt_at__gte=F("claimed_at"))
    error = "The worker stopped while sending this email."
    with transaction.atomic():
        failed = interrupted.filter(attempts__gte=max_attempts()).update(
            state=EmailState.FAILED, last_error=error, **UNCLAIMED
        )
        retried = interrupted.update(state=EmailState.QUEUED, last_error=error, **UNCLAIMED)
        untouched = expired.update(state=EmailState.QUEUED, **UNCLAIMED)
    return failed + retried + untouched


def _due_ids(limit: int) -> list[int]:
    due = OutgoingEmail.objects.filter(state=EmailState.QUEUED, send_after__lte=timezone.now())
    due = due.order_by("send_after", "pk")
    if db_connection.features.has_select_for_update_skip_locked:
        # PostgreSQL: workers pass over each other's rows instead of waiting for them.
        due = due.select_for_update(skip_locked=True)
    return list(due.values_list("pk", flat=True)[:limit])


def claim_due(*, token: str, limit: int = BATCH) -> list[OutgoingEmail]:
    """Claim due rows (queued -> sending) for the worker holding `token`, for one lease.

    The rows are taken with one conditional UPDATE, so a row that another worker claimed first
    is simply not ours, whatever the database's isolation; the rows this claim won are those
    that then carry its token. On PostgreSQL the candidates are also selected with SKIP LOCKED
    so concurrent workers pick different rows. No attempt is counted yet: that happens when a
    send starts (start_attempt).
    """
    now = timezone.now()
    with transaction.atomic():
        due = _due_ids(limit)
        OutgoingEmail.objects.filter(pk__in=due, state=EmailState.QUEUED).update(
            state=EmailState.SENDING, claimed_by=token, claimed_at=now, lease_until=now + lease()
        )
    won = OutgoingEmail.objects.filter(pk__in=due, state=EmailState.SENDING, claimed_by=token)
    return list(won.order_by("send_after", "pk"))


def renew_lease(*, token: str) -> int:
    """The heartbeat: extend the lease of every row the worker holding `token` still has."""
    return OutgoingEmail.objects.filter(state=EmailState.SENDING, claimed_by=token).update(
        lease_until=timezone.now() + lease()
    )


def _attempt_started(email: int, claimed_by: str, now):
    return _owned_row(email, claimed_by), {"attempts": F("attempts") + 1, "last_attempt_at": now}


def _sent(email: int, claimed_by: str, now):
    done = {"state": EmailState.SENT, "sent_at": now, "last_error": "", **UNCLAIMED}
    return _owned_row(email, claimed_by), done


def _sent_and_forgotten(email: int, claimed_by: str, now):
    """Sent, and the text that carried a secret (a temporary password) forgotten."""
    rows, done = _sent(email, claimed_by, now)
    return rows, {**done, "body_text": "", "body_html": ""}


# Built once: each mail sent makes two of these.
_START_ATTEMPT = PreparedUpdate(_attempt_started)
_RECORD_SENT = PreparedUpdate(_sent)
_RECORD_SENT_AND_FORGET = PreparedUpdate(_sent_and_forgotten)


def start_attempt(email: OutgoingEmail) -> bool:
    """Count the attempt just before the message goes out; False when the row is no longer
    this worker's (its lease ran out and another worker took it), so it must not be sent."""
    now = timezone.now()
    started = _START_ATTEMPT(email=email.pk, claimed_by=email.claimed_by, now=now)
    if started:
        email.attempts += 1
        email.last_attempt_at = now
    return bool(started)


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


def _owned_row(email: int, claimed_by: str):
    """The row, as long as the claim this worker made on it still stands: once another worker
    has taken it over, nothing this one does can change it."""
    return OutgoingEmail.objects.filter(pk=email, state=EmailState.SENDING, claimed_by=claimed_by)


def _owned(email: OutgoingEmail):
    return _owned_row(email.pk, email.claimed_by)


def record_success(email: OutgoingEmail) -> bool:
    record = _RECORD_SENT_AND_FORGET if email.carries_secret else _RECORD_SENT
    return bool(record(email=email.pk, claimed_by=email.claimed_by, now=timezone.now()))


def record_failure(email: OutgoingEmail, error: BaseException) -> bool:
    """Queue the row for a later try, or fail it after its last; the wait grows with the tries
    counted so far (a row whose send never started has no new one)."""
    last_error = f"{type(error).__name__}: {error}"[:2000]
    if email.attempts >= max_attempts():
        recorded = _owned(email).update(
            state=EmailState.FAILED, last_error=last_error, **UNCLAIMED
        )
    else:
        recorded = _owned(email).update(
            state=EmailState.QUEUED,
            last_error=last_error,
            send_after=timezone.now() + backoff(email.attempts),
            **UNCLAIMED,
        )
    log.warning(
        "email %s to %s failed (try %s): %s", email.pk, email.to, email.attempts, last_error
    )
    return bool(recorded)


def connection_lost(error: BaseException) -> bool:
    """A network failure (as opposed to the server refusing this one message)."""
    refused = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)
    return isinstance(error, OSError) and not isinstance(error, refused)


def _deliver_all(emails: list[OutgoingEmail], connection, token: str) -> tuple[int, int]:
    """Send over the open connection; when it breaks, the rest wait for their next try (with no
    attempt counted, as none was made) rather than each waiting for a timeout now.

    Before a message, the lease is renewed once a third of it has passed, so however long the
    batch takes, the rows stay this worker's while it lives. Returns (sent, failed).
    """
    sent = failed = 0
    renewed = emails[0].claimed_at
    for index, email in enumerate(emails):
        if timezone.now() - renewed >= lease() / 3:
            renewed = timezone.now()
            renew_lease(token=token)
        if not start_attempt(email):  # the lease ran out and another worker took the row
            continue
        try:
            build_message(email, connection).send()
        except Exception as exc:  # every failure is recorded on the row, whatever its kind
            if not connection_lost(exc):
                failed += record_failure(email, exc)
                continue
            for rest in emails[index:]:
                failed += record_failure(rest, exc)
            break
        record_success(email)
        sent += 1
    return sent, failed


def send_due_emails(limit: int = BATCH) -> tuple[int, int]:
    """One round of the worker: send what is due over one connection; returns (sent, failed)."""
    requeue_expired()
    token = new_claim_token()
    emails = claim_due(token=token, limit=limit)
    if not emails:
        return 0, 0
    connection = get_connection(settings.OUTBOX_DELIVERY_BACKEND, fail_silently=False)
    try:
        connection.open()
    except Exception as exc:
        # The server is down. That counts as a try for every claimed row: otherwise a server
        # that stays down would keep them queued for ever instead of failing them.
        failed = 0
        for email in emails:
            if start_attempt(email):
                failed += record_failure(email, exc)
        return 0, failed
    try:
        return _deliver_all(emails, connection, token)
    finally:
        with contextlib.suppress(Exception):  # the rows are recorded; a failing QUIT is noise
            connection.close()


def resend_email(*, email: OutgoingEmail) -> OutgoingEmail:
    """Queue a failed email again with a fresh set of tries (the office's Resend button)."""
    with transaction.atomic():
        again = OutgoingEmail.objects.filter(pk=email.pk, state=EmailState.FAILED).update(
            state=EmailState.QUEUED,
            send_after=timezone.now(),
            attempts=0,
            claimed_at=None,
            **UNCLAIMED,
        )
        if not again:
            raise NotResendable()
    email.refresh_from_db()
    return email
