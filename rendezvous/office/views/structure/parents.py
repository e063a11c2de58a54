"""Parents: list, create, edit, delete. The children are chosen with a picker."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from rendezvous.accounts.access import get_user_for_user, people_visible_to
from rendezvous.accounts.models import Role
from rendezvous.lib.csv_export import csv_response
from rendezvous.lib.sorting import by_person, person_key, sorted_page
from rendezvous.lib.views import parse_id, role_required
from rendezvous.office.views.structure.pages import GET_POST, PER_PAGE, delete_page, form_page
from rendezvous.office.views.structure.picker import child_picker
from rendezvous.school import services
from rendezvous.school.access import pupils_visible_to
from rendezvous.school.exports import parent_header, parent_rows
from rendezvous.school.forms import ParentForm
from rendezvous.school.selectors import matching_people, parents_of, search_words


def _filtered_parents(request):
    """The parents the search selects, and its words."""
    words = search_words(request.GET.get("q", ""))
    rows = parents_of(people_visible_to(request.user, roles=[Role.PARENT]))
    return matching_people(rows, words), words


@role_required(Role.ADMIN)
def parents(request):
    rows, words = _filtered_parents(request)
    page = sorted_page(
        rows.prefetch_related("children__school_class"),
        fields=("last_name", "first_name"),
        key=person_key,
        number=request.GET.get("page"),
        per_page=PER_PAGE,
    )
    for parent in page.object_list:
        parent.child_list = sorted(parent.children.all(), key=by_person)
    return render(request, "office/parent_list.html", {"page": page, "q": " ".join(words)})


@role_required(Role.ADMIN)
def parents_export(request):
    """The parents the search selects, as a CSV file for a spreadsheet."""
    rows, _words = _filtered_parents(request)
    rows = rows.order_by("last_name", "first_name", "pk")
    return csv_response("parents.csv", parent_header(), parent_rows(rows))


def _chosen_child(request):
    """The child a "new parent" link came from, if the admin may see it."""
    pupil_id = parse_id(request.GET.get("pupil"))
    if pupil_id is None:
        return None
    return pupils_visible_to(request.user).filter(pk=pupil_id).first()


def _form(organisation):
    return lambda data, initial: ParentForm(data, organisation=organisation, initial=initial)


@GET_POST
@role_required(Role.ADMIN)
def parent_create(request):
    organisation = request.user.organisation
    child = _chosen_child(request)
    return form_page(
        request,
        _form(organisation),
        "office/parent_form.html",
        lambda data: services.add_parent(organisation=organisation, **data),
        _("The parent has been added."),
        reverse("office:pupil-edit", args=[child.pk]) if child else "office:parents",
        initial={"children": [child] if child else []},
        extra=lambda form: child_picker(request, form),
        child=child,
    )


@GET_POST
@role_required(Role.ADMIN)
def parent_edit(request, pk: int):
    parent = get_user_for_user(request.user, pk, write=True, roles=[Role.PARENT])
    return form_page(
        request,
        _form(parent.organisation),
        "office/parent_form.html",
        lambda data: services.update_parent(parent=parent, **data),
        _("The parent has been saved."),
        "office:parents",
        initial={
            "first_name": parent.first_name,
            "last_name": parent.last_name,
            "email": parent.email,
            "language": parent.language,
            "children": parent.children.all(),
        },
        extra=lambda form: child_picker(request, form),
        parent=parent,
    )


@GET_POST
@role_required(Role.ADMIN)
def parent_delete(request, pk: int):
    parent = get_user_for_user(request.user, pk, write=True, roles=[Role.PARENT])
    return delete_page(
        request,
        "office/parent_delete.html",
        lambda: services.delete_parent(parent=parent),
        _("The parent has been deleted."),
        "office:parents",
        parent=parent,
    )
