"""The office's start page: how big the school is."""

from django.shortcuts import render

from rendezvous.accounts.access import people_visible_to
from rendezvous.accounts.models import STAFF_ROLES, Role
from rendezvous.lib.views import role_required
from rendezvous.school.access import (
    classes_visible_to,
    departments_visible_to,
    pupils_visible_to,
)


@role_required(Role.ADMIN)
def dashboard(request):
    user = request.user
    counts = {
        "departments": departments_visible_to(user).count(),
        "classes": classes_visible_to(user).count(),
        "pupils": pupils_visible_to(user).count(),
        "parents": people_visible_to(user, roles=[Role.PARENT]).count(),
        "staff": people_visible_to(user, roles=STAFF_ROLES).filter(is_active=True).count(),
    }
    return render(request, "office/dashboard.html", {"counts": counts})
