"""What every page's header needs: the signed-in person's organisation and its theme."""

from django.urls import reverse

from rendezvous.organisations import theme


def theme_url(organisation) -> str:
    """The organisation's stylesheet; its address changes with the colour, so browsers may
    keep it for as long as they like."""
    path = reverse("organisation-theme", kwargs={"slug": organisation.slug})
    return f"{path}?v={theme.version(organisation.accent_colour)}"


def organisation(request) -> dict:
    """`organisation`: request.user's organisation, or None (signed out, or an account of no
    organisation); `theme_url`: its stylesheet, or "" (the default colours apply)."""
    user = getattr(request, "user", None)
    current = user.organisation if user is not None and user.is_authenticated else None
    return {
        "organisation": current,
        "theme_url": theme_url(current) if current is not None else "",
    }
