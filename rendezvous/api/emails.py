"""The outbox, for admins: what was sent, what waits and what failed, and resending a failed
mail (the office's Emails page). The text of mails that carry a password or a sign-in link is
never given out."""

from datetime import datetime
from typing import Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from rendezvous.api.errors import require_admin, responses
from rendezvous.api.lists import Columns, Page, ordered, page_of, sort_choices, sort_field
from rendezvous.notifications.access import get_email_for_user
from rendezvous.notifications.models import EmailState
from rendezvous.notifications.selectors import emails_for_office
from rendezvous.notifications.services import resend_email

router = Router(tags=["emails"])


class EmailOut(Schema):
    id: int
    to: str
    template: str
    subject: str
    language: str
    state: EmailState
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None


class EmailDetailOut(EmailOut):
    body_text: str | None = Field(..., description="null for a mail with a password or link")


EMAIL_ORDER: Columns = {
    "created_at": ("created_at",),
    "state": ("state", "created_at"),
    "to": ("to", "created_at"),
}


class EmailFilters(Schema):
    state: Literal["open", "all", "queued", "sending", "sent", "failed"] = Field(
        "open", description="open: failed and waiting"
    )
    sort: sort_choices(EMAIL_ORDER) = sort_field("-created_at")


@router.get("", response=responses({200: list[EmailOut]}, 401, 403), operation_id="emails_list")
def list_emails(request, response: HttpResponse, filters: Query[EmailFilters], page: Query[Page]):
    """The organisation's outbox, by default the latest first."""
    require_admin(request.user)
    rows = emails_for_office(request.user, state=filters.state)
    rows = ordered(rows, filters.sort, EMAIL_ORDER)
    return page_of(request, response, rows, page)


@router.get(
    "/{int:email_id}",
    response=responses({200: EmailDetailOut}, 401, 403, 404),
    operation_id="emails_get",
)
def get_email(request, email_id: int):
    require_admin(request.user)
    email = get_email_for_user(request.user, email_id)
    body = None if email.carries_secret else email.body_text
    return {**EmailOut.from_orm(email).dict(), "body_text": body}


@router.post(
    "/{int:email_id}/resend",
    response=responses({200: EmailOut}, 401, 403, 404, 409),
    operation_id="emails_resend",
)
def resend(request, email_id: int):
    """Queue a failed mail again with a fresh set of tries (409 when it has not failed)."""
    require_admin(request.user)
    return resend_email(email=get_email_for_user(request.user, email_id))
