"""The office's pages for the school structure (S1-S3): departments, classes, pupils, parents
and the roster import. Admins only; another organisation's rows are 404."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rendezvous.accounts.access import get_user_for_user
from rendezvous.accounts.models import STAFF_ROLES, Role, User
from rendezvous.accounts.selectors import parents_of
from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import parse_id, report_error, role_required
from rendezvous.school import services
from rendezvous.school.access import (
    classes_visible_to,
    departments_visible_to,
    get_class_for_user,
    get_department_for_user,
    get_pupil_for_user,
    pupils_visible_to,
)
from rendezvous.school.errors import RosterRejected
from rendezvous.school.forms import (
    DepartmentForm,
    LinkParentForm,
    ParentForm,
    PupilFilterForm,
    PupilForm,
    RosterUploadForm,
    SchoolClassForm,
)
from rendezvous.school.roster import import_roster

PER_PAGE = 50
GET_POST = require_http_methods(["GET", "POST"])


def _data(request):
    """Bind forms to a POST even when it is empty, so that it gets its errors."""
    return request.POST if request.method == "POST" else None


def _form_page(request, form, template: str, save, success: str, done, **context):
    """Show the form; on a valid POST call `save(cleaned_data)` and go to `done`
    (a URL name, or a function of what `save` returned that gives the address)."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, success)
            return redirect(done(saved) if callable(done) else done)
    return render(request, template, {"form": form, **context})


def _delete_page(request, template: str, delete, success: str, done: str, **context):
    """A confirmation page; POST deletes, or shows why not."""
    if request.method == "POST":
        try:
            delete()
        except DomainError as error:
            report_error(request, error)
        else:
            messages.success(request, success)
        return redirect(done)
    return render(request, template, context)


def _parents():
    return Prefetch("parents", queryset=User.objects.order_by("last_name", "first_name"))


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


@role_required(Role.ADMIN)
def departments(request):
    rows = (
        departments_visible_to(request.user)
        .annotate(class_count=Count("classes", distinct=True))
        .prefetch_related(Prefetch("teachers", User.objects.order_by("last_name")))
    )
    return render(request, "office/department_list.html", {"departments": rows})


@GET_POST
@role_required(Role.ADMIN)
def department_create(request):
    organisation = request.user.organisation
    form = DepartmentForm(_data(request), organisation=organisation)
    return _form_page(
        request,
        form,
        "office/department_form.html",
        lambda data: services.create_department(organisation=organisation, **data),
        _("The department has been created."),
        "office:departments",
    )


@GET_POST
@role_required(Role.ADMIN)
def department_edit(request, pk: int):
    department = get_department_for_user(request.user, pk, write=True)
    form = DepartmentForm(
        _data(request),
        organisation=department.organisation,
        initial={"name": department.name, "teachers": department.teachers.all()},
    )
    return _form_page(
        request,
        form,
        "office/department_form.html",
        lambda data: services.update_department(department=department, **data),
        _("The department has been saved."),
        "office:departments",
        department=department,
    )


