"""Forms for the office's structure pages: shape only, choices limited to the organisation."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rendezvous.accounts.models import STAFF_ROLES, Role, User
from rendezvous.lib.forms import RowsChoiceField
from rendezvous.organisations.models import Organisation
from rendezvous.school.models import Department, Pupil, SchoolClass

MAX_ROSTER_BYTES = 5 * 1024 * 1024
MULTI = forms.SelectMultiple(attrs={"size": 8})


class PersonChoiceField(RowsChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class PupilChoiceField(RowsChoiceField):
    def label_from_instance(self, obj: Pupil) -> str:
        return f"{obj.last_name}, {obj.first_name} ({obj.school_class.name})"


def teachers_of(organisation: Organisation):
    return User.objects.filter(
        organisation=organisation, role__in=STAFF_ROLES, is_active=True
    ).order_by("last_name", "first_name")


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    teachers = PersonChoiceField(
        label=_("Teachers"), queryset=User.objects.none(), required=False, widget=MULTI
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teachers"].queryset = teachers_of(organisation)


class SchoolClassForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    class_teachers = PersonChoiceField(
        label=_("Class teachers"), queryset=User.objects.none(), required=False, widget=MULTI
    )
    subject_teachers = PersonChoiceField(
        label=_("Subject teachers"),
        queryset=User.objects.none(),
        required=False,
        widget=MULTI,
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
    school_class = forms.ModelChoiceField(label=_("Class"), queryset=SchoolClass.objects.none())

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = organisation.classes.all()


class LinkParentForm(forms.Form):
    parent = forms.ModelChoiceField(label=_("Parent"), queryset=User.objects.none())

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        field.queryset = User.objects.filter(organisation=organisation, role=Role.PARENT).order_by(
            "last_name", "first_name", "pk"
        )
        field.label_from_instance = lambda parent: " · ".join(
            part for part in (parent.full_name, parent.email) if part
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
    children = PupilChoiceField(
        label=_("Children"), queryset=Pupil.objects.none(), required=False, widget=MULTI
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = Pupil.objects.filter(
            organisation=organisation
        ).select_related("school_class")
        self.fields["language"].initial = organisation.language


class PupilFilterForm(forms.Form):
    school_class = forms.ModelChoiceField(
        label=_("Class"), queryset=SchoolClass.objects.none(), required=False
    )
    q = forms.CharField(label=_("Name"), max_length=100, required=False)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = organisation.classes.all()
        self.fields["school_class"].empty_label = _("All classes")


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
