from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import translation
from django.views.decorators.http import require_POST

from rendezvous.accounts.models import Role
from rendezvous.lib.views import safe_next

HOME_BY_ROLE = {
    Role.PARENT: "bookings:parent-home",
    Role.TEACHER: "scheduling:teacher-calendar",
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
