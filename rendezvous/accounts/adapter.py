from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # One answer for an unknown login and a wrong password (A5).
        "email_password_mismatch": _("The login or the password is not correct."),
    }

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request) -> str:
        return reverse("home")

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        if credentials.get("login_code"):
            return f"parent-code:{credentials['login_code']}"
        return super()._get_login_attempts_cache_key(request, **credentials)
