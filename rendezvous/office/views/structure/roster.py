"""The roster import: upload a file of classes, pupils and parents."""

from django.shortcuts import render

from rendezvous.accounts.models import Role
from rendezvous.lib.views import role_required
from rendezvous.office.views.structure.pages import GET_POST, bound_data
from rendezvous.school.errors import RosterRejected
from rendezvous.school.forms import RosterUploadForm
from rendezvous.school.roster import import_roster


@GET_POST
@role_required(Role.ADMIN)
def roster_import(request):
    form = RosterUploadForm(
        bound_data(request), request.FILES if request.method == "POST" else None
    )
    context = {"form": form}
    status = 200
    if request.method == "POST" and not form.is_valid():
        status = 413 if form.has_error("file", "too_large") else 400
    elif request.method == "POST":
        try:
            context["result"] = import_roster(
                organisation=request.user.organisation, data=form.cleaned_data["file"].read()
            )
        except RosterRejected as error:
            context["rejected"] = error
            status = 400
    return render(request, "office/roster_import.html", context, status=status)
