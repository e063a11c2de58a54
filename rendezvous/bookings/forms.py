"""Shape-only forms of the booking pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rendezvous.accounts.models import Role, User
from rendezvous.bookings.models import BookingStatus
from rendezvous.school.models import SchoolClass


class BookForm(forms.Form):
    slot = forms.IntegerField(min_value=1, max_value=2**62)
    pupil = forms.IntegerField(min_value=1, max_value=2**62)
    idempotency_key = forms.CharField(max_length=64, required=False)


class MoveForm(forms.Form):
    slot = forms.IntegerField(min_value=1, max_value=2**62)


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

    def __init__(self, *args, organisation, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events
        self.fields["event"].empty_label = None
        self.fields["teacher"].queryset = User.objects.filter(
            organisation=organisation, role__in=[Role.TEACHER, Role.ADMIN]
        ).order_by("last_name", "first_name")
        self.fields["school_class"].queryset = SchoolClass.objects.filter(
            organisation=organisation
        ).order_by("name")
