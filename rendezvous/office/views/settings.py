"""The office's settings: how the organisation presents itself, its clock and its language."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rendezvous.accounts.models import Role
from rendezvous.lib.views import role_required
from rendezvous.organisations import theme
from rendezvous.organisations.access import get_organisation_for_user
from rendezvous.organisations.forms import OrganisationSettingsForm
from rendezvous.organisations.logos import LogoRefused
from rendezvous.organisations.services import update_organisation_settings


@role_required(Role.ADMIN)
def organisation_settings(request):
    organisation = get_organisation_for_user(request.user, write=True)
    form = OrganisationSettingsForm(
        request.POST or None,
        request.FILES or None,
        initial=OrganisationSettingsForm.initial_for(organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_organisation_settings(organisation=organisation, **form.cleaned_data)
        except LogoRefused as error:
            form.add_error("logo", error.message)
        else:
            messages.success(request, _("The settings have been saved."))
            return redirect("office:settings")
    context = {
        "form": form,
        "organisation": organisation,
        "palette": theme.palette(organisation.accent_colour),
    }
    return render(request, "office/settings_form.html", context)
