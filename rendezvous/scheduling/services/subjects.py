"""The school's subjects, named once per organisation; a slot names its subject."""

from django.db import transaction

from rendezvous.organisations.models import Organisation
from rendezvous.scheduling.models import Subject
from rendezvous.school.errors import NameTaken


def _check_name_free(organisation_id: int, name: str, *, exclude: Subject | None = None) -> None:
    others = Subject.objects.filter(organisation_id=organisation_id, name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise NameTaken()


@transaction.atomic
def create_subject(*, organisation: Organisation, name: str) -> Subject:
    _check_name_free(organisation.pk, name)
    return Subject.objects.create(organisation=organisation, name=name)


@transaction.atomic
def rename_subject(*, subject: Subject, name: str) -> Subject:
    _check_name_free(subject.organisation_id, name, exclude=subject)
    subject.name = name
    subject.save(update_fields=["name"])
    return subject


@transaction.atomic
def delete_subject(*, subject: Subject) -> None:
    """Its slots stay, without a subject."""
    subject.delete()
