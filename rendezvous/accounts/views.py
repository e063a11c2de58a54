from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from rendezvous.accounts import services
from rendezvous.accounts.forms import AccessTokenForm, EmailChangeForm
from rendezvous.accounts.models import Role
from rendezvous.accounts.tokens import create_token, get_token_for_user, revoke_token, tokens_of
from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import safe_next

HOME_BY_ROLE = {
    Role.PARENT: "bookings:parent-home",
    Role.TEACHER: "bookings:teacher-home",
    Role.ADMIN: "office:dashboard",
}


def home(request):
    if not request.user.is_authenticated:
        return redirect("account_login")
    target = HOME_BY_ROLE.get(request.user.role)
    if target is None or request.user.organisation_id is None:
        return redirect("admin:index") if request.user.is_staff else redirect("account_logout")
    return redirect(target)


@require_POST
def set_language(request):
    """Switch the page language; a signed-in person keeps it for pages and emails."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response = HttpResponseRedirect(safe_next(request, "/"))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


def admin_login(request, extra_context=None):
    """Django's admin signs in through the product's sign-in page, so its failures count
    towards the same limits and its form never sees a password."""
    if not request.user.is_authenticated:
        return redirect_to_login(safe_next(request, "admin:index"), reverse("account_login"))
    if not request.user.is_staff:
        raise PermissionDenied
    return redirect(safe_next(request, "admin:index"))


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request):
    """The sign-in address: a link to the new one confirms it. Parents sign in by code and
    have no such page (the office keeps their address)."""
    if request.user.role == Role.PARENT:
        raise Http404
    form = EmailChangeForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not ratelimit.consume(request, action="manage_email", user=request.user):
            return ratelimit.respond_429(request)
        if form.is_valid():
            try:
                services.request_email_change(
                    user=request.user, new_email=form.cleaned_data["email"]
                )
            except DomainError as error:
                form.add_error("email", error.message)
            else:
                messages.success(
                    request,
                    _("We have sent a link to %(email)s. Your address changes when you follow it.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("account_email")
    return render(request, "accounts/email_change.html", {"form": form})


@require_http_methods(["GET", "POST"])
def email_confirm(request, token: str):
    """Following the link: a page with a button, so that a mail scanner opening links changes
    nothing."""
    try:
        user, new_email = services.read_email_change(token)
    except DomainError as error:
        context = {"error": error.message}
        return render(request, "accounts/email_change_confirm.html", context, status=400)
    if request.method == "POST":
        try:
            services.confirm_email_change(token=token)
        except DomainError as error:
            context = {"error": error.message}
            return render(request, "accounts/email_change_confirm.html", context, status=409)
        messages.success(
            request, _("Your sign-in address is now %(email)s.") % {"email": new_email}
        )
        return redirect("home")
    context = {"person": user, "new_email": new_email}
    return render(request, "accounts/email_change_confirm.html", context)


@never_cache  # the page may show a new token, which no cache may keep
@login_required
@require_http_methods(["GET", "POST"])
def access_tokens(request):
    """The person's tokens for the API: made here and shown once, listed, revoked."""
    form = AccessTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _access, new_token = create_token(
            user=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=form.expires_at(),
        )
        form = AccessTokenForm()
    context = {"form": form, "tokens": tokens_of(request.user), "new_token": new_token}
    return render(request, "accounts/access_tokens.html", context)


@login_required
@require_POST
def access_token_revoke(request, token_id: int):
    access = get_token_for_user(request.user, token_id)
    revoke_token(access=access)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": access.name})
    return redirect("access-tokens")
