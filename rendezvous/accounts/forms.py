import re

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.utils.translation import gettext_lazy as _

LOGIN_CODE = re.compile(r"^\d{5}$")


class LoginForm(AllauthLoginForm):
    """The ordinary sign-in form; parents type their 5-digit code where others type an email."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"] = forms.CharField(
            label=_("Email or parent code"),
            max_length=254,
            widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
        )
        self.order_fields(["login", "password"])

    def user_credentials(self) -> dict:
        login = self.cleaned_data["login"]
        password = self.cleaned_data.get("password", "")
        if LOGIN_CODE.match(login):
            return {"login_code": login, "password": password}
        return {"email": login, "password": password}
