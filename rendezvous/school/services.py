"""School structure workflows: departments, classes, pupils and their parents.

Each runs in one transaction. Views and the roster import call these; nothing else writes here.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rendezvous.accounts.models import STAFF_ROLES, Role, User
from rendezvous.lib.guards import Guards
from rendezvous.organisations.models import Organisation
from rendezvous.school import errors
from rendezvous.school.models import Department, Guardianship, Pupil, SchoolClass

IMPORTED_DEPARTMENT = _("Imported classes")
# Rules of higher apps (appointments that depend on a pupil or a parent) run before these.
pupils_removal = Guards("pupils deleted")
guardianships_removal = Guards("parents unlinked from pupils")
parent_removal = Guards("parent account deleted")
ONLY_PARENTS_LINKED = _("Only parent accounts can be linked to pupils.")


def _check_same_organisation(organisation: Organisation, *rows) -> None:
    if any(row.organisation_id != organisation.pk for row in rows):
        raise errors.NotInOrganisation()


def _check_teachers(organisation: Organisation, teachers: Iterable[User]) -> list[User]:
    teachers = list(teachers)
    _check_same_organisation(organisation, *teachers)
    if any(teacher.role not in STAFF_ROLES for teacher in teachers):
        raise errors.NotATeacher()
    return teachers


def _check_parents(organisation: Organisation, parents: Iterable[User]) -> list[User]:
    parents = list(parents)
    _check_same_organisation(organisation, *parents)
    if any(parent.role != Role.PARENT for parent in parents):
        raise errors.NotAParent(ONLY_PARENTS_LINKED)
    return parents


def check_name_free(rows, name: str, *, exclude=None) -> None:
    rows = rows.filter(name__iexact=name)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    if rows.exists():
        raise errors.NameTaken()


@transaction.atomic
def create_department(
    *, organisation: Organisation, name: str, teachers: Iterable[User] = ()
) -> Department:
    teachers = _check_teachers(organisation, teachers)
    check_name_free(organisation.departments.all(), name)
    department = Department.objects.create(organisation=organisation, name=name)
    department.teachers.set(teachers)
    return department


@transaction.atomic
def update_department(
    *, department: Department, name: str, teachers: Iterable[User]
) -> Department:
    organisation = department.organisation
    teachers = _check_teachers(organisation, teachers)
    check_name_free(organisation.departments.all(), name, exclude=department)
    department.name = name
    department.save(update_fields=["name"])
    department.teachers.set(teachers)
    return department


@transaction.atomic
def delete_department(*, department: Department) -> None:
    """Only an empty department goes: its classes would otherwise lose their home."""
    count = department.classes.count()
    if count:
        raise errors.DepartmentHasClasses(count=count)
    department.delete()


def imported_department(organisation: Organisation) -> Department:
    """Where the roster import puts classes it does not know, named in the school's language."""
    with translation.override(organisation.language):
        name = str(IMPORTED_DEPARTMENT)
    department, _created = Department.objects.get_or_create(organisation=organisation, name=name)
    return department


@transaction.atomic
def create_class(
    *,
    organisation: Organisation,
    department: Department,
    name: str,
    class_teachers: Iterable[User] = (),
    subject_teachers: Iterable[User] = (),
) -> SchoolClass:
    _check_same_organisation(organisation, department)
    class_teachers = _check_teachers(organisation, class_teachers)
    subject_teachers = _check_teachers(organisation, subject_teachers)
    check_name_free(organisation.classes.all(), name)
    school_class = SchoolClass.objects.create(
        organisation=organisation, department=department, name=name
    )
    school_class.class_teachers.set(class_teachers)
    school_class.subject_teachers.set(subject_teachers)
    return school_class


@transaction.atomic
def update_class(
    *,
    school_class: SchoolClass,
    department: Department,
    name: str,
    class_teachers: Iterable[User],
    subject_teachers: Iterable[User],
) -> SchoolClass:
    organisation = school_class.organisation
    _check_same_organisation(organisation, department)
    class_teachers = _check_teachers(organisation, class_teachers)
    subject_teachers = _check_teachers(organisation, subject_teachers)
    check_name_free(organisation.classes.all(), name, exclude=school_class)
    school_class.department, school_class.name = department, name
    school_class.save(update_fields=["department", "name"])
    school_class.class_teachers.set(class_teachers)
    school_class.subject_teachers.set(subject_teachers)
    return school_class


@transaction.atomic
def delete_class(*, school_class: SchoolClass) -> None:
    """Deletes the class with its pupils; the guards refuse while something depends on them."""
    pupils_removal.check(school_class.pupils.all())
    school_class.delete()


