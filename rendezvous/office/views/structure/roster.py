"""The roster import: upload a file of classes, pupils and parents, or download its template."""

import csv
import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, pgettext
from django.views.decorators.http import require_GET

from rendezvous.accounts.models import Role
from rendezvous.lib.views import role_required
from rendezvous.office.views.structure.pages import GET_POST, bound_data
from rendezvous.school.errors import RosterRejected
from rendezvous.school.forms import RosterUploadForm
from rendezvous.school.roster import COLUMNS, import_roster

TEMPLATE_FILE_NAME = "class-list-template.csv"


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


def example_rows(language: str) -> list[list[str]]:
    """Two lines of one pupil with two parents, one of them without an email address (who
    gets a printed letter), with names usual in the admin's language."""
    first = pgettext("class list template: a pupil's first name", "Mia")
    last = pgettext("class list template: a family name", "Miller")
    mother = pgettext("class list template: a parent's first name", "Sarah")
    father = pgettext("class list template: another parent's first name", "Tom")
    email = pgettext("class list template: an email address", "sarah.miller@example.org")
    return [
        ["7a", first, last, mother, last, email, language],
        ["7a", first, last, father, last, "", language],
    ]


@require_GET
@role_required(Role.ADMIN)
def roster_template(request):
    """A CSV file to fill in: the exact column names and two example lines, UTF-8 with a
    byte order mark (so that Excel reads the umlauts) and semicolons (so that Excel in
    Germany splits the columns)."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(example_rows(get_language()))
    response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILE_NAME}"'
    return response
