"""/healthz for load balancers: is the database answering, is the cache?"""

import logging
import secrets

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from rendezvous.lib.database import RETRY_AFTER

logger = logging.getLogger(__name__)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: database unavailable (%s: %s)", type(error).__name__, error)
        return "unavailable"
    return "ok"


def _cache() -> str:
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        answered = cache.get(key)
        cache.delete(key)
    # Each cache backend raises its own errors (Redis: redis.exceptions.ConnectionError).
    except Exception as error:
        logger.warning("Health check: cache unavailable (%s: %s)", type(error).__name__, error)
        return "unavailable"
    return "ok" if answered == value else "unavailable"


@never_cache
def healthz(request):
    """200 {"database": "ok", "cache": "ok"}, or 503 naming the part that failed. Reads no
    session and no user, so it answers the same with or without cookies."""
    state = {"database": _database(), "cache": _cache()}
    healthy = all(part == "ok" for part in state.values())
    response = JsonResponse(state, status=200 if healthy else 503)
    if not healthy:
        response["Retry-After"] = str(RETRY_AFTER)
    return response
