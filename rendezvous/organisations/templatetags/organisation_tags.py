"""The organisation in mails and the site's address, for templates rendered without a request
(mail) or by others (allauth's mails)."""

from django import template
from django.conf import settings

from rendezvous.organisations import theme
from rendezvous.organisations.models import DEFAULT_ACCENT, Organisation

register = template.Library()


def _only_organisation():
    """The installation's one organisation, if there is exactly one."""
    organisations = list(Organisation.objects.all()[:2])
    return organisations[0] if len(organisations) == 1 else None


@register.simple_tag(takes_context=True)
def mail_organisation(context):
    """The organisation a mail speaks for: the one the outbox row was queued for, else that of
    the person or booking it is about (allauth names its account `user`), else the one passed
    in, else the installation's only one.

    The person comes before `organisation` because allauth renders its mails with the page's
    context, whose `organisation` is the signed-in person's, who need not be the recipient.
    """
    if isinstance(context.get("mail_organisation"), Organisation):
        return context["mail_organisation"]
    for key in ("recipient", "booking", "user"):
        found = getattr(context.get(key), "organisation", None)
        if isinstance(found, Organisation):
            return found
    if isinstance(context.get("organisation"), Organisation):
        return context["organisation"]
    return _only_organisation()


@register.simple_tag
def site_url() -> str:
    """The public address (settings.SITE_URL), never the host a request came in on."""
    return settings.SITE_URL


@register.filter
def accent(organisation) -> str:
    """The organisation's accent colour, darkened where white text on it would not read."""
    colour = getattr(organisation, "accent_colour", "") or DEFAULT_ACCENT
    return theme.palette(colour).accent
