"""Public files of an organisation: its theme stylesheet and its logo."""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

from rendezvous.organisations import theme
from rendezvous.organisations.access import get_organisation_theme

YEAR = 365 * 24 * 3600


@require_safe
def theme_css(request, slug: str):
    """The organisation's accent colours as CSS custom properties (see theme.py). Fetched
    with the version in its address it never changes, so browsers keep it; without, briefly."""
    organisation = get_organisation_theme(slug)
    response = HttpResponse(theme.stylesheet(organisation.accent_colour), content_type="text/css")
    if request.GET.get("v") == theme.version(organisation.accent_colour):
        patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=300)
    return response


@require_safe
def logo(request, name: str):
    """An organisation's logo. Only the logos folder is served, and every file in it was
    re-encoded on upload (logos.py); names carry a hash of the content, so they never change."""
    if not name.endswith(".png") or name.startswith("."):
        raise Http404
    response = serve(request, name, document_root=Path(settings.MEDIA_ROOT) / "logos")
    patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    return response
