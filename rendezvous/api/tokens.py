"""Personal access tokens, managed with the session (a token cannot make or end tokens)."""

from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from rendezvous.accounts.models import TokenScope
from rendezvous.accounts.tokens import create_token, get_token_for_user, revoke_token, tokens_of
from rendezvous.api.auth import session_auth
from rendezvous.api.errors import InvalidInput, responses
from rendezvous.api.fields import Text
from rendezvous.api.lists import Columns, Page, ordered, page_of, sort_choices, sort_field

router = Router(tags=["tokens"], auth=session_auth)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: TokenScope
    created_at: datetime
    expires_at: datetime | None


class NewTokenOut(TokenOut):
    token: str  # shown this once; only its digest is kept


class TokenIn(Schema):
    name: Text = Field(..., min_length=1, max_length=100)
    scope: TokenScope = TokenScope.READ
    expires_at: datetime | None = None


def _check_expiry(expires_at: datetime | None) -> None:
    if expires_at is None:
        return
    if expires_at.tzinfo is None:
        problem = _("Give the time with its time zone, such as 2027-01-31T18:00:00+01:00.")
    elif expires_at <= timezone.now():
        problem = _("The expiry must lie in the future.")
    else:
        return
    raise InvalidInput(details={"fields": [{"field": "expires_at", "message": str(problem)}]})


TOKEN_ORDER: Columns = {"created_at": ("created_at",), "name": ("name",)}


class TokenOrder(Schema):
    sort: sort_choices(TOKEN_ORDER) = sort_field("-created_at")


@router.get("", response=responses({200: list[TokenOut]}, 401), operation_id="tokens_list")
def list_tokens(request, response: HttpResponse, order: Query[TokenOrder], page: Query[Page]):
    rows = ordered(tokens_of(request.user), order.sort, TOKEN_ORDER)
    return page_of(request, response, rows, page)


@router.post("", response=responses({201: NewTokenOut}, 401, 403), operation_id="tokens_create")
def make_token(request, new: TokenIn):
    """A token that acts as you, read-only or read-write, until it expires or you revoke it."""
    _check_expiry(new.expires_at)
    access, token = create_token(
        user=request.user, name=new.name, scope=new.scope, expires_at=new.expires_at
    )
    return Status(201, {**TokenOut.from_orm(access).dict(), "token": token})


@router.delete(
    "/{int:token_id}", response=responses({204: None}, 401, 403, 404), operation_id="tokens_revoke"
)
def revoke(request, token_id: int):
    """The token stops working at once."""
    revoke_token(access=get_token_for_user(request.user, token_id))
    return Status(204, None)
