"""Rendering mail, and the header that names a message's template for the outbox.

Apps below the outbox (accounts) send through Django's email API; the configured backend puts
every message into the outbox, where the template header tells the office what it is.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

TEMPLATE_HEADER = "X-Rendezvous-Template"


def render_email(template: str, context: dict, language: str, tz=None) -> tuple[str, str, str]:
    """Subject, text and HTML of templates/emails/<template>.* in the given language."""
    with translation.override(language), timezone.override(tz or timezone.get_current_timezone()):
        context = {"LANGUAGE_CODE": language, "site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"emails/{template}.subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return " ".join(subject.split()), text, html
