"""Answers for requests that cannot be served: the database is away (503), or the request
holds characters that no field accepts (400)."""

import functools
import json
import logging
import sys

from django.core.signals import got_request_exception
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, gettext_lazy

from rendezvous.lib.database import RETRY_AFTER, is_unavailable, watch_round_trips

logger = logging.getLogger(__name__)

# Set on a request while DatabaseUnavailableMiddleware is handling it.
_GUARDED = "_rendezvous_database_guarded"


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def error_json(code: str, message, status: int, details: dict | None = None) -> JsonResponse:
    """The API's error body, `{"code", "message", "details"}`, for answers made before a
    view runs."""
    body = {"code": code, "message": str(message), "details": details or {}}
    return JsonResponse(body, status=status)


def unavailable_response(request, error: BaseException) -> HttpResponse:
    """503 with Retry-After while the database is away."""
    summary = next(iter(str(error).strip().splitlines()), "")
    logger.warning(
        "Database unavailable, answered 503: %s %s (%s: %s)",
        request.method,
        request.path,
        type(error).__name__,
        summary,
    )
    message = gettext_lazy("Rendezvous is unavailable for a moment. Please try again shortly.")
    return busy_response(request, "unavailable", message, RETRY_AFTER)


def busy_response(request, code: str, message, retry_after: int) -> HttpResponse:
    """503 with Retry-After, rendered without the database: no session, no user, no
    messages, in the language the browser asks for. A page asked for (not a form sent)
    loads itself again after those seconds."""
    with translation.override(translation.get_language_from_request(request)):
        if is_api(request):
            response = error_json(code, message, 503)
        else:
            reload = retry_after if request.method in ("GET", "HEAD") else None
            before, after = _busy_page(translation.get_language(), str(message), reload)
            page = f"{before}{escape(request.get_full_path())}{after}"
            response = HttpResponse(page, status=503)
    response["Retry-After"] = str(retry_after)
    # A warning or the request's log line is all a 503 costs; Django would add an error line
    # ("Service Unavailable: …") for every 5xx, which alerts as if for a bug.
    response._has_been_logged = True
    return response


class _PathMark:
    """Stands for the request while the busy page is drawn: its link back is filled in later."""

    MARK = "rendezvous-busy-page-path"

    def get_full_path(self) -> str:
        return self.MARK


@functools.lru_cache(maxsize=64)
def _busy_page(language: str, message: str, reload: int | None) -> tuple[str, str]:
    """The 503 page in a language with a message (and the seconds after which it loads
    itself again), drawn once per process, as the parts before and after its link back to
    the page asked for: at the peak of a rush most answers are this page, and it is the same
    for everyone but that link."""
    context = {"request": _PathMark(), "message": message, "reload": reload}
    before, after = render_to_string("503.html", context).split(_PathMark.MARK)
    return before, after


def _escalate(sender, request=None, **kwargs) -> None:
    """Let a database outage inside another middleware reach DatabaseUnavailableMiddleware.

    Django turns an exception raised inside any middleware (the session and the user are
    read there, before the view) into a 500 response at that middleware's boundary, so the
    outer middleware would only ever see the 500. Django sends this signal just before it
    builds that response; raising the error again from here carries it outwards, one
    middleware at a time, to the one that answers 503.
    """
    error = sys.exc_info()[1]
    if getattr(request, _GUARDED, False) and error is not None and is_unavailable(error):
        raise error


# Connected on import, before Django's test client connects its own receiver for a request,
# which would otherwise record the error as unhandled.
got_request_exception.connect(_escalate, dispatch_uid="rendezvous-database-unavailable")


class DatabaseUnavailableMiddleware:
    """503 with Retry-After, never a 500 or a hang, while the database is down, frozen or
    locked (the timeouts in settings.DATABASES turn a hang into an error). Sits before the
    session middleware so that session and sign-in failures are covered too."""

    def __init__(self, get_response):
        self.get_response = get_response
        watch_round_trips()

    def __call__(self, request):
        setattr(request, _GUARDED, True)
        try:
            return self.get_response(request)
        except Exception as error:
            if is_unavailable(error):
                return unavailable_response(request, error)
            raise
        finally:
            setattr(request, _GUARDED, False)

    def process_exception(self, request, exception):
        if is_unavailable(exception):
            return unavailable_response(request, exception)
        return None


def _holds_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for data in sources:
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    if any("\x00" in value for value in request.COOKIES.values()):
        return True
    return request.content_type == "application/json" and _json_holds_nul(request.body)


def _json_holds_nul(body: bytes) -> bool:
    """JSON writes a NUL as \\u0000; only a body with that sequence is read to be sure (it may
    be an escaped backslash followed by "u0000")."""
    if b"\\u0000" not in body:
        return False
    try:
        return _nul_in(json.loads(body))
    except ValueError:
        return False  # not JSON after all: the view's parser answers for it


def _nul_in(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_nul_in(key) or _nul_in(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_nul_in(item) for item in value)
    return False


class RefuseNulCharactersMiddleware:
    """400 for a NUL character anywhere in the path, the query, the posted form, a JSON body
    or the cookies. No field accepts one, and PostgreSQL refuses text that holds one, so a search
    or a lookup would otherwise fail with a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _holds_nul(request):
            return self.get_response(request)
        with translation.override(translation.get_language_from_request(request)):
            message = gettext("The request contains a NUL character, which no field accepts.")
        if is_api(request):
            return error_json("nul_character", message, 400)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
