"""One JSON line per request, for a log collector to count, time and alert on.

The line names the view and its URL pattern, never the path itself, the query string, an
address or a name: `{"event": "request", "method": "POST", "view": "bookings:parent-book",
"route": "parent/book/", "status": 302, "ms": 14.2, "role": "parent"}`.
"""

import json
import logging
import time
from datetime import UTC, datetime

logger = logging.getLogger("rendezvous.requests")


def _role(request) -> str:
    """The signed-in person's role, read only if the request loaded the user anyway (a
    logging line must not cost a query)."""
    user = getattr(request, "_cached_user", None)
    if user is None:
        return "unknown"
    if not user.is_authenticated:
        return "anonymous"
    return user.role or ("superuser" if user.is_superuser else "staff")


def request_fields(request, status: int, started: float) -> dict:
    match = getattr(request, "resolver_match", None)
    return {
        "event": "request",
        "method": request.method,
        "view": match.view_name if match else None,
        "route": match.route if match else None,
        "status": status,
        "ms": round((time.perf_counter() - started) * 1000, 1),
        "role": _role(request),
    }


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if logger.isEnabledFor(logging.INFO):
            fields = request_fields(request, response.status_code, started)
            logger.info("request", extra={"fields": fields})
        return response


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time, level, logger and the record's `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            **getattr(record, "fields", {"message": record.getMessage()}),
        }
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"))
