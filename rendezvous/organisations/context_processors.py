"""What every page's header needs: the signed-in person's organisation and its theme."""

from functools import lru_cache

from django.urls import get_script_prefix, reverse

from rendezvous.organisations import theme


def theme_url(organisation) -> str:
    """The organisation's stylesheet; its address changes with the colour, so browsers may
    keep it for as long as they like."""
    return _theme_url(get_script_prefix(), organisation.slug, organisation.accent_colour)


@lru_cache(maxsize=1024)
def _theme_url(prefix: str, slug: str, colour: str) -> str:
    """Worked out once per organisation and colour: every page's header names it. (`prefix`,
    the site's own, is part of the address that `reverse` gives.)"""
    path = reverse("organisation-theme", kwargs={"slug": slug})
    return f"{path}?v={theme.version(colour)}"


def organisation(request) -> dict:
    """`organisation`: request.user's organisation, or None (signed out, or an account of no
    organisation); `theme_url`: its stylesheet, or "" (the default colours apply)."""
    user = getattr(request, "user", None)
    current = user.organisation if user is not None and user.is_authenticated else None
    return {
        "organisation": current,
        "theme_url": theme_url(current) if current is not None else "",
    }
