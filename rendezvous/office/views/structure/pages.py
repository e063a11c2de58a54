"""What the structure pages share: the form page, the delete page and their settings."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import report_error
from rendezvous.school.forms import SelectAllCheckboxes

PER_PAGE = 50
GET_POST = require_http_methods(["GET", "POST"])
# Buttons that work without JavaScript and show the form again instead of saving it: "Select
# all" (its value names the field to tick) and a picker's "Search".
SELECT_ALL = "select_all"
SEARCH = "search"


def bound_data(request):
    """Bind forms to a POST even when it is empty, so that it gets its errors."""
    return request.POST if request.method == "POST" else None


def posted_values(form) -> dict:
    """What was entered in a bound form, as initial values for the same form unbound."""
    return {
        name: field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        for name, field in form.fields.items()
    }


def shown_again(request, form, build):
    """The form as entered, without error messages (nothing was meant to be saved yet), and
    with the field that "Select all" names all ticked."""
    values = posted_values(form)
    name = request.POST.get(SELECT_ALL, "")
    field = form.fields.get(name)
    if field is not None and isinstance(field.widget, SelectAllCheckboxes):
        values[name] = [str(pk) for pk in field.queryset.values_list("pk", flat=True)]
    return build(None, values)


def form_page(
    request, build, template: str, save, success: str, done, *, initial=None, extra=None, **context
):
    """Show the form that `build(data, initial)` makes; on a valid POST call
    `save(cleaned_data)` and go to `done` (a URL name, or a function of what `save` returned
    that gives the address). `extra(form)` adds to the page's context what depends on the
    form as shown."""
    form = build(bound_data(request), initial)
    if request.method == "POST" and (SELECT_ALL in request.POST or SEARCH in request.POST):
        form = shown_again(request, form, build)
    elif request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, success)
            return redirect(done(saved) if callable(done) else done)
    context |= extra(form) if extra else {}
    return render(request, template, {"form": form, **context})


def delete_page(request, template: str, delete, success: str, done: str, **context):
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
