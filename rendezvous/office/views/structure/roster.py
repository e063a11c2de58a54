"""The roster import (S3): upload a file of classes, pupils and parents."""

from django.shortcuts import render

from rendezvous.accounts.models import Role
from rendezvous.lib.views import role_required
from rendezvous.office.views.structure.pages import GET_POST, _data
from rendezvous.school.errors import RosterRejected
from rendezvous.school.forms import RosterUploadForm
from rendezvous.school.roster import import_roster


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
