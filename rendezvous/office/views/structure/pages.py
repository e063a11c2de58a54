"""What the structure pages share: the form page, the delete page and their settings."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from rendezvous.lib.errors import DomainError
from rendezvous.lib.views import report_error

PER_PAGE = 50
GET_POST = require_http_methods(["GET", "POST"])


def bound_data(request):
    """Bind forms to a POST even when it is empty, so that it gets its errors."""
    return request.POST if request.method == "POST" else None


def form_page(request, form, template: str, save, success: str, done, **context):
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
