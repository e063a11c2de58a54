"""Classes: list, create, edit, delete."""

from django.db.models import Count, Prefetch
from django.shortcuts import render
from django.utils.translation import gettext as _

from rendezvous.accounts.models import Role, User
from rendezvous.lib.views import role_required
from rendezvous.office.views.structure.pages import GET_POST, bound_data, delete_page, form_page
from rendezvous.school import services
from rendezvous.school.access import classes_visible_to, get_class_for_user
from rendezvous.school.forms import SchoolClassForm


@role_required(Role.ADMIN)
def classes(request):
    teachers = User.objects.order_by("last_name", "first_name")
    rows = (
        classes_visible_to(request.user)
        .select_related("department")
        .annotate(pupil_count=Count("pupils", distinct=True))
        .prefetch_related(
            Prefetch("class_teachers", teachers), Prefetch("subject_teachers", teachers)
        )
    )
    return render(request, "office/class_list.html", {"classes": rows})


def _class_initial(school_class) -> dict:
    return {
        "name": school_class.name,
        "department": school_class.department_id,
        "class_teachers": school_class.class_teachers.all(),
        "subject_teachers": school_class.subject_teachers.all(),
    }


@GET_POST
@role_required(Role.ADMIN)
def class_create(request):
    organisation = request.user.organisation
    form = SchoolClassForm(
        bound_data(request),
        organisation=organisation,
        initial={"department": request.GET.get("department")},
    )
    return form_page(
        request,
        form,
        "office/class_form.html",
        lambda data: services.create_class(organisation=organisation, **data),
        _("The class has been created."),
        "office:classes",
    )


@GET_POST
@role_required(Role.ADMIN)
def class_edit(request, pk: int):
    school_class = get_class_for_user(request.user, pk, write=True)
    form = SchoolClassForm(
        bound_data(request),
        organisation=school_class.organisation,
        initial=_class_initial(school_class),
    )
    return form_page(
        request,
        form,
        "office/class_form.html",
        lambda data: services.update_class(school_class=school_class, **data),
        _("The class has been saved."),
        "office:classes",
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
