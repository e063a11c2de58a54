"""Classes: list, create, edit, delete."""

from django.db.models import Count
from django.shortcuts import render
from django.utils.translation import gettext as _

from rendezvous.accounts.models import Role
from rendezvous.lib.sorting import by_name, by_person
from rendezvous.lib.views import role_required
from rendezvous.office.views.structure.pages import GET_POST, delete_page, form_page
from rendezvous.school import services
from rendezvous.school.access import classes_visible_to, get_class_for_user
from rendezvous.school.forms import SchoolClassForm


@role_required(Role.ADMIN)
def classes(request):
    rows = (
        classes_visible_to(request.user)
        .select_related("department")
        .annotate(pupil_count=Count("pupils", distinct=True))
        .prefetch_related("class_teachers", "subject_teachers")
    )
    rows = sorted(rows, key=by_name)
    for school_class in rows:
        school_class.class_teacher_list = sorted(school_class.class_teachers.all(), key=by_person)
        school_class.subject_teacher_list = sorted(
            school_class.subject_teachers.all(), key=by_person
        )
    return render(request, "office/class_list.html", {"classes": rows})


def _class_initial(school_class) -> dict:
    return {
        "name": school_class.name,
        "department": school_class.department_id,
        "class_teachers": school_class.class_teachers.all(),
        "subject_teachers": school_class.subject_teachers.all(),
    }


def _form(organisation):
    return lambda data, initial: SchoolClassForm(data, organisation=organisation, initial=initial)


@GET_POST
@role_required(Role.ADMIN)
def class_create(request):
    organisation = request.user.organisation
    return form_page(
        request,
        _form(organisation),
        "office/class_form.html",
        lambda data: services.create_class(organisation=organisation, **data),
        _("The class has been created."),
        "office:classes",
        initial={"department": request.GET.get("department")},
    )


@GET_POST
@role_required(Role.ADMIN)
def class_edit(request, pk: int):
    school_class = get_class_for_user(request.user, pk, write=True)
    return form_page(
        request,
        _form(school_class.organisation),
        "office/class_form.html",
        lambda data: services.update_class(school_class=school_class, **data),
        _("The class has been saved."),
        "office:classes",
        initial=_class_initial(school_class),
        school_class=school_class,
    )


@GET_POST
@role_required(Role.ADMIN)
def class_delete(request, pk: int):
    school_class = get_class_for_user(request.user, pk, write=True)
    return delete_page(
        request,
        "office/class_delete.html",
        lambda: services.delete_class(school_class=school_class),
        _("The class has been deleted."),
        "office:classes",
        school_class=school_class,
        pupil_count=school_class.pupils.count(),
    )
