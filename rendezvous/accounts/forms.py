import re

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rendezvous.accounts.models import Role
from rendezvous.lib.views import MAX_ID
from rendezvous.scheduling.models import Event
from rendezvous.school.models import SchoolClass

LOGIN_CODE = re.compile(r"^\d{5}$")


class LoginForm(AllauthLoginForm):
    """The ordinary sign-in form; parents type their 5-digit code where others type an email."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"] = forms.CharField(
            label=_("Email or parent code"),
            max_length=254,
            widget=forms.TextInput(
                # The page's hint for parents (templates/account/login.html) describes the field.
                attrs={
                    "autocomplete": "username",
                    "autofocus": True,
                    "aria-describedby": "login-hint",
                }
            ),
        )
        self.fields["password"].help_text = ""  # the page links to the reset form itself
        self.order_fields(["login", "password"])

    def user_credentials(self) -> dict:
        login = self.cleaned_data["login"]
        password = self.cleaned_data.get("password", "")
        if LOGIN_CODE.match(login):
            return {"login_code": login, "password": password}
        return {"email": login, "password": password}


STAFF_ROLE_CHOICES = [(Role.ADMIN, Role.ADMIN.label), (Role.TEACHER, Role.TEACHER.label)]


class StaffForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES, initial=Role.TEACHER)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class StaffCreateForm(StaffForm):
    send_welcome = forms.BooleanField(
        label=_("Email a link to choose a password"), required=False, initial=True
    )


class StaffEditForm(StaffForm):
    is_active = forms.BooleanField(label=_("Active (may sign in)"), required=False)


class ParentFilterForm(forms.Form):
    school_class = forms.ModelChoiceField(
        label=_("Class"), queryset=SchoolClass.objects.none(), required=False
    )
    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("Credentials"),
        required=False,
        choices=[
            ("", _("All")),
            ("new", _("Not sent yet")),
            ("sent", _("Sent")),
        ],
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = SchoolClass.objects.filter(
            organisation=organisation
        )
        self.fields["event"].queryset = Event.objects.filter(organisation=organisation)


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
