"""Shape-only forms of the decisions on bookings: the note that goes with a rejection or a
cancellation, several requests confirmed at once, and the teacher's choice of request mails."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rendezvous.accounts.models import RequestMails
from rendezvous.bookings.services.booking import MESSAGE_MAX_LENGTH
from rendezvous.lib.forms import RowsChoiceField


class DecisionMessageForm(forms.Form):
    """The page labels the field: who reads the message depends on who writes it."""

    message = forms.CharField(
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_MAX_LENGTH}),
    )


class ConfirmManyForm(forms.Form):
    """The ticked requests; `requests` is what the person may decide (from bookings.access)."""

    bookings = RowsChoiceField(
        queryset=None,
        error_messages={
            "required": _("Tick the requests you want to confirm first."),
            "invalid_choice": _("The selection is not valid."),
            "invalid_pk_value": _("The selection is not valid."),
        },
    )

    def __init__(self, *args, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bookings"].queryset = requests


class RequestMailsForm(forms.Form):
    request_mails = forms.ChoiceField(
        label=_("Emails about new requests"), choices=RequestMails.choices
    )
