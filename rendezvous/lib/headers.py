"""The Permissions-Policy header: Django sets the other security headers itself, and
django-csp the Content-Security-Policy."""

from django.conf import settings


def permissions_policy_middleware(get_response):
    """Deny every page the browser features listed in PERMISSIONS_POLICY (camera, microphone,
    …): Rendezvous uses none of them, so an injected script or an embedded frame cannot
    either."""

    def middleware(request):
        response = get_response(request)
        # Read per response so that tests can override the setting.
        policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response

    return middleware
