"""Pupils: list, create, edit, delete, and the parents linked to a pupil."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rendezvous.accounts.access import get_user_for_user
from rendezvous.accounts.models import Role
from rendezvous.lib.csv_export import csv_response
from rendezvous.lib.errors import DomainError
from rendezvous.lib.sorting import person_key, sorted_page
from rendezvous.lib.views import report_error, role_required
from rendezvous.office.views.structure.pages import GET_POST, PER_PAGE, delete_page, form_page
from rendezvous.office.views.structure.picker import parents_to_link
from rendezvous.school import services
from rendezvous.school.access import get_pupil_for_user, pupils_visible_to
from rendezvous.school.exports import pupil_header, pupil_rows
from rendezvous.school.forms import LinkParentForm, PupilFilterForm, PupilForm
from rendezvous.school.selectors import matching_pupils, search_words, sorted_people


def _filtered_pupils(user, form: PupilFilterForm):
    pupils = pupils_visible_to(user).select_related("school_class").prefetch_related("parents")
    if not form.is_valid():
        return pupils
    if form.cleaned_data["school_class"]:
        pupils = pupils.filter(school_class=form.cleaned_data["school_class"])
    return matching_pupils(pupils, search_words(form.cleaned_data["q"]))


@role_required(Role.ADMIN)
def pupils(request):
    form = PupilFilterForm(request.GET, organisation=request.user.organisation)
    page = sorted_page(
        _filtered_pupils(request.user, form),
        fields=("last_name", "first_name"),
        key=person_key,
        number=request.GET.get("page"),
        per_page=PER_PAGE,
    )
    for pupil in page.object_list:
        pupil.parent_list = sorted_people(pupil.parents.all())
    return render(request, "office/pupil_list.html", {"form": form, "page": page})


@role_required(Role.ADMIN)
def pupils_export(request):
    """The pupils the filters select, as a CSV file for a spreadsheet."""
    form = PupilFilterForm(request.GET, organisation=request.user.organisation)
    rows = _filtered_pupils(request.user, form).order_by("last_name", "first_name", "pk")
    return csv_response("pupils.csv", pupil_header(), pupil_rows(rows))


def _form(organisation):
    return lambda data, initial: PupilForm(data, organisation=organisation, initial=initial)


@GET_POST
@role_required(Role.ADMIN)
def pupil_create(request):
    organisation = request.user.organisation
    return form_page(
        request,
        _form(organisation),
        "office/pupil_form.html",
        lambda data: services.create_pupil(organisation=organisation, **data),
        _("The pupil has been added. You can now link their parents."),
        lambda pupil: reverse("office:pupil-edit", args=[pupil.pk]),
        initial={"school_class": request.GET.get("class")},
    )


@GET_POST
@role_required(Role.ADMIN)
def pupil_edit(request, pk: int):
    pupil = get_pupil_for_user(request.user, pk, write=True)
    return form_page(
        request,
        _form(pupil.organisation),
        "office/pupil_form.html",
        lambda data: services.update_pupil(pupil=pupil, **data),
        _("The pupil has been saved."),
        "office:pupils",
        initial={
            "first_name": pupil.first_name,
            "last_name": pupil.last_name,
            "school_class": pupil.school_class_id,
        },
        pupil=pupil,
        parents=sorted_people(pupil.parents.all()),
        result=parents_to_link(request, pupil) if request.method == "GET" else None,
    )


@GET_POST
@role_required(Role.ADMIN)
def pupil_delete(request, pk: int):
    pupil = get_pupil_for_user(request.user, pk, write=True)
    return delete_page(
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
        messages.error(request, _("Choose a parent from the search results."))
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
