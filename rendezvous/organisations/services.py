"""Changing how an organisation presents itself."""

from django.db import transaction

from rendezvous.organisations.logos import prepare_logo
from rendezvous.organisations.models import Organisation

UPLOAD_TO = Organisation._meta.get_field("logo").upload_to


def _replace_logo(organisation: Organisation, new_logo, remove: bool) -> bool:
    """Point the row at the new logo (or at none); True when it changed. The old file is
    deleted once the change is committed; a rollback keeps it, as the row still names it."""
    old = organisation.logo.name
    if new_logo is not None:
        if old == f"{UPLOAD_TO}{new_logo.name}":
            return False  # the same picture again (the name is a hash of its content)
        organisation.logo.save(new_logo.name, new_logo, save=False)
    elif remove and old:
        organisation.logo = ""
    else:
        return False
    if old:
        storage = organisation.logo.storage
        transaction.on_commit(lambda: storage.delete(old))
    return True


def update_organisation_settings(
    *,
    organisation: Organisation,
    name: str,
    address: str,
    contact_email: str,
    accent_colour: str,
    time_zone: str,
    language: str,
    logo=None,
    remove_logo: bool = False,
) -> Organisation:
    """Save the office's settings. A new logo is checked and re-encoded first
    (logos.prepare_logo): LogoRefused leaves everything as it was."""
    new_logo = prepare_logo(logo, slug=organisation.slug) if logo else None
    values = {
        "name": name.strip(),
        "address": address.strip(),
        "contact_email": contact_email.strip(),
        "accent_colour": accent_colour.lower(),
        "time_zone": time_zone,
        "language": language,
    }
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        for field, value in values.items():
            setattr(organisation, field, value)
        fields = list(values)
        if _replace_logo(organisation, new_logo, remove_logo):
            fields.append("logo")
        organisation.save(update_fields=fields)
    return organisation
