"""Under /api/: CORS for the origins in settings.API_CORS_ORIGINS, and the API's error body on
the refusals Django and ninja answer themselves (an address that does not exist, a method an
address does not take)."""

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from rendezvous.api.errors import NotFound
from rendezvous.lib.errors import DomainError
from rendezvous.lib.middleware import error_json, is_api


class MethodNotAllowed(DomainError):
    code = "method_not_allowed"
    message = _("This address does not take this method.")
    status = 405


REFUSALS = {404: NotFound, 405: MethodNotAllowed}


class ApiErrorBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        refusal = REFUSALS.get(response.status_code)
        if refusal is None or not is_api(request) or _is_json(response):
            return response
        error = refusal()
        answer = error_json(error.code, error.message, error.status)
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


EXPOSED = "X-Total-Count, Link, Retry-After"
ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-CSRFToken, Accept-Language"
ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE"


class CorsMiddleware:
    """A browser on a listed origin may call the API, with its cookies, and read the paging
    headers. Preflights are answered here, before any other work; other origins get no CORS
    headers, so their browsers keep the answers from them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        origin = request.headers.get("Origin", "")
        if not is_api(request) or origin not in settings.API_CORS_ORIGINS:
            return self.get_response(request)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = "3600"
        else:
            response = self.get_response(request)
            response["Access-Control-Expose-Headers"] = EXPOSED
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Credentials"] = "true"
        response["Vary"] = ", ".join(filter(None, [response.get("Vary"), "Origin"]))
        return response
