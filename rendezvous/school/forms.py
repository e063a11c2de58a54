"""Forms for the office's structure pages: shape only, choices limited to the organisation.

Choices are in reading order (lib.sorting): classes by their numbers, people alphabetically.
No choice list shows Django's "---------": an empty choice says what it means.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rendezvous.accounts.models import STAFF_ROLES, Role, User
from rendezvous.lib.forms import RowsChoiceField
from rendezvous.lib.sorting import SortedChoices, by_name, by_person
from rendezvous.organisations.models import Organisation
from rendezvous.school.models import Department, Pupil, SchoolClass

MAX_ROSTER_BYTES = 5 * 1024 * 1024


class SelectAllCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes with a "Select all": the office's form template draws it as a checkbox
    where JavaScript runs and as a button that shows the form again all ticked where not."""


class NameChoiceField(forms.ModelChoiceField):
    """A class or a department, in natural order ("5a" before "10a")."""

    iterator = SortedChoices
    sort_key = staticmethod(by_name)


class PersonChoiceField(RowsChoiceField):
    """Several people, alphabetically, as checkboxes with "Select all"."""

    iterator = SortedChoices
    sort_key = staticmethod(by_person)
    widget = SelectAllCheckboxes

    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class PupilsField(RowsChoiceField):
    """Pupils chosen by id. Its page shows the chosen pupils and a search (a picker), never
    every pupil of the school: `picker` tells the office's form template to draw it so."""

    widget = forms.MultipleHiddenInput
    picker = True


def teachers_of(organisation: Organisation):
    return User.objects.filter(organisation=organisation, role__in=STAFF_ROLES, is_active=True)


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    teachers = PersonChoiceField(label=_("Teachers"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teachers"].queryset = teachers_of(organisation)


class SchoolClassForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    department = NameChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        empty_label=_("Choose a department"),
    )
    class_teachers = PersonChoiceField(
        label=_("Class teachers"), queryset=User.objects.none(), required=False
    )
    subject_teachers = PersonChoiceField(
        label=_("Subject teachers"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Parents of the class may book these teachers too."),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = organisation.departments.all()
        self.fields["class_teachers"].queryset = teachers_of(organisation)
        self.fields["subject_teachers"].queryset = teachers_of(organisation)


class PupilForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    school_class = NameChoiceField(
        label=_("Class"), queryset=SchoolClass.objects.none(), empty_label=_("Choose a class")
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = organisation.classes.all()


class LinkParentForm(forms.Form):
    """The parent a pupil page's search result links; the page never lists every parent."""

    parent = forms.ModelChoiceField(
        label=_("Parent"), queryset=User.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = User.objects.filter(
            organisation=organisation, role=Role.PARENT
        )


class ParentForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        help_text=_("Without an email address the parent gets a printed letter."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    children = PupilsField(label=_("Children"), queryset=Pupil.objects.none(), required=False)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = Pupil.objects.filter(organisation=organisation)
        self.fields["language"].initial = organisation.language


class PupilFilterForm(forms.Form):
    school_class = NameChoiceField(
        label=_("Class"),
        queryset=SchoolClass.objects.none(),
        required=False,
        empty_label=_("All classes"),
    )
    q = forms.CharField(label=_("Name"), max_length=100, required=False)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = organisation.classes.all()


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: class, pupil_first_name, pupil_last_name, parent_first_name, "
            "parent_last_name, parent_email, and optionally parent_language (de, en or ru). "
            "Separated by semicolons, commas or tabs; UTF-8 or Windows-1252."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ROSTER_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."), code="too_large")
        return upload
