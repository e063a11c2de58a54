"""The school's subjects, named once per organisation; a slot names its subject."""

from django.db import transaction

from rendezvous.organisations.models import Organisation
from rendezvous.scheduling.models import Subject
from rendezvous.school.services import check_name_free


@transaction.atomic
def create_subject(*, organisation: Organisation, name: str) -> Subject:
    check_name_free(organisation.subjects.all(), name)
    return Subject.objects.create(organisation=organisation, name=name)


@transaction.atomic
def rename_subject(*, subject: Subject, name: str) -> Subject:
    check_name_free(
        Subject.objects.filter(organisation_id=subject.organisation_id), name, exclude=subject
    )
    subject.name = name
    subject.save(update_fields=["name"])
    return subject


@transaction.atomic
def delete_subject(*, subject: Subject) -> None:
    """Its slots stay, without a subject."""
    subject.delete()
