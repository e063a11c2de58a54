"""Every named URL pattern of the project, for the tests that walk them all."""

from django.urls import URLPattern, URLResolver, get_resolver


def _named_patterns(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            qualified = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            yield from _named_patterns(pattern.url_patterns, qualified)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def named_url_patterns() -> dict[str, URLPattern]:
    """{"office:event-detail": <URLPattern>, …}, allauth's and the Django admin's included."""
    return dict(_named_patterns(get_resolver().url_patterns))
