"""Parents: list, create, edit, delete."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from rendezvous.accounts.access import get_user_for_user, people_visible_to
from rendezvous.accounts.models import Role
from rendezvous.lib.views import parse_id, role_required
from rendezvous.office.views.structure.pages import (
    GET_POST,
    PER_PAGE,
    bound_data,
    delete_page,
    form_page,
)
from rendezvous.school import services
from rendezvous.school.access import pupils_visible_to
from rendezvous.school.forms import ParentForm
from rendezvous.school.selectors import parents_of


@role_required(Role.ADMIN)
def parents(request):
    # PostgreSQL refuses text with a NUL character in it; nobody's name holds one.
    search = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    rows = parents_of(people_visible_to(request.user, roles=[Role.PARENT])).prefetch_related(
        "children__school_class"
    )
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
        bound_data(request),
        organisation=organisation,
        initial={"children": [child] if child else []},
    )
    return form_page(
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
        bound_data(request),
        organisation=parent.organisation,
        initial={
            "first_name": parent.first_name,
            "last_name": parent.last_name,
            "email": parent.email,
            "language": parent.language,
            "children": parent.children.all(),
        },
    )
    return form_page(
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
    return delete_page(
        request,
        "office/parent_delete.html",
        lambda: services.delete_parent(parent=parent),
        _("The parent has been deleted."),
        "office:parents",
        parent=parent,
    )
