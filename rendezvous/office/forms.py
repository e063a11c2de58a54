"""Forms of the office pages that combine several apps' rows: shape only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rendezvous.accounts.access import people_visible_to
from rendezvous.accounts.models import STAFF_ROLES
from rendezvous.bookings.models import BookingStatus
from rendezvous.lib.views import MAX_ID
from rendezvous.scheduling.access import events_visible_to
from rendezvous.school.access import classes_visible_to


class ParentFilterForm(forms.Form):
    school_class = forms.ModelChoiceField(label=_("Class"), queryset=None, required=False)
    event = forms.ModelChoiceField(label=_("Event"), queryset=None, required=False)
    status = forms.ChoiceField(
        label=_("Credentials"),
        required=False,
        choices=[
            ("", _("All")),
            ("new", _("Not sent yet")),
            ("sent", _("Sent")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes_visible_to(user)
        self.fields["event"].queryset = events_visible_to(user)


class IdListField(forms.Field):
    """Ticked ids; whether they may be used is for accounts.access to say."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        try:
            ids = {int(item) for item in value or []}
        except (TypeError, ValueError):
            raise forms.ValidationError(_("The selection is not valid.")) from None
        if any(not 1 <= item <= MAX_ID for item in ids):
            raise forms.ValidationError(_("The selection is not valid."))
        return sorted(ids)


class SendCredentialsForm(ParentFilterForm):
    """Either the ticked parents, or all parents of the chosen class and/or event."""

    scope = forms.ChoiceField(choices=[("selected", "selected"), ("filtered", "filtered")])
    parents = IdListField(required=False)
    resend = forms.BooleanField(
        label=_("Also parents who already have credentials (their old password stops working)"),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("scope") == "selected"
            and not cleaned.get("parents")
            and not self.has_error("parents")
        ):
            raise forms.ValidationError(_("Tick at least one parent."))
        if cleaned.get("scope") == "filtered" and not (
            cleaned.get("school_class") or cleaned.get("event")
        ):
            raise forms.ValidationError(_("Choose a class or an event first."))
        return cleaned


class AppointmentFilterForm(forms.Form):
    """The office's filters; choices are limited to the office's own organisation."""

    event = forms.ModelChoiceField(queryset=None, label=_("Event"), required=False)
    teacher = forms.ModelChoiceField(
        queryset=None, label=_("Teacher"), required=False, empty_label=_("All teachers")
    )
    school_class = forms.ModelChoiceField(
        queryset=None, label=_("Class"), required=False, empty_label=_("All classes")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *BookingStatus.choices],
    )

    def __init__(self, *args, user, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events
        self.fields["event"].empty_label = None
        self.fields["teacher"].queryset = people_visible_to(user, roles=STAFF_ROLES).order_by(
            "last_name", "first_name"
        )
        self.fields["school_class"].queryset = classes_visible_to(user).order_by("name")
