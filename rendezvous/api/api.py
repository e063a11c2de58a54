"""The JSON API, version 1, under /api/v1/: OpenAPI at openapi.json, its docs at docs."""

from ninja import NinjaAPI

from rendezvous.api import (
    auth,
    bookings,
    calendar,
    emails,
    errors,
    events,
    exports,
    people,
    reports,
    school,
    slots,
    tokens,
)
from rendezvous.api.docs import ApiDocs

api = NinjaAPI(
    title="Rendezvous API",
    version="1",
    urls_namespace="api-1",
    auth=[auth.session_auth, auth.token_auth],
    docs=ApiDocs(),
    description=(
        "Sign in with POST /auth/login; the session cookie then authenticates every call, "
        "and writes send the session's CSRF token (from /auth/me) in X-CSRFToken. Scripts "
        "send a personal access token instead (POST /tokens): Authorization: Bearer rdv_…. "
        "Errors are "
        '`{"code", "message", "details"}` in the language of Accept-Language.'
    ),
)
errors.install(api)
api.add_router("/auth", auth.router)
api.add_router("/bookings", bookings.router)
api.add_router("/slots", slots.router)
api.add_router("/events", events.router)
api.add_router("", school.router)
api.add_router("", people.router)
api.add_router("", calendar.schedule_router)
api.add_router("/calendar", calendar.router)
api.add_router("/tokens", tokens.router)
api.add_router("/exports", exports.router)
api.add_router("/reports", reports.router)
api.add_router("/emails", emails.router)
