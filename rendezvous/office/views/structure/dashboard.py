"""The office's start page: how big the school is."""

from django.shortcuts import render

from rendezvous.accounts.models import STAFF_ROLES, Role, User
from rendezvous.lib.views import role_required


@role_required(Role.ADMIN)
def dashboard(request):
    organisation = request.user.organisation
    people = User.objects.filter(organisation=organisation)
    counts = {
        "departments": organisation.departments.count(),
        "classes": organisation.classes.count(),
        "pupils": organisation.pupils.count(),
        "parents": people.filter(role=Role.PARENT).count(),
        "staff": people.filter(role__in=STAFF_ROLES, is_active=True).count(),
    }
    return render(request, "office/dashboard.html", {"counts": counts})