@transaction.atomic
def create_pupil(
    *,
    organisation: Organisation,
    school_class: SchoolClass,
    first_name: str,
    last_name: str,
    parents: Iterable[User] = (),
) -> Pupil:
    _check_same_organisation(organisation, school_class)
    parents = _check_parents(organisation, parents)
    pupil = Pupil.objects.create(
        organisation=organisation,
        school_class=school_class,
        first_name=first_name,
        last_name=last_name,
    )
    pupil.parents.set(parents)
    return pupil


@transaction.atomic
def update_pupil(
    *,
    pupil: Pupil,
    school_class: SchoolClass,
    first_name: str,
    last_name: str,
    parents: Iterable[User] | None = None,
) -> Pupil:
    """Change a pupil; `parents`, when given, replaces the linked parents."""
    _check_same_organisation(pupil.organisation, school_class)
    if parents is not None:
        parents = _check_parents(pupil.organisation, parents)
        gone = pupil.parents.exclude(pk__in=[parent.pk for parent in parents])
        guardianships_removal.check([(pupil, parent) for parent in gone])
        pupil.parents.set(parents)
    pupil.school_class, pupil.first_name, pupil.last_name = school_class, first_name, last_name
    pupil.save(update_fields=["school_class", "first_name", "last_name"])
    return pupil


@transaction.atomic
def delete_pupil(*, pupil: Pupil) -> None:
    pupils_removal.check([pupil])
    pupil.delete()


@transaction.atomic
def link_parent(*, pupil: Pupil, parent: User) -> Guardianship:
    _check_parents(pupil.organisation, [parent])
    guardianship, _created = Guardianship.objects.get_or_create(pupil=pupil, parent=parent)
    return guardianship


@transaction.atomic
def unlink_parent(*, pupil: Pupil, parent: User) -> None:
    """Refused by the guards while something still depends on the link."""
    guardianships_removal.check([(pupil, parent)])
    Guardianship.objects.filter(pupil=pupil, parent=parent).delete()


def _check_parent_email_free(organisation: Organisation, email: str, *, exclude=None) -> None:
    """The roster import knows a parent by their email, so two parents cannot share one."""
    if not email:
        return
    others = User.objects.filter(organisation=organisation, role=Role.PARENT, email__iexact=email)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise errors.ParentEmailTaken()


def _check_children(organisation: Organisation, children: Iterable[Pupil]) -> list[Pupil]:
    children = list(children)
    _check_same_organisation(organisation, *children)
    return children


def new_parent(
    *, organisation: Organisation, first_name: str, last_name: str, email: str, language: str
) -> User:
    """A parent account, not saved yet, without a password or login code: "send credentials"
    issues those."""
    parent = User(
        organisation=organisation,
        role=Role.PARENT,
        first_name=first_name,
        last_name=last_name,
        email=User.objects.normalize_email(email.strip()),
        language=language or organisation.language,
    )
    parent.set_unusable_password()
    return parent


@transaction.atomic
def add_parent(
    *,
    organisation: Organisation,
    first_name: str,
    last_name: str,
    email: str = "",
    language: str = "",
    children: Iterable[Pupil] = (),
) -> User:
    """A parent account without a password or login code: "send credentials" issues those."""
    parent = new_parent(
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        email=email,
        language=language,
    )
    _check_parent_email_free(organisation, parent.email)
    children = _check_children(organisation, children)
    parent.save()
    parent.children.set(children)
    return parent


@transaction.atomic
def update_parent(
    *,
    parent: User,
    first_name: str,
    last_name: str,
    email: str,
    language: str,
    children: Iterable[Pupil] | None = None,
) -> User:
    """Change a parent; `children`, when given, replaces the linked pupils."""
    organisation = parent.organisation
    _check_parents(organisation, [parent])
    email = User.objects.normalize_email(email.strip())
    _check_parent_email_free(organisation, email, exclude=parent)
    if children is not None:
        children = _check_children(organisation, children)
        gone = parent.children.exclude(pk__in=[child.pk for child in children])
        guardianships_removal.check([(child, parent) for child in gone])
        parent.children.set(children)
    parent.first_name, parent.last_name = first_name, last_name
    parent.email, parent.language = email, language
    parent.save(update_fields=["first_name", "last_name", "email", "language"])
    return parent


@transaction.atomic
def delete_parent(*, parent: User) -> None:
    _check_parents(parent.organisation, [parent])
    parent_removal.check(parent)
    parent.delete()
