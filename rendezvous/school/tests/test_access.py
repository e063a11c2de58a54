import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rendezvous.accounts.models import Role
from rendezvous.accounts.tests.factories import UserFactory
from rendezvous.school.access import (
    get_class_for_user,
    get_department_for_user,
    get_pupil_for_user,
)
from rendezvous.school.tests.factories import PupilFactory, SchoolClassFactory


@pytest.mark.django_db
def test_admin_gets_and_may_change_the_organisations_pupil(admin, pupil):
    assert get_pupil_for_user(admin, pupil.pk, write=True) == pupil


@pytest.mark.django_db
def test_class_teacher_sees_the_pupil_read_only(teacher, pupil):
    assert get_pupil_for_user(teacher, pupil.pk) == pupil
    with pytest.raises(PermissionDenied):
        get_pupil_for_user(teacher, pupil.pk, write=True)


@pytest.mark.django_db
def test_subject_teacher_sees_the_pupil(other_teacher, school_class, pupil):
    school_class.subject_teachers.add(other_teacher)
    assert get_pupil_for_user(other_teacher, pupil.pk) == pupil


@pytest.mark.django_db
def test_another_teacher_gets_404(other_teacher, pupil, school_class):
    with pytest.raises(Http404):
        get_pupil_for_user(other_teacher, pupil.pk)
    with pytest.raises(Http404):
        get_class_for_user(other_teacher, school_class.pk)


@pytest.mark.django_db
def test_parent_sees_their_child_read_only(parent, pupil):
    assert get_pupil_for_user(parent, pupil.pk) == pupil
    with pytest.raises(PermissionDenied):
        get_pupil_for_user(parent, pupil.pk, write=True)


@pytest.mark.django_db
def test_another_parent_gets_404(other_parent, pupil):
    with pytest.raises(Http404):
        get_pupil_for_user(other_parent, pupil.pk)


@pytest.mark.django_db
def test_parent_sees_their_childs_class_but_no_other(parent, pupil, organisation):
    assert get_class_for_user(parent, pupil.school_class_id) == pupil.school_class
    other_class = SchoolClassFactory(organisation=organisation)
    with pytest.raises(Http404):
        get_class_for_user(parent, other_class.pk)


@pytest.mark.django_db
def test_outsider_gets_404_on_everything(outsider, pupil, school_class, department):
    for lookup, pk in [
        (get_pupil_for_user, pupil.pk),
        (get_class_for_user, school_class.pk),
        (get_department_for_user, department.pk),
    ]:
        with pytest.raises(Http404):
            lookup(outsider, pk)


@pytest.mark.django_db
def test_departments_are_for_staff(teacher, parent, department, admin):
    assert get_department_for_user(admin, department.pk, write=True) == department
    assert get_department_for_user(teacher, department.pk) == department
    with pytest.raises(PermissionDenied):
        get_department_for_user(teacher, department.pk, write=True)
    with pytest.raises(Http404):
        get_department_for_user(parent, department.pk)


@pytest.mark.django_db
def test_a_student_sees_no_pupils(organisation, pupil):
    student = UserFactory(organisation=organisation, role=Role.STUDENT)
    with pytest.raises(Http404):
        get_pupil_for_user(student, pupil.pk)


@pytest.mark.django_db
def test_a_teacher_leading_and_teaching_a_class_sees_its_pupils(teacher, organisation, pupil):
    school_class = pupil.school_class
    school_class.subject_teachers.add(teacher)
    second = PupilFactory(organisation=organisation, school_class=school_class)
    assert get_pupil_for_user(teacher, second.pk) == second
    assert get_pupil_for_user(teacher, pupil.pk) == pupil
