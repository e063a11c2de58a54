"""The office's people pages: staff accounts and parents' credentials."""

import re

import pytest
from django.urls import reverse

from rendezvous.accounts.models import Role, User
from rendezvous.accounts.tests.factories import ParentFactory, UserFactory
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.school.credentials import send_requested_credentials
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory, SchoolClassFactory

STAFF = reverse("office:users")
CREATE = reverse("office:user-create")
PARENTS = reverse("office:parent-credentials")
SEND = reverse("office:parent-credentials-send")
BADGE = '<span class="status status-pending">'


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


@pytest.fixture
def letter_parent(organisation, school_class):
    """A parent without an email address: gets a printed letter."""
    parent = ParentFactory(
        organisation=organisation, email="", first_name="Lene", last_name="Brief"
    )
    pupil = PupilFactory(organisation=organisation, school_class=school_class, first_name="Lotta")
    GuardianshipFactory(pupil=pupil, parent=parent)
    return parent


@pytest.mark.django_db
@pytest.mark.parametrize("url", [STAFF, CREATE, PARENTS])
@pytest.mark.parametrize(("role", "status"), [("teacher", 403), ("parent", 403), ("admin", 200)])
def test_only_admins_open_the_people_pages(client, request, url, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize("url", [STAFF, CREATE, PARENTS])
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


def test_outsider_sees_none_of_our_people(client, outsider, admin, teacher, parent):
    client.force_login(outsider)
    staff = client.get(STAFF)
    parents = client.get(PARENTS)
    assert list(staff.context["staff"]) == [outsider]
    assert list(parents.context["parents"]) == []
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


def test_parent_list_shows_credential_status_and_delivery(
    client, admin, parent, pupil, letter_parent, django_assert_max_num_queries
):
    client.force_login(admin)
    for _ in range(5):
        extra = ParentFactory(organisation=admin.organisation)
        GuardianshipFactory(pupil=PupilFactory(organisation=admin.organisation), parent=extra)
    with django_assert_max_num_queries(12):
        response = client.get(PARENTS, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert parent.email in page and "Letter" in page and pupil.first_name in page
    assert "Not sent yet" in page


def test_parent_list_filters_by_class_and_event(client, admin, parent, pupil, event, organisation):
    elsewhere = ParentFactory(organisation=organisation)
    GuardianshipFactory(pupil=PupilFactory(organisation=organisation), parent=elsewhere)
    client.force_login(admin)
    by_class = client.get(PARENTS, {"school_class": pupil.school_class_id})
    by_event = client.get(PARENTS, {"event": event.pk})
    assert list(by_class.context["parents"]) == [parent]
    assert list(by_event.context["parents"]) == [parent]
    assert set(client.get(PARENTS).context["parents"]) == {parent, elsewhere}


def test_sending_to_ticked_parents_marks_some_for_email_and_prints_letters_for_others(
    client, admin, parent, pupil, letter_parent
):
    client.force_login(admin)
    response = client.post(
        SEND,
        {"scope": "selected", "parents": [parent.pk, letter_parent.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert messages_of(response) == [
        "Credentials for 1 parent are being sent by email; this takes a few minutes."
    ]
    parent.refresh_from_db()
    assert parent.credentials_requested_at is not None and parent.credentials_sent_at is None
    assert not OutgoingEmail.objects.exists()  # the worker sends it
    [letter] = response.context["result"].letters
    page = response.content.decode()
    assert page.count('class="page letter"') == 1
    letter_parent.refresh_from_db()
    assert letter_parent.login_code in page and letter.password in page
    assert "Goethe-Gymnasium" in page and "Lotta" in page and "/accounts/login/" in page
    assert letter_parent.check_password(letter.password.replace("-", ""))
    assert letter_parent.credentials_sent_at is not None
    assert letter_parent.credentials_requested_at is None
    assert letter.password not in str(User.objects.filter(pk=letter_parent.pk).values().get())

    assert send_requested_credentials() == 1
    assert OutgoingEmail.objects.get(template="parent_credentials").to == parent.email


def test_sending_to_a_whole_event_only_marks_the_emailed_parents(
    client, admin, organisation, school_class, event, django_assert_max_num_queries
):
    parents = []
    for number in range(60):
        codes = {"login_code": ""} if number % 2 else {}
        parent = ParentFactory(organisation=organisation, **codes)
        pupil = PupilFactory(organisation=organisation, school_class=school_class)
        GuardianshipFactory(pupil=pupil, parent=parent)
        parents.append(parent)
    hashes = dict(User.objects.filter(role=Role.PARENT).values_list("pk", "password"))
    client.force_login(admin)

    with django_assert_max_num_queries(12 + 4 * 30):  # four for each new login code
        response = client.post(
            SEND, {"scope": "filtered", "event": event.pk}, HTTP_ACCEPT_LANGUAGE="en"
        )

    assert response.status_code == 200
    assert messages_of(response) == [
        "Credentials for 60 parents are being sent by email; this takes a few minutes."
    ]
    rows = User.objects.filter(role=Role.PARENT)
    assert dict(rows.values_list("pk", "password")) == hashes  # nothing hashed in the request
    assert not OutgoingEmail.objects.exists()
    assert not rows.filter(credentials_sent_at__isnull=False).exists()
    assert rows.filter(credentials_requested_at__isnull=False).count() == 60
    assert all(len(code) == 5 for code in rows.values_list("login_code", flat=True))


def test_the_parent_list_says_credentials_are_being_sent_until_the_worker_sent_them(
    client, admin, parent, pupil
):
    client.force_login(admin)
    client.post(SEND, {"scope": "selected", "parents": [parent.pk]})

    page = client.get(PARENTS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{BADGE}Being sent</span>" in page and f"{BADGE}Not sent yet</span>" not in page

    send_requested_credentials()
    parent.refresh_from_db()
    page = client.get(PARENTS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert BADGE not in page
    sent_at = parent.credentials_sent_at.astimezone(parent.organisation.tz)
    assert sent_at.strftime("%H:%M") in page


def test_letters_speak_the_parents_language(client, admin, letter_parent):
    letter_parent.language = "ru"
    letter_parent.save(update_fields=["language"])
    client.force_login(admin)
    page = client.post(SEND, {"scope": "selected", "parents": [letter_parent.pk]}).content
    assert 'lang="ru"' in page.decode()


def requested_parents() -> set[User]:
    return set(User.objects.filter(credentials_requested_at__isnull=False))


def test_sending_to_a_class_skips_parents_who_have_credentials(
    client, admin, school_class, parent, pupil, other_parent, other_pupil
):
    client.force_login(admin)
    client.post(SEND, {"scope": "selected", "parents": [parent.pk]})
    send_requested_credentials()
    client.post(SEND, {"scope": "filtered", "school_class": school_class.pk})
    assert requested_parents() == {other_parent}
    send_requested_credentials()
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == sorted(
        [parent.email, other_parent.email]
    )

    client.post(SEND, {"scope": "filtered", "school_class": school_class.pk, "resend": "on"})
    assert requested_parents() == {parent, other_parent}
    send_requested_credentials()
    assert OutgoingEmail.objects.count() == 4


def test_sending_to_an_event_reaches_the_parents_of_its_classes(
    client, admin, event, parent, pupil, organisation
):
    other_class = SchoolClassFactory(organisation=organisation)
    outside = ParentFactory(organisation=organisation)
    GuardianshipFactory(
        pupil=PupilFactory(organisation=organisation, school_class=other_class), parent=outside
    )
    client.force_login(admin)
    client.post(SEND, {"scope": "filtered", "event": event.pk})
    assert requested_parents() == {parent}
    send_requested_credentials()
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == [parent.email]


def test_sending_without_a_choice_says_what_to_do(client, admin, parent):
    client.force_login(admin)
    response = client.post(SEND, {"scope": "selected"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert messages_of(response) == ["Tick at least one parent."]
    assert not OutgoingEmail.objects.exists()


def test_outsider_cannot_send_our_parents_credentials(client, outsider, parent, school_class):
    client.force_login(outsider)
    response = client.post(SEND, {"scope": "selected", "parents": [parent.pk]})
    assert response.status_code == 404
    response = client.post(SEND, {"scope": "filtered", "school_class": school_class.pk})
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.credentials_sent_at is None and parent.credentials_requested_at is None
    assert not OutgoingEmail.objects.exists()


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_non_admins_cannot_send_credentials(client, request, parent, role):
    client.force_login(request.getfixturevalue(role))
    response = client.post(SEND, {"scope": "selected", "parents": [parent.pk]})
    assert response.status_code == 403
    assert not requested_parents()
    assert not OutgoingEmail.objects.exists()


def test_the_emailed_password_signs_the_parent_in(client, admin, parent, pupil):
    client.force_login(admin)
    client.post(SEND, {"scope": "selected", "parents": [parent.pk]})
    client.logout()
    send_requested_credentials()
    body = OutgoingEmail.objects.get(template="parent_credentials").body_text
    password = re.search(r"^\S+: (\S{4}-\S{4}-\S{4})$", body, re.MULTILINE).group(1)
    parent.refresh_from_db()
    response = client.post(
        reverse("account_login"), {"login": parent.login_code, "password": password}
    )
    assert response.status_code == 302
    assert client.get(reverse("healthz")).wsgi_request.user == parent
