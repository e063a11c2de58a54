import re

import pytest
from django.urls import reverse

from rendezvous.accounts import errors
from rendezvous.accounts.models import Role, User
from rendezvous.accounts.services import (
    create_staff_user,
    deactivate_staff_user,
    delete_staff_user,
    update_staff_user,
)
from rendezvous.accounts.tests.factories import UserFactory
from rendezvous.bookings.errors import HasAppointments
from rendezvous.bookings.tests.factories import BookingFactory
from rendezvous.notifications.models import OutgoingEmail


def edit(user, acting_user, **changes):
    fields = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "language": user.language,
        "is_active": user.is_active,
        **changes,
    }
    return update_staff_user(user=user, acting_user=acting_user, **fields)


def new_teacher(organisation, **fields):
    return create_staff_user(
        organisation=organisation,
        **{
            "email": "new.teacher@example.org",
            "first_name": "Nora",
            "last_name": "Neu",
            "role": Role.TEACHER,
            "language": "en",
            **fields,
        },
    )


def link_path(body: str) -> str:
    """The path of the password link in an email (SITE_URL is another host)."""
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", body).group(1)


def test_new_staff_member_sets_a_password_through_the_emailed_link(client, organisation):
    user = new_teacher(organisation)
    assert not user.has_usable_password()
    email = OutgoingEmail.objects.get(template="staff_welcome")
    assert email.to == "new.teacher@example.org" and email.language == "en"
    form_page = client.get(link_path(email.body_text), follow=True)
    assert form_page.status_code == 200 and "password1" in form_page.content.decode()
    client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "Sommer-Ferien-2031", "password2": "Sommer-Ferien-2031"},
    )

    user.refresh_from_db()
    assert user.check_password("Sommer-Ferien-2031")
    response = client.post(
        reverse("account_login"),
        {"login": "new.teacher@example.org", "password": "Sommer-Ferien-2031"},
    )
    assert response.status_code == 302


def test_the_password_link_works_only_once(client, organisation):
    new_teacher(organisation)
    body = OutgoingEmail.objects.get(template="staff_welcome").body_text
    path = link_path(body)
    page = client.get(path, follow=True)
    new_password = {"password1": "Winter-2031-x", "password2": "Winter-2031-x"}
    client.post(page.redirect_chain[-1][0], new_password)
    client.logout()
    again = client.get(path, follow=True)
    assert again.context["token_fail"] is True


def test_staff_email_must_be_free(organisation, teacher, parent):
    with pytest.raises(errors.EmailTaken):
        new_teacher(organisation, email="TEACHER@example.org")
    new_teacher(organisation, email=parent.email)  # a parent's email does not block staff
    assert User.objects.filter(email=parent.email).count() == 2


def test_staff_roles_are_admin_or_teacher(organisation):
    with pytest.raises(errors.NotStaffRole):
        new_teacher(organisation, role=Role.PARENT)
    assert not OutgoingEmail.objects.exists()


def test_an_admin_edits_name_email_role_and_language(admin, teacher):
    edit(
        teacher, admin, first_name="Anna", email="anna@example.org", role=Role.ADMIN, language="ru"
    )
    teacher.refresh_from_db()
    assert (teacher.first_name, teacher.email, teacher.role, teacher.language) == (
        "Anna",
        "anna@example.org",
        Role.ADMIN,
        "ru",
    )


def test_an_admin_cannot_demote_or_deactivate_themselves(admin):
    UserFactory(organisation=admin.organisation, role=Role.ADMIN)  # not the last admin
    with pytest.raises(errors.SelfChangeRefused):
        edit(admin, admin, role=Role.TEACHER)
    with pytest.raises(errors.SelfChangeRefused):
        edit(admin, admin, is_active=False)
    with pytest.raises(errors.SelfChangeRefused):
        deactivate_staff_user(user=admin, acting_user=admin)
    with pytest.raises(errors.SelfChangeRefused):
        delete_staff_user(user=admin, acting_user=admin)
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN and admin.is_active


def test_an_admin_may_still_edit_their_own_name(admin):
    edit(admin, admin, first_name="Olga")
    admin.refresh_from_db()
    assert admin.first_name == "Olga"


def test_the_last_active_admin_is_kept(admin, outsider):
    inactive = UserFactory(organisation=admin.organisation, role=Role.ADMIN, is_active=False)
    for attempt in (
        lambda: delete_staff_user(user=admin),
        lambda: deactivate_staff_user(user=admin),
        lambda: edit(admin, None, role=Role.TEACHER),
        lambda: edit(admin, None, is_active=False),
    ):
        with pytest.raises(errors.LastAdmin):
            attempt()
    admin.refresh_from_db()
    assert admin.is_active and admin.role == Role.ADMIN
    assert inactive.role == Role.ADMIN  # an inactive admin does not count


def test_another_admin_may_be_removed_while_one_remains(admin):
    second = UserFactory(organisation=admin.organisation, role=Role.ADMIN)
    edit(second, admin, role=Role.TEACHER)
    deactivate_staff_user(user=second, acting_user=admin)
    delete_staff_user(user=second, acting_user=admin)
    assert not User.objects.filter(pk=second.pk).exists()


def test_a_teacher_with_appointments_is_deactivated_not_deleted(
    admin, teacher, slot, parent, pupil
):
    BookingFactory(slot=slot, booker=parent, pupil=pupil)
    with pytest.raises(HasAppointments):
        delete_staff_user(user=teacher, acting_user=admin)
    deactivate_staff_user(user=teacher, acting_user=admin)
    teacher.refresh_from_db()
    assert not teacher.is_active


def test_staff_of_another_organisation_cannot_be_changed(outsider, teacher):
    with pytest.raises(errors.NotAllowed):
        delete_staff_user(user=teacher, acting_user=outsider)
    assert User.objects.filter(pk=teacher.pk).exists()


def test_parents_are_not_managed_as_staff(admin, parent):
    with pytest.raises(errors.NotStaffRole):
        delete_staff_user(user=parent, acting_user=admin)
