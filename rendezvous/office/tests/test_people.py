"""The office's staff pages (parents' credentials: test_credentials.py)."""

import pytest
from django.urls import reverse

from rendezvous.accounts.models import Role, User
from rendezvous.accounts.tests.factories import UserFactory
from rendezvous.notifications.models import OutgoingEmail

STAFF = reverse("office:users")
CREATE = reverse("office:user-create")


def edit_url(user):
    return reverse("office:user-edit", args=[user.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def staff_data(user, **changes):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "language": user.language,
        **changes,
    }
    if data.pop("is_active", user.is_active):
        data["is_active"] = "on"
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("url", [STAFF, CREATE])
@pytest.mark.parametrize(("role", "status"), [("teacher", 403), ("parent", 403), ("admin", 200)])
def test_only_admins_open_the_people_pages(client, request, url, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize("url", [STAFF, CREATE])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["office:user-edit", "office:user-delete"])
def test_outsider_gets_404_for_our_staff(client, outsider, teacher, name):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[teacher.pk])).status_code == 404
    assert client.post(reverse(name, args=[teacher.pk]), staff_data(teacher)).status_code == 404
    assert User.objects.filter(pk=teacher.pk, is_active=True).exists()


@pytest.mark.parametrize("name", ["office:user-deactivate", "office:user-send-link"])
def test_outsider_gets_404_for_actions_on_our_staff(client, outsider, teacher, name):
    client.force_login(outsider)
    assert client.post(reverse(name, args=[teacher.pk])).status_code == 404
    teacher.refresh_from_db()
    assert teacher.is_active and not OutgoingEmail.objects.exists()


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_non_admins_get_403_for_staff_actions(client, request, admin, other_teacher, role):
    client.force_login(request.getfixturevalue(role))
    for name in ("office:user-edit", "office:user-deactivate", "office:user-delete"):
        assert client.post(reverse(name, args=[other_teacher.pk])).status_code == 403
    other_teacher.refresh_from_db()
    assert other_teacher.is_active


def test_parents_are_not_edited_as_staff(client, admin, parent):
    client.force_login(admin)
    assert client.get(edit_url(parent)).status_code == 404


def test_outsider_sees_none_of_our_staff(client, outsider, admin, teacher):
    client.force_login(outsider)
    staff = client.get(STAFF)
    assert list(staff.context["staff"]) == [outsider]
    assert teacher.email not in staff.content.decode()


def test_staff_list_shows_admins_and_teachers_only(client, admin, teacher, parent):
    client.force_login(admin)
    response = client.get(STAFF)
    assert set(response.context["staff"]) == {admin, teacher}
    page = response.content.decode()
    assert teacher.email in page and parent.email not in page


def test_admin_adds_a_teacher_who_gets_a_password_link(client, admin):
    client.force_login(admin)
    response = client.post(
        CREATE,
        {
            "first_name": "Tom",
            "last_name": "Lehrer",
            "email": "tom@example.org",
            "role": "teacher",
            "language": "de",
            "send_welcome": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == STAFF
    tom = User.objects.get(email="tom@example.org")
    assert (tom.organisation, tom.role, tom.language) == (admin.organisation, Role.TEACHER, "de")
    email = OutgoingEmail.objects.get(template="staff_welcome")
    assert email.to == "tom@example.org" and email.language == "de"
    assert "/accounts/password/reset/key/" in email.body_text


def test_adding_a_taken_email_says_so(client, admin, teacher):
    client.force_login(admin)
    data = staff_data(teacher, first_name="Copy", role="teacher")
    response = client.post(CREATE, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Another account already uses this email address."
    ]
    assert User.objects.filter(email=teacher.email).count() == 1


def test_admin_makes_a_teacher_an_admin(client, admin, teacher):
    client.force_login(admin)
    response = client.post(edit_url(teacher), staff_data(teacher, role="admin"))
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.role == Role.ADMIN


def test_admin_cannot_demote_themselves(client, admin):
    UserFactory(organisation=admin.organisation, role=Role.ADMIN)
    client.force_login(admin)
    response = client.post(edit_url(admin), staff_data(admin, role="teacher"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_admin_deactivates_a_teacher(client, admin, teacher):
    client.force_login(admin)
    response = client.post(reverse("office:user-deactivate", args=[teacher.pk]))
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert not teacher.is_active


def test_admin_cannot_deactivate_themselves(client, admin):
    client.force_login(admin)
    response = client.post(reverse("office:user-deactivate", args=[admin.pk]), follow=True)
    assert any("own account" in message for message in messages_of(response))
    admin.refresh_from_db()
    assert admin.is_active


def test_admin_deletes_a_teacher_after_confirming(client, admin, other_teacher):
    client.force_login(admin)
    url = reverse("office:user-delete", args=[other_teacher.pk])
    assert other_teacher.full_name in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not User.objects.filter(pk=other_teacher.pk).exists()


def test_deleting_oneself_is_refused_with_a_message(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("office:user-delete", args=[admin.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    assert messages_of(response) == ["You cannot delete, deactivate or demote your own account."]
    assert User.objects.filter(pk=admin.pk).exists()


def test_admin_sends_a_new_password_link(client, admin, teacher):
    client.force_login(admin)
    response = client.post(reverse("office:user-send-link", args=[teacher.pk]))
    assert response.status_code == 302
    assert OutgoingEmail.objects.get(template="staff_welcome").to == teacher.email
