"""How allauth signs people in here: one answer for every failure, and failed attempts limited
so that an attacker is throttled while the account's owner still gets in.

Failed sign-ins are counted three ways (settings ACCOUNT_RATE_LIMITS):
- per client address ("login_failed" per ip), against guessing many accounts from one place;
- per account and address pair ("login_failed" per key): someone trying a teacher's password
  from one place is stopped there, and the teacher, elsewhere, is not;
- per account over an hour ("login_failed_account"), against guessing from many places. A
  browser in which the account has signed in before carries a signed cookie naming it; that
  browser is not held by this ceiling, so the owner still gets in during an attack.
"""

import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rendezvous.lib.http import client_ip

KNOWN_COOKIE = "rdv_known"
KNOWN_SALT = "rendezvous.accounts.known-browser"
KNOWN_MAX = 8  # accounts remembered per browser
KNOWN_AGE = 365 * 24 * 3600
APP = "allauth.account"


def account_key(credentials: dict) -> str:
    """The account an attempt is for: a parent's code, or an email address."""
    if credentials.get("login_code"):
        return f"code:{credentials['login_code']}"
    return f"email:{(credentials.get('email') or credentials.get('username') or '').lower()}"


def account_key_of(user) -> str:
    if user.login_code and user.is_parent:
        return f"code:{user.login_code}"
    return f"email:{user.email.lower()}"


def _fingerprint(key: str) -> str:
    """What the cookie stores instead of an address or code."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()[:20]


def known_accounts(request) -> list[str]:
    try:
        value = signing.loads(
            request.COOKIES.get(KNOWN_COOKIE, ""), salt=KNOWN_SALT, max_age=KNOWN_AGE
        )
    except signing.BadSignature:
        return []
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def remember_account(request, response, user) -> None:
    """Mark this browser as one the account has signed in from."""
    known = [_fingerprint(account_key_of(user))]
    known += [item for item in known_accounts(request) if item not in known]
    response.set_cookie(
        KNOWN_COOKIE,
        signing.dumps(known[:KNOWN_MAX], salt=KNOWN_SALT),
        max_age=KNOWN_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # One answer for an unknown login and a wrong password.
        "email_password_mismatch": _("The login or the password is not correct."),
        "account_inactive": _("This account is switched off. Ask the school office."),
        "enter_current_password": _("Your current password is not correct."),
        "incorrect_password": _("The password is not correct."),
        "invalid_or_expired_key": _("This link has expired or was already used."),
        "invalid_password_reset": _("This link has expired or was already used."),
        "too_many_login_attempts": _("Too many failed sign-ins. Please try again later."),
    }

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request) -> str:
        return reverse("home")

    def get_client_ip(self, request) -> str:
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        return account_key(credentials)

    def pre_authenticate(self, request, **credentials) -> None:
        account = account_key(credentials)
        pair = f"{account}|{self.get_client_ip(request)}"
        usages = [ratelimit.consume(request, app=APP, action="login_failed", key=pair)]
        if usages[0] and _fingerprint(account) not in known_accounts(request):
            usages.append(
                ratelimit.consume(request, app=APP, action="login_failed_account", key=account)
            )
        # Kept so that a successful sign-in takes its own attempt back (allauth rolls back).
        self._login_failed_rl_usages = [usage for usage in usages if usage]
        if not all(usages):
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")

    def _rollback_login_failed_rl_usage(self) -> None:
        for usage in getattr(self, "_login_failed_rl_usages", []):
            usage.rollback()
        self._login_failed_rl_usages = []

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        """After a password reset by email the account's owner is proven: its ceiling and this
        address's count for it start again."""
        account = account_key(credentials)
        pair = f"{account}|{self.get_client_ip(request)}"
        ratelimit.clear(request, app=APP, action="login_failed", key=pair)
        ratelimit.clear(request, app=APP, action="login_failed_account", key=account)

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        remember_account(request, response, user)
        return response
