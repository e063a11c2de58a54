import pytest
from django.utils import translation

from rendezvous.accounts.models import Role
from rendezvous.accounts.tests.factories import ParentFactory, UserFactory
from rendezvous.bookings.errors import HasAppointments
from rendezvous.bookings.models import BookingStatus
from rendezvous.bookings.tests.factories import BookingFactory
from rendezvous.school import errors, services
from rendezvous.school.errors import NotAParent
from rendezvous.school.models import Department, Guardianship, Pupil, SchoolClass
from rendezvous.school.tests.factories import DepartmentFactory, SchoolClassFactory


@pytest.mark.django_db
def test_a_department_with_classes_cannot_be_deleted(department, school_class, organisation):
    SchoolClassFactory(organisation=organisation, department=department, name="7b")
    with pytest.raises(errors.DepartmentHasClasses) as caught:
        services.delete_department(department=department)
    assert "2 classes" in str(caught.value.message)
    assert Department.objects.filter(pk=department.pk).exists()


@pytest.mark.django_db
def test_the_refusal_is_translated(department, school_class):
    with pytest.raises(errors.DepartmentHasClasses) as caught:
        services.delete_department(department=department)
    with translation.override("en"):
        assert str(caught.value.message).startswith("This department still has 1 class.")
    assert caught.value.details == {"classes": 1}


@pytest.mark.django_db
def test_an_empty_department_is_deleted(department):
    services.delete_department(department=department)
    assert not Department.objects.filter(pk=department.pk).exists()


@pytest.mark.django_db
def test_department_names_are_unique_per_organisation(organisation, department, outsider):
    with pytest.raises(errors.NameTaken):
        services.create_department(organisation=organisation, name="sprachen")
    other = services.create_department(organisation=outsider.organisation, name="Sprachen")
    assert other.organisation == outsider.organisation


@pytest.mark.django_db
def test_a_department_keeps_its_teachers(organisation, teacher, other_teacher):
    department = services.create_department(
        organisation=organisation, name="MINT", teachers=[teacher]
    )
    services.update_department(department=department, name="MINT", teachers=[other_teacher])
    assert list(department.teachers.all()) == [other_teacher]


@pytest.mark.django_db
def test_a_class_gets_class_and_subject_teachers(organisation, department, teacher, other_teacher):
    school_class = services.create_class(
        organisation=organisation,
        department=department,
        name="9c",
        class_teachers=[teacher],
        subject_teachers=[other_teacher],
    )
    assert list(school_class.class_teachers.all()) == [teacher]
    assert list(school_class.subject_teachers.all()) == [other_teacher]


@pytest.mark.django_db
def test_a_parent_cannot_be_a_class_teacher(organisation, department, parent):
    with pytest.raises(errors.NotATeacher):
        services.create_class(
            organisation=organisation, department=department, name="9c", class_teachers=[parent]
        )
    assert not SchoolClass.objects.filter(name="9c").exists()


@pytest.mark.django_db
def test_another_organisations_teacher_is_refused(organisation, department, outsider):
    with pytest.raises(errors.NotInOrganisation):
        services.create_class(
            organisation=organisation,
            department=department,
            name="9c",
            subject_teachers=[outsider],
        )


@pytest.mark.django_db
def test_a_class_moves_to_another_department(organisation, school_class, teacher):
    target = DepartmentFactory(organisation=organisation, name="MINT")
    services.update_class(
        school_class=school_class,
        department=target,
        name="7A",
        class_teachers=[teacher],
        subject_teachers=[],
    )
    school_class.refresh_from_db()
    assert school_class.department == target and school_class.name == "7A"


@pytest.mark.django_db
def test_a_class_is_deleted_with_its_pupils(school_class, pupil):
    services.delete_class(school_class=school_class)
    assert not Pupil.objects.filter(pk=pupil.pk).exists()


@pytest.mark.django_db
def test_a_class_with_appointments_is_not_deleted(school_class, pupil, slot, parent):
    BookingFactory(slot=slot, pupil=pupil, booker=parent)
    with pytest.raises(HasAppointments):
        services.delete_class(school_class=school_class)
    assert SchoolClass.objects.filter(pk=school_class.pk).exists()


@pytest.mark.django_db
def test_a_parent_may_have_children_in_different_classes(organisation, school_class, parent):
    other_class = SchoolClassFactory(organisation=organisation, name="5b")
    first = services.create_pupil(
        organisation=organisation,
        school_class=school_class,
        first_name="Mia",
        last_name="Müller",
        parents=[parent],
    )
    second = services.create_pupil(
        organisation=organisation, school_class=other_class, first_name="Ben", last_name="Müller"
    )
    services.link_parent(pupil=second, parent=parent)
    assert set(parent.children.all()) == {first, second}


@pytest.mark.django_db
def test_a_child_may_have_several_parents(pupil, parent, other_parent):
    services.link_parent(pupil=pupil, parent=other_parent)
    services.link_parent(pupil=pupil, parent=other_parent)
    assert set(pupil.parents.all()) == {parent, other_parent}
    services.unlink_parent(pupil=pupil, parent=parent)
    assert list(pupil.parents.all()) == [other_parent]


@pytest.mark.django_db
def test_only_parents_are_linked(pupil, teacher):
    with pytest.raises(NotAParent):
        services.link_parent(pupil=pupil, parent=teacher)
    assert not Guardianship.objects.filter(parent=teacher).exists()


