"""Forms of the office pages that combine several apps' rows: shape only."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rendezvous.accounts.access import people_visible_to
from rendezvous.accounts.models import STAFF_ROLES
from rendezvous.bookings.models import BookingStatus
from rendezvous.lib.sorting import SortedChoices, by_person
from rendezvous.lib.views import MAX_ID
from rendezvous.scheduling.access import events_visible_to
from rendezvous.school.access import classes_visible_to
from rendezvous.school.forms import NameChoiceField
from rendezvous.school.selectors import CredentialsState


class CredentialsFilterForm(forms.Form):
    """Which parents the credentials page lists, and "all parents matching the filter" sends
    to."""

    school_class = NameChoiceField(
        label=_("Class"), queryset=None, required=False, empty_label=_("All classes")
    )
    event = forms.ModelChoiceField(
        label=_("Event"), queryset=None, required=False, empty_label=_("All events")
    )
    state = forms.ChoiceField(
        label=_("Credentials"),
        required=False,
        choices=[("", _("Sent and not sent")), *CredentialsState.choices],
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


class CredentialsScope(models.TextChoices):
    """The two send buttons: the ticked parents, or all parents matching the filter."""

    SELECTED = "selected", _("The ticked parents")
    FILTERED = "filtered", _("All parents matching the filter")


class SendCredentialsForm(CredentialsFilterForm):
    scope = forms.ChoiceField(choices=CredentialsScope.choices)
    parents = IdListField(required=False)
    resend = forms.BooleanField(
        label=_("Also parents who already have credentials (their old password stops working)"),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("scope") == CredentialsScope.SELECTED
            and not cleaned.get("parents")
            and not self.has_error("parents")
        ):
            raise forms.ValidationError(_("Tick at least one parent."))
        return cleaned


class TeacherChoiceField(forms.ModelChoiceField):
    """One teacher (or admin), chosen from an alphabetical list."""

    iterator = SortedChoices
    sort_key = staticmethod(by_person)

    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.email


class AppointmentFilterForm(forms.Form):
    """The office's filters; choices are limited to the office's own organisation."""

    event = forms.ModelChoiceField(queryset=None, label=_("Event"), required=False)
    teacher = TeacherChoiceField(
        queryset=None, label=_("Teacher"), required=False, empty_label=_("All teachers")
    )
    school_class = NameChoiceField(
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
        self.fields["teacher"].queryset = people_visible_to(user, roles=STAFF_ROLES)
        self.fields["school_class"].queryset = classes_visible_to(user)


class ReportFilterForm(forms.Form):
    """An event, or a period of days, or both; all empty means all slots."""

    event = forms.ModelChoiceField(
        queryset=None, label=_("Event"), required=False, empty_label=_("All events")
    )
    date_from = forms.DateField(
        label=pgettext_lazy("the first day of a period", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("the last day of a period", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The last day cannot lie before the first day."))
        return data
