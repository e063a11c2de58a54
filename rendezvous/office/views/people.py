"""Office pages for staff accounts (parents' credentials have their own: credentials.py)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rendezvous.accounts import services
from rendezvous.accounts.access import get_user_for_user, people_visible_to
from rendezvous.accounts.forms import StaffCreateForm, StaffEditForm
from rendezvous.accounts.models import STAFF_ROLES, Role
from rendezvous.lib.errors import DomainError
from rendezvous.lib.sorting import by_person
from rendezvous.lib.views import report_error, role_required

STAFF_FIELDS = ("first_name", "last_name", "email", "role", "language")


def _get_staff(request, user_id):
    return get_user_for_user(request.user, user_id, write=True, roles=STAFF_ROLES)


@role_required(Role.ADMIN)
def users(request):
    staff = sorted(people_visible_to(request.user, roles=STAFF_ROLES), key=by_person)
    return render(request, "office/staff_list.html", {"staff": staff})


@role_required(Role.ADMIN)
def user_create(request):
    form = StaffCreateForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_staff_user(
                organisation=request.user.organisation, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": user.full_name})
            return redirect("office:users")
    return render(request, "office/staff_form.html", {"form": form, "person": None})


@role_required(Role.ADMIN)
def user_edit(request, user_id: int):
    person = _get_staff(request, user_id)
    initial = {field: getattr(person, field) for field in (*STAFF_FIELDS, "is_active")}
    form = StaffEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_staff_user(user=person, acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(name)s has been saved.") % {"name": person.full_name})
            return redirect("office:users")
    return render(request, "office/staff_form.html", {"form": form, "person": person})


@require_POST
@role_required(Role.ADMIN)
def user_deactivate(request, user_id: int):
    person = _get_staff(request, user_id)
    try:
        services.deactivate_staff_user(user=person, acting_user=request.user)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(
            request, _("%(name)s can no longer sign in.") % {"name": person.full_name}
        )
    return redirect("office:users")


@require_POST
@role_required(Role.ADMIN)
def user_send_link(request, user_id: int):
    person = _get_staff(request, user_id)
    services.send_staff_welcome(user=person)
    messages.success(
        request,
        _("A link to choose a password has been sent to %(email)s.") % {"email": person.email},
    )
    return redirect("office:users")


@role_required(Role.ADMIN)
def user_delete(request, user_id: int):
    person = _get_staff(request, user_id)
    if request.method != "POST":
        return render(request, "office/staff_delete.html", {"person": person})
    try:
        services.delete_staff_user(user=person, acting_user=request.user)
    except DomainError as error:
        report_error(request, error)
        return render(request, "office/staff_delete.html", {"person": person}, status=409)
    messages.success(request, _("%(name)s has been deleted.") % {"name": person.full_name})
    return redirect("office:users")
