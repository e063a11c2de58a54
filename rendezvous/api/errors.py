"""The API's errors: every refusal is `{"code", "message", "details"}` with a 4xx status, the
message in the requester's language (LocaleMiddleware and the user's own language)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, RawPostDataException
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from rendezvous.accounts.models import Role
from rendezvous.lib.errors import DomainError


class ErrorOut(Schema):
    code: str
    message: str
    details: dict


def responses(ok: dict, *statuses: int) -> dict:
    """An operation's answers: `ok` and the error body for each status it may refuse with,
    beside those any operation may give (bad input, a busy or unavailable server)."""
    return ok | dict.fromkeys((*statuses, 400, 422, 503), ErrorOut)


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    message = _("Sign in first.")
    status = 401


class Forbidden(DomainError):
    code = "forbidden"
    message = _("You may not do that.")
    status = 403


def require_role(user, *roles: str) -> None:
    """403 for a signed-in person whose role may not call the operation."""
    if user.role not in roles:
        raise Forbidden()


def require_admin(user) -> None:
    require_role(user, Role.ADMIN)


class NotFound(DomainError):
    code = "not_found"
    message = _("There is nothing here, or you may not see it.")
    status = 404


class CsrfFailed(Forbidden):
    code = "csrf_failed"
    message = _(
        "The request lacks the CSRF token of your session: send it in the X-CSRFToken header."
    )


class InvalidInput(DomainError):
    code = "validation_error"
    message = _("Some of the data sent is not valid.")
    status = 422


def error_response(api, request, error: DomainError):
    body = {"code": error.code, "message": str(error.message), "details": error.details}
    return api.create_response(request, body, status=error.status)


def _schema_error(exc: SchemaError) -> InvalidInput:
    fields = [
        {"field": ".".join(str(part) for part in item.get("loc", ())), "message": item["msg"]}
        for item in exc.errors
    ]
    return InvalidInput(details={"fields": fields})


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    message = _("Send the request body as JSON (Content-Type: application/json).")
    status = 415


class BadRequest(DomainError):
    code = "bad_request"
    message = _("The request could not be read.")


def _http_error(exc: HttpError) -> DomainError:
    error = BadRequest(details={"reason": str(exc)})
    error.status = exc.status_code
    return error


def install(api) -> None:
    """Answer every expected failure with the error body."""
    handlers = {
        DomainError: lambda exc: exc,
        Http404: lambda exc: NotFound(),
        PermissionDenied: lambda exc: Forbidden(),
        AuthenticationError: lambda exc: NotAuthenticated(),
        SchemaError: _schema_error,
        HttpError: _http_error,
        # A multipart body, already read by a middleware: the API reads JSON only.
        RawPostDataException: lambda exc: UnsupportedMediaType(),
    }
    for exception, to_error in handlers.items():
        api.add_exception_handler(
            exception,
            lambda request, exc, to_error=to_error: error_response(api, request, to_error(exc)),
        )
