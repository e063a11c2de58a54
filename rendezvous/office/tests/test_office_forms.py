"""The office's forms and lists: reading order, "Select all" without JavaScript, no Django
placeholders, and the class list template."""

import csv
import io
import re

import pytest
from django.urls import reverse

from rendezvous.accounts.models import Role
from rendezvous.accounts.tests.factories import UserFactory
from rendezvous.school.models import Pupil, SchoolClass
from rendezvous.school.roster import COLUMNS, import_roster
from rendezvous.school.tests.factories import SchoolClassFactory

pytestmark = pytest.mark.django_db
OPTION = re.compile(r"<option[^>]*>([^<]*)</option>")


def teachers(organisation, *last_names):
    return [
        UserFactory(organisation=organisation, role=Role.TEACHER, last_name=name, first_name="A")
        for name in last_names
    ]


def test_classes_are_listed_by_their_numbers(client, admin, organisation, department):
    for name in ["10a", "5b", "Q1", "5a", "9c"]:
        SchoolClassFactory(organisation=organisation, department=department, name=name)
    client.force_login(admin)
    listed = [row.name for row in client.get(reverse("office:classes")).context["classes"]]
    assert listed == ["5a", "5b", "9c", "10a", "Q1"]


def test_class_choices_are_in_number_order_with_a_clear_empty_choice(
    client, admin, organisation, department
):
    for name in ["10a", "5a", "7b"]:
        SchoolClassFactory(organisation=organisation, department=department, name=name)
    client.force_login(admin)
    html = client.get(reverse("office:pupil-create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert OPTION.findall(html) == ["Choose a class", "5a", "7b", "10a"]


@pytest.mark.parametrize(
    "name",
    [
        "office:class-create",
        "office:pupil-create",
        "office:pupils",
        "office:credentials",
        "office:appointments",
        "office:department-create",
        "office:parent-create",
    ],
)
def test_no_choice_list_shows_djangos_placeholder(client, admin, pupil, event, name):
    client.force_login(admin)
    assert "---------" not in client.get(reverse(name)).content.decode()


def test_teachers_are_offered_alphabetically_as_checkboxes(client, admin, organisation):
    admin.last_name = "Zimmermann"
    admin.save(update_fields=["last_name"])
    teachers(organisation, "Schwarz", "Özdemir", "Schäfer", "Adler")
    client.force_login(admin)
    response = client.get(reverse("office:department-create"))
    labels = [label for _value, label in response.context["form"].fields["teachers"].choices]
    assert [label.split()[-1] for label in labels] == [
        "Adler",
        "Özdemir",
        "Schäfer",
        "Schwarz",
        "Zimmermann",
    ]
    assert response.content.decode().count('type="checkbox" name="teachers"') == 5


def test_without_javascript_select_all_ticks_every_teacher_and_keeps_what_was_typed(
    client, admin, organisation, department
):
    staff = teachers(organisation, "Schwarz", "Schäfer")
    client.force_login(admin)
    response = client.post(
        reverse("office:class-create"),
        {"name": "8c", "department": department.pk, "select_all": "subject_teachers"},
    )
    form = response.context["form"]
    assert response.status_code == 200 and not form.is_bound  # shown again, not saved
    assert set(form["subject_teachers"].value()) == {str(t.pk) for t in [admin, *staff]}
    assert form["class_teachers"].value() == []
    assert form["name"].value() == "8c"
    assert not SchoolClass.objects.filter(name="8c").exists()
    html = response.content.decode()
    assert html.count('name="subject_teachers"') == html.count('name="subject_teachers" value')
    assert "errorlist" not in html


def test_select_all_for_a_field_that_has_no_checkboxes_changes_nothing(client, admin, department):
    client.force_login(admin)
    response = client.post(
        reverse("office:class-create"),
        {"name": "8c", "department": department.pk, "select_all": "name"},
    )
    assert response.context["form"]["name"].value() == "8c"
    assert not SchoolClass.objects.filter(name="8c").exists()


# The class list template.


def download(client, admin, language):
    admin.language = language
    admin.save(update_fields=["language"])
    client.force_login(admin)
    client.cookies["django_language"] = language
    return client.get(reverse("office:roster-template"), HTTP_ACCEPT_LANGUAGE=language)


def test_the_template_has_the_exact_columns_and_two_example_lines(client, admin):
    response = download(client, admin, "en")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8's byte order mark, which Excel needs
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 3
    assert rows[1][5] and not rows[2][5]  # one parent with an address, one with a letter
    assert rows[1][-1] == rows[2][-1] == "en"


def test_the_template_speaks_the_admins_language_but_keeps_the_column_names(client, admin):
    rows = download(client, admin, "de").content.decode("utf-8-sig").splitlines()
    assert rows[0] == ";".join(COLUMNS)
    assert rows[1].endswith(";de") and rows[2].endswith(";de")


def test_the_template_imports_as_it_is(client, admin, organisation):
    body = download(client, admin, "en").content
    result = import_roster(organisation=organisation, data=body)
    assert (result.pupils_created, result.parents_created, result.links_created) == (1, 2, 2)
    assert Pupil.objects.filter(organisation=organisation, school_class__name="7a").count() == 1


def test_the_import_page_links_the_template(client, admin):
    client.force_login(admin)
    html = client.get(reverse("office:roster-import")).content.decode()
    assert f'href="{reverse("office:roster-template")}"' in html


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_only_the_office_downloads_the_template(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("office:roster-template")).status_code == 403
