"""Departments: list, create, edit, delete."""

from django.db.models import Count
from django.shortcuts import render
from django.utils.translation import gettext as _

from rendezvous.accounts.models import Role
from rendezvous.lib.sorting import by_name, by_person
from rendezvous.lib.views import role_required
from rendezvous.office.views.structure.pages import GET_POST, delete_page, form_page
from rendezvous.school import services
from rendezvous.school.access import departments_visible_to, get_department_for_user
from rendezvous.school.forms import DepartmentForm


@role_required(Role.ADMIN)
def departments(request):
    rows = (
        departments_visible_to(request.user)
        .annotate(class_count=Count("classes", distinct=True))
        .prefetch_related("teachers")
    )
    rows = sorted(rows, key=by_name)
    for department in rows:
        department.teacher_list = sorted(department.teachers.all(), key=by_person)
    return render(request, "office/department_list.html", {"departments": rows})


@GET_POST
@role_required(Role.ADMIN)
def department_create(request):
    organisation = request.user.organisation
    return form_page(
        request,
        lambda data, initial: DepartmentForm(data, organisation=organisation, initial=initial),
        "office/department_form.html",
        lambda data: services.create_department(organisation=organisation, **data),
        _("The department has been created."),
        "office:departments",
    )


@GET_POST
@role_required(Role.ADMIN)
def department_edit(request, pk: int):
    department = get_department_for_user(request.user, pk, write=True)
    return form_page(
        request,
        lambda data, initial: DepartmentForm(
            data, organisation=department.organisation, initial=initial
        ),
        "office/department_form.html",
        lambda data: services.update_department(department=department, **data),
        _("The department has been saved."),
        "office:departments",
        initial={"name": department.name, "teachers": department.teachers.all()},
        department=department,
    )


@GET_POST
@role_required(Role.ADMIN)
def department_delete(request, pk: int):
    department = get_department_for_user(request.user, pk, write=True)
    return delete_page(
        request,
        "office/department_delete.html",
        lambda: services.delete_department(department=department),
        _("The department has been deleted."),
        "office:departments",
        department=department,
        class_count=department.classes.count(),
    )
