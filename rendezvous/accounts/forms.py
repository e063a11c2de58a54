import re
from datetime import datetime, time, timedelta

from allauth.account import forms as allauth_forms
from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rendezvous.accounts.models import STAFF_ROLES, Role, TokenScope

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


STAFF_ROLE_CHOICES = [(role.value, role.label) for role in STAFF_ROLES]


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


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label=_("New email address"), max_length=254)
    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


class _OurPasswordWords:
    """Allauth's password forms, worded as the rest of the product (allauth's German says
    "du"): the labels and the check that the new password was typed twice alike."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "oldpassword": _("Current password"),
            "password1": _("New password"),
            "password2": _("New password again"),
        }
        for name, label in labels.items():
            if name in self.fields:
                self.fields[name].label = label
                self.fields[name].widget.attrs.pop("placeholder", None)

    def clean(self):
        cleaned = super(allauth_forms.PasswordVerificationMixin, self).clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error(
                "password2",
                _("The two new passwords differ. Please type the new password again, twice."),
            )
        return cleaned


class ChangePasswordForm(_OurPasswordWords, allauth_forms.ChangePasswordForm):
    pass


class SetPasswordForm(_OurPasswordWords, allauth_forms.SetPasswordForm):
    pass


class ResetPasswordKeyForm(_OurPasswordWords, allauth_forms.ResetPasswordKeyForm):
    pass


class AccessTokenForm(forms.Form):
    """A new personal access token: its name, what it may do and, if it should, the last day
    it works (in the organisation's time zone)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, such as “timetable sync”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
    )
    expires_on = forms.DateField(
        label=_("Last day it works"),
        required=False,
        help_text=_("Leave empty for a token that works until you revoke it."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("The last day cannot lie in the past."))
        return day

    def expires_at(self):
        """The end of the last day, or None."""
        day = self.cleaned_data["expires_on"]
        if day is None:
            return None
        midnight = datetime.combine(day + timedelta(days=1), time())
        return timezone.make_aware(midnight)