@GET_POST
@role_required(Role.ADMIN)
def department_delete(request, pk: int):
    department = get_department_for_user(request.user, pk, write=True)
    return _delete_page(
        request,
        "office/department_delete.html",
        lambda: services.delete_department(department=department),
        _("The department has been deleted."),
        "office:departments",
        department=department,
        class_count=department.classes.count(),
    )


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
        _data(request),
        organisation=organisation,
        initial={"department": request.GET.get("department")},
    )
    return _form_page(
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
        _data(request),
        organisation=school_class.organisation,
        initial=_class_initial(school_class),
    )
    return _form_page(
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
    return _delete_page(
        request,
        "office/class_delete.html",
        lambda: services.delete_class(school_class=school_class),
        _("The class has been deleted."),
        "office:classes",
        school_class=school_class,
        pupil_count=school_class.pupils.count(),
    )


def _filtered_pupils(user, form: PupilFilterForm):
    pupils = pupils_visible_to(user).select_related("school_class").prefetch_related(_parents())
    if not form.is_valid():
        return pupils
    if form.cleaned_data["school_class"]:
        pupils = pupils.filter(school_class=form.cleaned_data["school_class"])
    for word in form.cleaned_data["q"].split():
        pupils = pupils.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return pupils


@role_required(Role.ADMIN)
def pupils(request):
    form = PupilFilterForm(request.GET, organisation=request.user.organisation)
    page = Paginator(_filtered_pupils(request.user, form), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "office/pupil_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@GET_POST
@role_required(Role.ADMIN)
def pupil_create(request):
    organisation = request.user.organisation
    form = PupilForm(
        _data(request),
        organisation=organisation,
        initial={"school_class": request.GET.get("class")},
    )
    return _form_page(
        request,
        form,
        "office/pupil_form.html",
        lambda data: services.create_pupil(organisation=organisation, **data),
        _("The pupil has been added. You can now link their parents."),
        lambda pupil: reverse("office:pupil-edit", args=[pupil.pk]),
    )


@GET_POST
@role_required(Role.ADMIN)
def pupil_edit(request, pk: int):
    pupil = get_pupil_for_user(request.user, pk, write=True)
    organisation = pupil.organisation
    form = PupilForm(
        _data(request),
        organisation=organisation,
        initial={
            "first_name": pupil.first_name,
            "last_name": pupil.last_name,
            "school_class": pupil.school_class_id,
        },
    )
    return _form_page(
        request,
        form,
        "office/pupil_form.html",
        lambda data: services.update_pupil(pupil=pupil, **data),
        _("The pupil has been saved."),
        "office:pupils",
        pupil=pupil,
        parents=pupil.parents.order_by("last_name", "first_name"),
        link_form=LinkParentForm(organisation=organisation),
    )


@GET_POST
@role_required(Role.ADMIN)
def pupil_delete(request, pk: int):
    pupil = get_pupil_for_user(request.user, pk, write=True)
    return _delete_page(
        request,
        "office/pupil_delete.html",
        lambda: services.delete_pupil(pupil=pupil),
        _("The pupil has been deleted."),
        "office:pupils",
        pupil=pupil,
    )


@require_POST
@role_required(Role.ADMIN)
def pupil_parent_link(request, pk: int):
    pupil = get_pupil_for_user(request.user, pk, write=True)
    form = LinkParentForm(request.POST, organisation=pupil.organisation)
    if not form.is_valid():
        messages.error(request, _("Please choose a parent from the list."))
        return redirect("office:pupil-edit", pk=pupil.pk)
    parent = form.cleaned_data["parent"]
    try:
        services.link_parent(pupil=pupil, parent=parent)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(
            request,
            _("%(parent)s is now linked to %(pupil)s.") % {"parent": parent, "pupil": pupil},
        )
    return redirect("office:pupil-edit", pk=pupil.pk)


@require_POST
@role_required(Role.ADMIN)
def pupil_parent_unlink(request, pk: int, parent_pk: int):
    pupil = get_pupil_for_user(request.user, pk, write=True)
    parent = get_user_for_user(request.user, parent_pk, write=True, roles=[Role.PARENT])
    try:
        services.unlink_parent(pupil=pupil, parent=parent)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(
            request,
            _("%(parent)s is no longer linked to %(pupil)s.") % {"parent": parent, "pupil": pupil},
        )
    return redirect("office:pupil-edit", pk=pupil.pk)


@role_required(Role.ADMIN)
def parents(request):
    search = request.GET.get("q", "").strip()[:100]
    rows = parents_of(request.user.organisation).prefetch_related("children__school_class")
    for word in search.split():
        rows = rows.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "office/parent_list.html", {"page": page, "q": search})


def _chosen_child(request):
    """The child a "new parent" link came from, if the admin may see it."""
    pupil_id = parse_id(request.GET.get("pupil"))
    if pupil_id is None:
        return None
    return pupils_visible_to(request.user).filter(pk=pupil_id).first()


@GET_POST
@role_required(Role.ADMIN)
def parent_create(request):
    organisation = request.user.organisation
    child = _chosen_child(request)
    form = ParentForm(
        _data(request),
        organisation=organisation,
        initial={"children": [child] if child else []},
    )
    return _form_page(
        request,
        form,
        "office/parent_form.html",
        lambda data: services.add_parent(organisation=organisation, **data),
        _("The parent has been added."),
        reverse("office:pupil-edit", args=[child.pk]) if child else "office:parents",
        child=child,
    )


@GET_POST
@role_required(Role.ADMIN)
def parent_edit(request, pk: int):
    parent = get_user_for_user(request.user, pk, write=True, roles=[Role.PARENT])
    form = ParentForm(
        _data(request),
        organisation=parent.organisation,
        initial={
            "first_name": parent.first_name,
            "last_name": parent.last_name,
            "email": parent.email,
            "language": parent.language,
            "children": parent.children.all(),
        },
    )
    return _form_page(
        request,
        form,
        "office/parent_form.html",
        lambda data: services.update_parent(parent=parent, **data),
        _("The parent has been saved."),
        "office:parents",
        parent=parent,
    )


@GET_POST
@role_required(Role.ADMIN)
def parent_delete(request, pk: int):
    parent = get_user_for_user(request.user, pk, write=True, roles=[Role.PARENT])
    return _delete_page(
        request,
        "office/parent_delete.html",
        lambda: services.delete_parent(parent=parent),
        _("The parent has been deleted."),
        "office:parents",
        parent=parent,
    )


@GET_POST
@role_required(Role.ADMIN)
def roster_import(request):
    form = RosterUploadForm(_data(request), request.FILES if request.method == "POST" else None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            context["result"] = import_roster(
                organisation=request.user.organisation, data=form.cleaned_data["file"].read()
            )
        except RosterRejected as error:
            context["rejected"] = error
    status = 400 if "rejected" in context else 200
    return render(request, "office/roster_import.html", context, status=status)
