"""The office's structure pages: every role, another organisation, and the main flows."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rendezvous.accounts.models import Role, User
from rendezvous.accounts.tests.factories import ParentFactory
from rendezvous.school.models import Department, Guardianship, Pupil, SchoolClass
from rendezvous.school.tests.factories import PupilFactory, SchoolClassFactory

PAGES = [
    "office:dashboard",
    "office:departments",
    "office:department-create",
    "office:classes",
    "office:class-create",
    "office:pupils",
    "office:pupil-create",
    "office:parents",
    "office:parent-create",
    "office:roster-import",
]
OBJECT_PAGES = [
    ("office:department-edit", "department"),
    ("office:department-delete", "department"),
    ("office:class-edit", "school_class"),
    ("office:class-delete", "school_class"),
    ("office:pupil-edit", "pupil"),
    ("office:pupil-delete", "pupil"),
    ("office:parent-edit", "parent"),
    ("office:parent-delete", "parent"),
]
ROSTER = (
    "class;pupil_first_name;pupil_last_name;parent_first_name;parent_last_name;parent_email\r\n"
    "7a;Mia;Müller;Jürgen;Müller;juergen@example.org\r\n"
    "8b;Ben;Müller;Jürgen;Müller;juergen@example.org\r\n"
)


@pytest.fixture
def english(admin, client):
    admin.language = "en"
    admin.save()
    client.cookies["django_language"] = "en"
    return client


def upload(text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile("roster.csv", text.encode(encoding), content_type="text/csv")


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_admin_sees_each_page(client, admin, name, pupil):
    client.force_login(admin)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_teachers_and_parents_get_403(client, request, name, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "fixture"), OBJECT_PAGES)
def test_object_pages_by_role(client, request, name, fixture, admin, teacher, parent, outsider):
    url = reverse(name, args=[request.getfixturevalue(fixture).pk])
    request.getfixturevalue("pupil")
    for user, status in [(admin, 200), (teacher, 403), (parent, 403), (outsider, 404)]:
        client.force_login(user)
        assert client.get(url).status_code == status, user.role


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "fixture"), OBJECT_PAGES)
def test_outsider_cannot_change_anything(client, request, name, fixture, outsider):
    target = request.getfixturevalue(fixture)
    client.force_login(outsider)
    assert client.post(reverse(name, args=[target.pk]), {"name": "x"}).status_code == 404
    assert type(target).objects.filter(pk=target.pk).exists()


@pytest.mark.django_db
def test_outsider_cannot_link_or_unlink_parents(client, outsider, pupil, parent, other_parent):
    client.force_login(outsider)
    link = reverse("office:pupil-parent-link", args=[pupil.pk])
    unlink = reverse("office:pupil-parent-unlink", args=[pupil.pk, parent.pk])
    assert client.post(link, {"parent": other_parent.pk}).status_code == 404
    assert client.post(unlink).status_code == 404
    assert set(pupil.parents.all()) == {parent}


@pytest.mark.django_db
def test_outsiders_lists_show_none_of_our_school(client, outsider, pupil, parent):
    # Names that no page (nor a CSRF token) contains by chance.
    pupil.last_name, parent.last_name = "Quellenbrink", "Zwiebelmann"
    pupil.save(update_fields=["last_name"])
    parent.save(update_fields=["last_name"])
    pupil.school_class.name = "Zugvogelklasse"
    pupil.school_class.save(update_fields=["name"])
    client.force_login(outsider)
    for name in ["office:classes", "office:pupils", "office:parents", "office:departments"]:
        content = client.get(reverse(name)).content.decode()
        assert "Quellenbrink" not in content and "Zugvogelklasse" not in content
        assert "Zwiebelmann" not in content and "Sprachen" not in content


@pytest.mark.django_db
def test_dashboard_counts_and_links_every_area(client, admin, pupil):
    client.force_login(admin)
    response = client.get(reverse("office:dashboard"))
    content = response.content.decode()
    assert response.context["counts"]["pupils"] == 1
    assert response.context["counts"]["parents"] == 1
    for name in [
        "office:classes",
        "office:departments",
        "office:pupils",
        "office:users",
        "office:events",
        "office:appointments",
        "office:emails",
        "office:roster-import",
    ]:
        assert f'href="{reverse(name)}"' in content


@pytest.mark.django_db
def test_admin_creates_and_renames_a_department(client, admin, teacher):
    client.force_login(admin)
    response = client.post(
        reverse("office:department-create"), {"name": "MINT", "teachers": [teacher.pk]}
    )
    assert response.status_code == 302
    department = Department.objects.get(name="MINT")
    assert list(department.teachers.all()) == [teacher]
    client.post(reverse("office:department-edit", args=[department.pk]), {"name": "Science"})
    department.refresh_from_db()
    assert department.name == "Science" and not department.teachers.exists()


@pytest.mark.django_db
def test_a_duplicate_department_name_is_a_form_error(client, english, admin, department):
    client.force_login(admin)
    response = client.post(reverse("office:department-create"), {"name": "Sprachen"})
    assert response.status_code == 200
    assert "already used" in response.content.decode()
    assert Department.objects.filter(name="Sprachen").count() == 1


@pytest.mark.django_db
def test_a_department_with_classes_is_not_deleted_and_says_why(
    client, english, admin, department, school_class
):
    client.force_login(admin)
    url = reverse("office:department-delete", args=[department.pk])
    assert "still has 1 class" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "still has 1 class" in response.content.decode()
    assert Department.objects.filter(pk=department.pk).exists()


@pytest.mark.django_db
def test_an_empty_department_is_deleted(client, admin, department):
    client.force_login(admin)
    client.post(reverse("office:department-delete", args=[department.pk]))
    assert not Department.objects.filter(pk=department.pk).exists()


@pytest.mark.django_db
def test_teacher_cannot_delete_a_department(client, teacher, department):
    client.force_login(teacher)
    response = client.post(reverse("office:department-delete", args=[department.pk]))
    assert response.status_code == 403
    assert Department.objects.filter(pk=department.pk).exists()


@pytest.mark.django_db
def test_admin_creates_a_class_with_teachers(client, admin, department, teacher, other_teacher):
    client.force_login(admin)
    response = client.post(
        reverse("office:class-create"),
        {
            "name": "10e",
            "department": department.pk,
            "class_teachers": [teacher.pk],
            "subject_teachers": [other_teacher.pk, teacher.pk],
        },
    )
    assert response.status_code == 302
    school_class = SchoolClass.objects.get(name="10e")
    assert list(school_class.class_teachers.all()) == [teacher]
    assert set(school_class.subject_teachers.all()) == {teacher, other_teacher}


@pytest.mark.django_db
def test_class_form_offers_only_the_organisations_teachers(client, admin, outsider, department):
    client.force_login(admin)
    response = client.post(
        reverse("office:class-create"),
        {"name": "10e", "department": department.pk, "class_teachers": [outsider.pk]},
    )
    assert response.status_code == 200 and response.context["form"].errors["class_teachers"]
    assert not SchoolClass.objects.filter(name="10e").exists()


@pytest.mark.django_db
def test_admin_edits_a_class(client, admin, school_class, department, other_teacher):
    client.force_login(admin)
    client.post(
        reverse("office:class-edit", args=[school_class.pk]),
        {"name": "7A", "department": department.pk, "subject_teachers": [other_teacher.pk]},
    )
    school_class.refresh_from_db()
    assert school_class.name == "7A" and not school_class.class_teachers.exists()
    assert list(school_class.subject_teachers.all()) == [other_teacher]


@pytest.mark.django_db
def test_admin_deletes_a_class(client, admin, school_class, pupil):
    client.force_login(admin)
    client.post(reverse("office:class-delete", args=[school_class.pk]))
    assert not SchoolClass.objects.filter(pk=school_class.pk).exists()


@pytest.mark.django_db
def test_class_list_has_a_fixed_number_of_queries(
    client, admin, organisation, department, teacher, django_assert_max_num_queries
):
    for _ in range(10):
        school_class = SchoolClassFactory(organisation=organisation, department=department)
        school_class.class_teachers.add(teacher)
    client.force_login(admin)
    with django_assert_max_num_queries(12):
        client.get(reverse("office:classes"))


@pytest.mark.django_db
def test_admin_adds_a_pupil_and_links_parents(client, admin, school_class, parent, other_parent):
    client.force_login(admin)
    response = client.post(
        reverse("office:pupil-create"),
        {"first_name": "Lea", "last_name": "Kurz", "school_class": school_class.pk},
    )
    lea = Pupil.objects.get(first_name="Lea")
    assert response["Location"] == reverse("office:pupil-edit", args=[lea.pk])
    link = reverse("office:pupil-parent-link", args=[lea.pk])
    client.post(link, {"parent": parent.pk})
    client.post(link, {"parent": other_parent.pk})
    assert set(lea.parents.all()) == {parent, other_parent}
    client.post(reverse("office:pupil-parent-unlink", args=[lea.pk, parent.pk]))
    assert list(lea.parents.all()) == [other_parent]


@pytest.mark.django_db
def test_a_teacher_cannot_be_linked_as_a_parent(client, admin, pupil, teacher):
    client.force_login(admin)
    client.post(reverse("office:pupil-parent-link", args=[pupil.pk]), {"parent": teacher.pk})
    assert not Guardianship.objects.filter(parent=teacher).exists()


@pytest.mark.django_db
def test_admin_edits_and_deletes_a_pupil(client, admin, pupil, organisation):
    other_class = SchoolClassFactory(organisation=organisation, name="9a")
    client.force_login(admin)
    client.post(
        reverse("office:pupil-edit", args=[pupil.pk]),
        {"first_name": "Max", "last_name": "Mustermann", "school_class": other_class.pk},
    )
    pupil.refresh_from_db()
    assert str(pupil) == "Max Mustermann" and pupil.school_class == other_class
    assert pupil.parents.exists()
    client.post(reverse("office:pupil-delete", args=[pupil.pk]))
    assert not Pupil.objects.filter(pk=pupil.pk).exists()


@pytest.mark.django_db
def test_pupils_are_filtered_by_class_and_name(client, admin, organisation, pupil, other_pupil):
    other_class = SchoolClassFactory(organisation=organisation, name="9a")
    PupilFactory(organisation=organisation, school_class=other_class, last_name="Zander")
    pupil.last_name, other_pupil.last_name = "Anders", "Berg"
    pupil.save()
    other_pupil.save()
    client.force_login(admin)
    by_class = client.get(reverse("office:pupils"), {"school_class": other_class.pk})
    assert [p.last_name for p in by_class.context["page"]] == ["Zander"]
    by_name = client.get(reverse("office:pupils"), {"q": "berg"})
    assert [p.last_name for p in by_name.context["page"]] == ["Berg"]


@pytest.mark.django_db
def test_pupil_list_has_a_fixed_number_of_queries(
    client, admin, organisation, school_class, django_assert_max_num_queries
):
    for _ in range(20):
        pupil = PupilFactory(organisation=organisation, school_class=school_class)
        pupil.parents.add(ParentFactory(organisation=organisation))
    client.force_login(admin)
    with django_assert_max_num_queries(12):
        client.get(reverse("office:pupils"))


@pytest.mark.django_db
def test_admin_adds_a_parent_for_a_pupil(client, admin, pupil, organisation):
    client.force_login(admin)
    url = reverse("office:parent-create") + f"?pupil={pupil.pk}"
    assert client.get(url).context["form"].initial["children"] == [pupil]
    response = client.post(
        url,
        {
            "first_name": "Olga",
            "last_name": "Petrova",
            "email": "",
            "language": "ru",
            "children": [pupil.pk],
        },
    )
    assert response["Location"] == reverse("office:pupil-edit", args=[pupil.pk])
    olga = User.objects.get(last_name="Petrova")
    assert olga.role == Role.PARENT and olga.organisation == organisation
    assert olga.language == "ru" and list(olga.children.all()) == [pupil]


@pytest.mark.django_db
def test_admin_edits_a_parent_and_their_children(client, admin, parent, pupil, other_pupil):
    client.force_login(admin)
    client.post(
        reverse("office:parent-edit", args=[parent.pk]),
        {
            "first_name": "Eva",
            "last_name": "Neu",
            "email": "eva@example.org",
            "language": "en",
            "children": [pupil.pk, other_pupil.pk],
        },
    )
    parent.refresh_from_db()
    assert parent.full_name == "Eva Neu" and parent.email == "eva@example.org"
    assert set(parent.children.all()) == {pupil, other_pupil}


@pytest.mark.django_db
def test_parent_edit_refuses_a_taken_email(client, english, admin, parent, other_parent):
    client.force_login(admin)
    response = client.post(
        reverse("office:parent-edit", args=[parent.pk]),
        {"first_name": "A", "last_name": "B", "email": other_parent.email, "language": "de"},
    )
    assert "already uses this email" in response.content.decode()
    parent.refresh_from_db()
    assert parent.email == "parent@example.org"


@pytest.mark.django_db
def test_staff_accounts_are_not_edited_as_parents(client, admin, teacher):
    client.force_login(admin)
    assert client.get(reverse("office:parent-edit", args=[teacher.pk])).status_code == 404


@pytest.mark.django_db
def test_admin_deletes_a_parent(client, admin, parent, pupil):
    client.force_login(admin)
    client.post(reverse("office:parent-delete", args=[parent.pk]))
    assert not User.objects.filter(pk=parent.pk).exists()
    assert Pupil.objects.filter(pk=pupil.pk).exists()


@pytest.mark.django_db
def test_roster_upload_imports_and_shows_counts(client, english, admin, organisation):
    client.force_login(admin)
    url = reverse("office:roster-import")
    response = client.post(url, {"file": upload(ROSTER, "cp1252")})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.classes_created, result.pupils_created, result.parents_created) == (2, 2, 1)
    assert User.objects.get(email="juergen@example.org").children.count() == 2
    again = client.post(url, {"file": upload(ROSTER)})
    assert "nothing was changed" in again.content.decode()
    assert Pupil.objects.filter(organisation=organisation).count() == 2


@pytest.mark.django_db
def test_roster_upload_with_bad_rows_lists_them_and_writes_nothing(client, english, admin):
    client.force_login(admin)
    bad = ROSTER + "9c;;Kurz;Eva;Kurz;eva@\r\n"
    response = client.post(reverse("office:roster-import"), {"file": upload(bad)})
    assert response.status_code == 400
    errors = response.context["rejected"].errors
    assert [error.line for error in errors] == [4]
    content = response.content.decode()
    assert "“pupil_first_name” is empty" in content and "was not imported" in content
    assert not Pupil.objects.exists()


@pytest.mark.django_db
def test_roster_upload_of_garbage_is_a_clear_error(client, english, admin):
    client.force_login(admin)
    garbage = SimpleUploadedFile("roster.xlsx", bytes(range(256)) * 8)
    response = client.post(reverse("office:roster-import"), {"file": garbage})
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


@pytest.mark.django_db
def test_roster_upload_without_a_file_is_a_form_error(client, admin):
    client.force_login(admin)
    response = client.post(reverse("office:roster-import"), {})
    assert response.status_code == 400 and response.context["form"].errors["file"]


@pytest.mark.django_db
def test_a_roster_over_the_size_limit_is_refused_with_413_and_imports_nothing(
    client, english, admin, monkeypatch
):
    monkeypatch.setattr("rendezvous.school.forms.MAX_ROSTER_BYTES", len(ROSTER) - 1)
    client.force_login(admin)

    response = client.post(reverse("office:roster-import"), {"file": upload(ROSTER)})

    assert response.status_code == 413
    assert "larger than 5 MB" in response.content.decode()
    assert not Pupil.objects.exists()


@pytest.mark.django_db
def test_outsider_roster_upload_stays_in_their_organisation(client, outsider, organisation):
    client.force_login(outsider)
    client.post(reverse("office:roster-import"), {"file": upload(ROSTER)})
    assert not Pupil.objects.filter(organisation=organisation).exists()
    assert Pupil.objects.filter(organisation=outsider.organisation).count() == 2
