"""The only way views obtain departments, classes and pupils.

Admins see and change everything of their organisation. Teachers see the classes they lead or
teach and those classes' pupils, and their organisation's departments and parents; parents see
their own children, those children's classes and their other parents. Others get 404; a
read-only viewer who tries to change something gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from rendezvous.accounts.models import STAFF_ROLES, Role, User
from rendezvous.lib.queries import by_key
from rendezvous.school.models import Department, Pupil, SchoolClass


def _organisation_member(user: User) -> bool:
    return user.is_authenticated and user.organisation_id is not None


def departments_visible_to(user: User) -> QuerySet[Department]:
    if not _organisation_member(user) or user.role not in STAFF_ROLES:
        return Department.objects.none()
    return Department.objects.filter(organisation_id=user.organisation_id)


def classes_visible_to(user: User) -> QuerySet[SchoolClass]:
    if not _organisation_member(user):
        return SchoolClass.objects.none()
    classes = SchoolClass.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.ADMIN:
        return classes
    if user.role == Role.TEACHER:
        return classes.filter(Q(class_teachers=user) | Q(subject_teachers=user)).distinct()
    if user.role == Role.PARENT:
        return classes.filter(pupils__guardianships__parent=user).distinct()
    return classes.none()


def pupils_visible_to(user: User) -> QuerySet[Pupil]:
    if not _organisation_member(user):
        return Pupil.objects.none()
    pupils = Pupil.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.ADMIN:
        return pupils
    if user.role == Role.TEACHER:
        return pupils.filter(
            Q(school_class__class_teachers=user) | Q(school_class__subject_teachers=user)
        ).distinct()
    if user.role == Role.PARENT:
        return pupils.filter(guardianships__parent=user).distinct()
    return pupils.none()


def _found(rows: QuerySet, pk: int, user: User, *, write: bool):
    found = by_key(rows.filter(pk=pk))
    if found is None:
        raise Http404
    if write and user.role != Role.ADMIN:
        raise PermissionDenied
    return found


def get_department_for_user(user: User, department_id: int, *, write: bool = False) -> Department:
    return _found(
        departments_visible_to(user).select_related("organisation"),
        department_id,
        user,
        write=write,
    )


def get_class_for_user(user: User, class_id: int, *, write: bool = False) -> SchoolClass:
    return _found(
        classes_visible_to(user).select_related("organisation", "department"),
        class_id,
        user,
        write=write,
    )


def get_pupil_for_user(user: User, pupil_id: int, *, write: bool = False) -> Pupil:
    return _found(
        pupils_visible_to(user).select_related("organisation", "school_class"),
        pupil_id,
        user,
        write=write,
    )


def parents_visible_to(user: User) -> QuerySet[User]:
    """Staff: their organisation's parents; a parent: themselves and the other parents of
    their children (the family whose appointments they see)."""
    if not _organisation_member(user):
        return User.objects.none()
    parents = User.objects.filter(organisation_id=user.organisation_id, role=Role.PARENT)
    if user.role in STAFF_ROLES:
        return parents
    if user.role == Role.PARENT:
        family = Q(pk=user.pk) | Q(guardianships__pupil__guardianships__parent=user)
        return parents.filter(family).distinct()
    return parents.none()


def get_parent_for_user(user: User, parent_id: int) -> User:
    return _found(parents_visible_to(user), parent_id, user, write=False)


def teachers_visible_to(user: User) -> QuerySet[User]:
    """Staff: their organisation's teachers and admins; parents: the active ones who lead or
    teach a class of one of their children."""
    if not _organisation_member(user):
        return User.objects.none()
    staff = User.objects.filter(organisation_id=user.organisation_id, role__in=STAFF_ROLES)
    if user.role in STAFF_ROLES:
        return staff
    if user.role == Role.PARENT:
        classes = SchoolClass.objects.filter(pupils__guardianships__parent=user).values("pk")
        taught = Q(classes_led__in=classes) | Q(classes_taught__in=classes)
        return staff.filter(taught, is_active=True).distinct()
    return staff.none()


def get_teacher_for_user(user: User, teacher_id: int) -> User:
    return _found(teachers_visible_to(user), teacher_id, user, write=False)
