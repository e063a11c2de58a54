"""Who calls the API: the session cookie of a signed-in person, as on the pages, with Django's
CSRF check for every write made with it. Signing in goes through the pages' own form, so the
API counts towards the same sign-in limits and checks the password the same way."""

from django.conf import settings
from django.contrib.auth import logout
from django.middleware.csrf import get_token
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from rendezvous.accounts.forms import LoginForm
from rendezvous.accounts.middleware import activate_preferences
from rendezvous.accounts.models import TokenScope
from rendezvous.accounts.tokens import holder_of
from rendezvous.api.errors import CsrfFailed, UnsupportedMediaType, responses
from rendezvous.lib.errors import DomainError

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class SessionAuth(APIKeyCookie):
    """The signed-in person of the session; unsafe methods must carry its CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        key = request.COOKIES.get(self.param_name)
        if key and check_csrf(request) is not None:
            raise CsrfFailed()
        return key

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


class ReadOnlyToken(DomainError):
    code = "token_read_only"
    message = _("This access token may only read.")
    status = 403


class TokenAuth(HttpBearer):
    """A personal access token (rendezvous.accounts.tokens) acts as its owner; no CSRF
    token, as no browser sends it by itself. A read-only token is refused any write."""

    def authenticate(self, request, token):
        held = holder_of(token)
        if held is None:
            return None
        user, scope = held
        if request.method not in SAFE_METHODS and scope != TokenScope.WRITE:
            raise ReadOnlyToken()
        request.user = user
        activate_preferences(request, user)
        return user


session_auth = SessionAuth()
token_auth = TokenAuth()
router = Router(tags=["auth"])


class WrongCredentials(DomainError):
    code = "invalid_credentials"
    message = _("The login or the password is not correct.")
    status = 401


class SignInsThrottled(DomainError):
    code = "rate_limited"
    message = _("Too many failed sign-ins. Please try again later.")
    status = 429


class LoginIn(Schema):
    login: str  # an email address or a parent's 5-digit code
    password: str


class OrganisationOut(Schema):
    id: int
    name: str
    slug: str
    time_zone: str


class MeOut(Schema):
    id: int
    role: str
    first_name: str
    last_name: str
    email: str
    login_code: str
    language: str
    organisation: OrganisationOut | None
    csrf_token: str  # for the X-CSRFToken header of the session's writes


def me_body(request) -> dict:
    user = request.user
    organisation = user.organisation
    return {
        "id": user.pk,
        "role": user.role,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "login_code": user.login_code,
        "language": user.language,
        "organisation": organisation
        and {
            "id": organisation.pk,
            "name": organisation.name,
            "slug": organisation.slug,
            "time_zone": organisation.time_zone,
        },
        "csrf_token": get_token(request),
    }


def _refusal(form: LoginForm) -> DomainError:
    codes = {error.code for errors in form.errors.as_data().values() for error in errors}
    if "too_many_login_attempts" in codes:
        return SignInsThrottled()
    return WrongCredentials()


@router.post(
    "/login", auth=None, response=responses({200: MeOut}, 401, 415, 429), operation_id="auth_login"
)
def login(request, credentials: LoginIn):
    """Sign in with an email address or a parent's code; the session cookie comes back
    (httpOnly, SameSite=Lax, Secure over https). A cross-site page cannot send JSON without
    our CORS consent, so signing in needs no CSRF token."""
    if request.content_type != "application/json":
        raise UnsupportedMediaType()
    form = LoginForm(data=credentials.dict(), request=request)
    if not form.is_valid():
        raise _refusal(form)
    form.login(request)
    return me_body(request)


@router.get("/me", response=responses({200: MeOut}, 401), operation_id="auth_me")
def me(request):
    return me_body(request)


@router.post("/logout", response=responses({204: None}, 401, 403), operation_id="auth_logout")
def sign_out(request):
    """End the session on the server: its cookie opens nothing any more."""
    logout(request)
    return Status(204, None)
