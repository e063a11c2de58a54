"""The office's settings form: shape only. The logo's content is checked by the service
(logos.prepare_logo), which reports a refusal on the logo field."""

import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rendezvous.organisations.logos import FORMATS, MAX_BYTES, TOO_LARGE
from rendezvous.organisations.models import Organisation, validate_colour, validate_time_zone

LOGO_TYPES = ",".join(f"image/{kind.lower()}" for kind in sorted(FORMATS))


def time_zone_choices() -> list[tuple[str, str]]:
    """Zones named after a place ("Europe/Berlin"), which is how people know their own."""
    zones = sorted(
        zone
        for zone in zoneinfo.available_timezones()
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    )
    return [(zone, zone.replace("_", " ")) for zone in [*zones, "UTC"]]


class ColourInput(forms.TextInput):
    input_type = "color"


class OrganisationSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name of the school"), max_length=200)
    address = forms.CharField(
        label=_("Address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed under the name in every email and on letters."),
    )
    contact_email = forms.EmailField(
        label=_("Contact email"),
        required=False,
        help_text=_("Where parents and staff can write to the office; shown in every email."),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": LOGO_TYPES}),
        help_text=_("PNG, JPEG, GIF or WebP, at most 2 MB and 4000 pixels wide and high."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    accent_colour = forms.CharField(
        label=_("Accent colour"),
        max_length=7,
        validators=[validate_colour],
        widget=ColourInput,
        help_text=_(
            "Used for buttons and links. A colour too light to read on white is darkened."
        ),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, validators=[validate_time_zone]
    )
    language = forms.ChoiceField(
        label=_("Default language"),
        choices=settings.LANGUAGES,
        help_text=_("New accounts start in this language; everyone can choose their own."),
    )

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and logo.size > MAX_BYTES:
            raise forms.ValidationError(TOO_LARGE)
        return logo

    @staticmethod
    def initial_for(organisation: Organisation) -> dict:
        return {
            "name": organisation.name,
            "address": organisation.address,
            "contact_email": organisation.contact_email,
            "accent_colour": organisation.accent_colour,
            "time_zone": organisation.time_zone,
            "language": organisation.language,
        }
