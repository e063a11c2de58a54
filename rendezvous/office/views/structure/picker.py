"""Search-as-you-type pickers: children for a parent, parents for a pupil.

A school has a thousand pupils or more, so no page lists them all to choose from. The admin
types part of a name (or a class); at most SEARCH_LIMIT matches come back. With JavaScript
htmx asks the two views here after each pause in typing and puts their answer in the page;
without it, the page's own "Search" button shows the same matches (the parent form shows
itself again with them, the pupil page takes them as ?q=).
"""

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from rendezvous.accounts.access import people_visible_to
from rendezvous.accounts.models import Role
from rendezvous.lib.views import role_required
from rendezvous.school.access import get_pupil_for_user, pupils_visible_to
from rendezvous.school.models import Pupil
from rendezvous.school.selectors import (
    SearchResult,
    pupils_by_ids,
    search_parents,
    search_pupils,
)

QUERY = "q"


@dataclass(frozen=True)
class ChildPicker:
    """What the parent form's children picker shows: the chosen pupils and the matches."""

    chosen: list[Pupil]
    result: SearchResult
    search_url: str


def _query(request) -> str:
    return (request.POST if request.method == "POST" else request.GET).get(QUERY, "")


def child_picker(request, form) -> dict:
    """The picker of a parent form as shown: the pupils ticked (or linked), and the matches
    of the search box among the others."""
    pupils = pupils_visible_to(request.user)
    chosen = pupils_by_ids(pupils, form["children"].value() or [])
    result = search_pupils(pupils, _query(request), exclude=[pupil.pk for pupil in chosen])
    return {"picker": ChildPicker(chosen, result, reverse("office:pupil-picker"))}


@require_GET
@role_required(Role.ADMIN)
def pupil_picker(request):
    """The matches for the parent form, as a list of checkboxes; the ticked ones come along
    as `children` and are left out."""
    pupils = pupils_visible_to(request.user)
    chosen = pupils_by_ids(pupils, request.GET.getlist("children"))
    result = search_pupils(pupils, _query(request), exclude=[pupil.pk for pupil in chosen])
    return render(request, "office/_pupil_picker_results.html", {"result": result})


def parents_to_link(request, pupil: Pupil) -> SearchResult:
    """The parents matching the pupil page's search, without those linked already."""
    parents = people_visible_to(request.user, roles=[Role.PARENT])
    linked = pupil.parents.values_list("pk", flat=True)
    return search_parents(parents, _query(request), exclude=linked)


@require_GET
@role_required(Role.ADMIN)
def pupil_parent_picker(request, pk: int):
    """The matches for a pupil page, each with its "Link" button."""
    pupil = get_pupil_for_user(request.user, pk, write=True)
    result = parents_to_link(request, pupil)
    context = {"pupil": pupil, "result": result}
    return render(request, "office/_parent_picker_results.html", context)