@pytest.mark.django_db
def test_a_parent_of_another_organisation_is_not_linked(pupil, outsider):
    stranger = ParentFactory(organisation=outsider.organisation)
    with pytest.raises(errors.NotInOrganisation):
        services.link_parent(pupil=pupil, parent=stranger)


@pytest.mark.django_db
def test_add_parent_creates_a_parent_without_credentials(organisation, pupil):
    parent = services.add_parent(
        organisation=organisation,
        first_name="Olga",
        last_name="Petrova",
        email=" Olga@Example.ORG ",
        language="ru",
        children=[pupil],
    )
    assert parent.role == Role.PARENT and parent.organisation == organisation
    assert parent.email == "Olga@example.org" and parent.language == "ru"
    assert parent.login_code == "" and not parent.has_usable_password()
    assert list(parent.children.all()) == [pupil]


@pytest.mark.django_db
def test_a_parent_without_email_gets_the_organisations_language(organisation):
    organisation.language = "en"
    organisation.save()
    parent = services.add_parent(organisation=organisation, first_name="A", last_name="B")
    assert parent.email == "" and parent.language == "en"


@pytest.mark.django_db
def test_two_parents_cannot_share_an_email(organisation, parent):
    with pytest.raises(errors.ParentEmailTaken):
        services.add_parent(
            organisation=organisation, first_name="A", last_name="B", email="PARENT@example.org"
        )


@pytest.mark.django_db
def test_update_parent_replaces_the_children(parent, pupil, other_pupil):
    services.update_parent(
        parent=parent,
        first_name="Eva",
        last_name="Schmidt",
        email="",
        language="en",
        children=[other_pupil],
    )
    parent.refresh_from_db()
    assert parent.full_name == "Eva Schmidt" and parent.email == ""
    assert list(parent.children.all()) == [other_pupil]


@pytest.mark.django_db
def test_update_parent_refuses_staff(teacher):
    with pytest.raises(NotAParent):
        services.update_parent(
            parent=teacher, first_name="A", last_name="B", email="", language="de"
        )


@pytest.mark.django_db
def test_delete_pupil_keeps_the_parent(pupil, parent):
    services.delete_pupil(pupil=pupil)
    parent.refresh_from_db()
    assert not parent.children.exists()


@pytest.mark.django_db
def test_update_pupil_moves_class_and_sets_parents(organisation, pupil, other_parent):
    target = SchoolClassFactory(organisation=organisation, name="8d")
    services.update_pupil(
        pupil=pupil,
        school_class=target,
        first_name="Lena",
        last_name="Kurz",
        parents=[other_parent],
    )
    pupil.refresh_from_db()
    assert pupil.school_class == target and str(pupil) == "Lena Kurz"
    assert list(pupil.parents.all()) == [other_parent]


@pytest.mark.django_db
def test_a_pupil_cannot_join_another_organisations_class(pupil, outsider):
    foreign = SchoolClassFactory(organisation=outsider.organisation)
    with pytest.raises(errors.NotInOrganisation):
        services.update_pupil(pupil=pupil, school_class=foreign, first_name="A", last_name="B")


@pytest.mark.django_db
def test_a_parent_with_appointments_is_not_deleted(parent, pupil, slot):
    BookingFactory(slot=slot, pupil=pupil, booker=parent)
    with pytest.raises(HasAppointments):
        services.delete_parent(parent=parent)


@pytest.mark.django_db
def test_staff_may_be_admins_teaching_a_class(organisation, department):
    admin_teacher = UserFactory(organisation=organisation, role=Role.ADMIN)
    school_class = services.create_class(
        organisation=organisation,
        department=department,
        name="Q1",
        class_teachers=[admin_teacher],
    )
    assert list(school_class.class_teachers.all()) == [admin_teacher]


@pytest.mark.django_db
def test_a_parent_is_unlinked_only_once_their_appointments_for_the_child_are_over(
    parent, pupil, slot
):
    booking = BookingFactory(slot=slot, pupil=pupil, booker=parent)
    with translation.override("en"), pytest.raises(HasAppointments) as caught:
        services.unlink_parent(pupil=pupil, parent=parent)
    assert str(caught.value.message) == (
        f"{parent} still has 1 active appointment for {pupil}. Cancel it before unlinking them."
    )
    assert Guardianship.objects.filter(pupil=pupil, parent=parent).exists()
    booking.status = BookingStatus.CANCELLED
    booking.save()
    services.unlink_parent(pupil=pupil, parent=parent)
    assert not Guardianship.objects.filter(pupil=pupil, parent=parent).exists()


@pytest.mark.django_db
def test_replacing_a_pupils_parents_keeps_one_with_appointments(pupil, parent, other_parent, slot):
    BookingFactory(slot=slot, pupil=pupil, booker=parent)
    with pytest.raises(HasAppointments):
        services.update_pupil(
            pupil=pupil,
            school_class=pupil.school_class,
            first_name=pupil.first_name,
            last_name=pupil.last_name,
            parents=[other_parent],
        )
    assert list(pupil.parents.all()) == [parent]


@pytest.mark.django_db
def test_replacing_a_parents_children_keeps_one_with_appointments(
    parent, pupil, other_pupil, slot
):
    BookingFactory(slot=slot, pupil=pupil, booker=parent)
    with pytest.raises(HasAppointments):
        services.update_parent(
            parent=parent,
            first_name=parent.first_name,
            last_name=parent.last_name,
            email=parent.email,
            language=parent.language,
            children=[other_pupil],
        )
    assert list(parent.children.all()) == [pupil]
