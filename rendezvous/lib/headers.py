"""The Permissions-Policy header, and the Content-Security-Policy drawn once: Django sets the
other security headers itself."""

import functools

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


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


# What a view, a decorator or a template can do to django-csp's policy for one response.
_CHANGES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")
_CHANGES += tuple(f"{name}_ro" for name in _CHANGES)


@functools.cache
def _policies() -> tuple[tuple[str, str], ...] | None:
    """The headers of CONTENT_SECURITY_POLICY(_REPORT_ONLY) as settings give them; None when
    either leaves some addresses out, which django-csp's own way then decides per request."""
    names = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    if any((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") for name in names):
        return None
    headers = ((HEADER, build_policy()), (HEADER_REPORT_ONLY, build_policy(report_only=True)))
    return tuple((header, policy) for header, policy in headers if policy)


@receiver(setting_changed)
def _settings_changed(*, setting, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policies.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy's text built once per process. Rendezvous's
    policy has no nonce and no page changes it, so every response carries the same text, which
    django-csp builds anew for each: a quarter of Django's part of a 503 at the peak of a rush.
    A response whose policy differs (a nonce used, a view's change) gets django-csp's own."""

    def process_response(self, request, response):
        policies = _policies()
        if (
            policies is None
            or isinstance(getattr(request, "_csp_nonce", None), str)
            or any(hasattr(response, change) for change in _CHANGES)
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        for header, policy in policies:
            response.headers.setdefault(header, policy)
        # As django-csp: a nonce asked for once the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
