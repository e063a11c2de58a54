"""Choosing pupils for a parent and parents for a pupil by searching, with and without
JavaScript; never a list of the whole school."""

import re

import pytest
from django.urls import reverse

from rendezvous.accounts.tests.factories import ParentFactory
from rendezvous.school.models import Guardianship, Pupil
from rendezvous.school.selectors import SEARCH_LIMIT
from rendezvous.school.tests.factories import PupilFactory, SchoolClassFactory

PICKER = reverse("office:pupil-picker")
CREATE = reverse("office:parent-create")
CHECKBOX = re.compile(r'<input type="checkbox" name="children" value="(\d+)"( checked)?>')

pytestmark = pytest.mark.django_db


def ticked_and_offered(html: str) -> tuple[list[int], list[int]]:
    boxes = CHECKBOX.findall(html)
    return (
        [int(pk) for pk, checked in boxes if checked],
        [int(pk) for pk, checked in boxes if not checked],
    )


def names_offered(response) -> list[str]:
    return [f"{pupil.last_name}, {pupil.first_name}" for pupil in response.context["result"].rows]


@pytest.fixture
def school(organisation, school_class):
    """Pupils whose names the database would misorder or miss without help."""
    other_class = SchoolClassFactory(organisation=organisation, name="10b")
    names = [
        ("Mia", "Schwarz", school_class),
        ("Mia", "Schäfer", school_class),
        ("Mia", "Müller", other_class),
        ("Ben", "Müller", school_class),
        ("Анна", "Иванова", other_class),
    ]
    return {
        last + first: PupilFactory(
            organisation=organisation, school_class=klass, first_name=first, last_name=last
        )
        for first, last, klass in names
    }


def test_typing_a_name_finds_pupils_in_dictionary_order(client, admin, school):
    client.force_login(admin)
    response = client.get(PICKER, {"q": "mia"})
    assert names_offered(response) == ["Müller, Mia", "Schäfer, Mia", "Schwarz, Mia"]


def test_lower_case_finds_names_with_umlauts_and_cyrillic_capitals(client, admin, school):
    client.force_login(admin)
    assert names_offered(client.get(PICKER, {"q": "müller"})) == ["Müller, Ben", "Müller, Mia"]
    assert names_offered(client.get(PICKER, {"q": "иванова"})) == ["Иванова, Анна"]


def test_a_class_narrows_the_search(client, admin, school):
    client.force_login(admin)
    assert names_offered(client.get(PICKER, {"q": "mia 10b"})) == ["Müller, Mia"]
    assert names_offered(client.get(PICKER, {"q": "10"})) == ["Müller, Mia", "Иванова, Анна"]


def test_an_empty_search_offers_nobody(client, admin, school):
    client.force_login(admin)
    response = client.get(PICKER, {"q": "  "})
    assert names_offered(response) == [] and not CHECKBOX.search(response.content.decode())


def test_no_more_than_the_limit_is_offered_and_the_rest_is_counted(
    client, admin, organisation, school_class, django_assert_max_num_queries
):
    for number in range(SEARCH_LIMIT + 15):
        PupilFactory(
            organisation=organisation, school_class=school_class, last_name=f"Kind{number}"
        )
    client.force_login(admin)
    with django_assert_max_num_queries(8):
        response = client.get(PICKER, {"q": "kind"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert len(ticked_and_offered(html)[1]) == SEARCH_LIMIT
    assert f"The first {SEARCH_LIMIT} of {SEARCH_LIMIT + 15} pupils" in html


def test_pupils_already_chosen_are_not_offered_again(client, admin, school):
    client.force_login(admin)
    chosen = school["SchäferMia"]
    response = client.get(
        PICKER, {"q": "mia", "children": [chosen.pk, "x", "99999999999999999999"]}
    )
    assert names_offered(response) == ["Müller, Mia", "Schwarz, Mia"]


def test_another_schools_pupils_are_never_offered(client, outsider, school):
    client.force_login(outsider)
    assert names_offered(client.get(PICKER, {"q": "mia"})) == []


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_only_the_office_may_search_pupils(client, request, role, school):
    client.force_login(request.getfixturevalue(role))
    assert client.get(PICKER, {"q": "mia"}).status_code == 403


def test_the_parent_form_never_lists_the_whole_school(client, admin, organisation, school_class):
    for _ in range(60):
        PupilFactory(organisation=organisation, school_class=school_class)
    client.force_login(admin)
    html = client.get(CREATE).content.decode()
    assert ticked_and_offered(html) == ([], [])
    assert "<select" not in html.split('name="children"')[0].rsplit("<fieldset", 1)[-1]


def test_the_edit_form_shows_the_parents_children_ticked(client, admin, parent, pupil):
    client.force_login(admin)
    html = client.get(reverse("office:parent-edit", args=[parent.pk])).content.decode()
    assert ticked_and_offered(html) == ([pupil.pk], [])


def test_without_javascript_search_shows_matches_and_keeps_what_was_typed(client, admin, school):
    client.force_login(admin)
    response = client.post(
        CREATE,
        {
            "first_name": "Sabine",
            "last_name": "",
            "language": "de",
            "q": "mia",
            "search": "children",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Sabine"' in html and "errorlist" not in html  # nothing was meant to be saved
    assert names_offered(response) == ["Müller, Mia", "Schäfer, Mia", "Schwarz, Mia"]
    assert ticked_and_offered(html)[0] == []


def test_without_javascript_ticked_matches_stay_chosen_through_another_search(
    client, admin, school
):
    client.force_login(admin)
    mia = school["SchäferMia"]
    response = client.post(
        CREATE,
        {"first_name": "Sabine", "children": [mia.pk], "q": "ben", "search": "children"},
    )
    html = response.content.decode()
    assert ticked_and_offered(html) == ([mia.pk], [school["MüllerBen"].pk])


def test_ticking_and_saving_links_the_children(client, admin, school):
    client.force_login(admin)
    chosen = [school["SchäferMia"].pk, school["MüllerBen"].pk]
    response = client.post(
        CREATE,
        {
            "first_name": "Sabine",
            "last_name": "Schäfer",
            "email": "",
            "language": "de",
            "children": chosen,
            "q": "ben",
        },
    )
    assert response.status_code == 302
    linked = Guardianship.objects.filter(parent__last_name="Schäfer")
    assert sorted(linked.values_list("pupil_id", flat=True)) == sorted(chosen)


def test_another_schools_pupil_cannot_be_ticked(client, outsider, school):
    client.force_login(outsider)
    response = client.post(
        CREATE,
        {
            "first_name": "X",
            "last_name": "Y",
            "language": "de",
            "children": [school["SchäferMia"].pk],
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["children"]
    assert not Guardianship.objects.filter(pupil=school["SchäferMia"]).exists()


# Parents for a pupil.


@pytest.fixture
def parents(organisation):
    return {
        name: ParentFactory(
            organisation=organisation, first_name=first, last_name=name, email=mail
        )
        for first, name, mail in [
            ("Sabine", "Schwarz", "s.schwarz@example.org"),
            ("Jürgen", "Schäfer", ""),
            ("Olga", "Петрова", "olga@example.org"),
        ]
    }


def parent_picker(pupil):
    return reverse("office:pupil-parent-picker", args=[pupil.pk])


def test_a_pupils_page_finds_parents_by_name_or_email(client, admin, pupil, parents):
    client.force_login(admin)
    found = client.get(parent_picker(pupil), {"q": "sch"}).context["result"].rows
    assert [parent.last_name for parent in found] == ["Schäfer", "Schwarz"]
    found = client.get(parent_picker(pupil), {"q": "olga@"}).context["result"].rows
    assert [parent.last_name for parent in found] == ["Петрова"]


def test_parents_already_linked_are_not_offered(client, admin, pupil, parent):
    client.force_login(admin)
    found = client.get(parent_picker(pupil), {"q": parent.last_name}).context["result"].rows
    assert parent not in found


def test_without_javascript_the_pupils_page_shows_the_matches_with_link_buttons(
    client, admin, pupil, parents
):
    client.force_login(admin)
    response = client.get(reverse("office:pupil-edit", args=[pupil.pk]), {"q": "schwarz"})
    html = response.content.decode()
    link = reverse("office:pupil-parent-link", args=[pupil.pk])
    assert html.count(f'action="{link}"') == 1
    assert f'name="parent" value="{parents["Schwarz"].pk}"' in html

    client.post(link, {"parent": parents["Schwarz"].pk})
    assert parents["Schwarz"] in pupil.parents.all()


def test_the_pupils_page_never_lists_every_parent(client, admin, organisation, pupil):
    for _ in range(30):
        ParentFactory(organisation=organisation)
    client.force_login(admin)
    html = client.get(reverse("office:pupil-edit", args=[pupil.pk])).content.decode()
    assert html.count('name="parent"') == 0 and "<select" not in html.split("Link a parent")[-1]


def test_another_schools_pupil_has_no_parent_search(client, outsider, pupil, parents):
    client.force_login(outsider)
    assert client.get(parent_picker(pupil), {"q": "sch"}).status_code == 404


def test_an_outsiders_parent_is_never_offered_nor_linked(client, admin, pupil, outsider):
    stranger = ParentFactory(organisation=outsider.organisation, last_name="Fremd")
    client.force_login(admin)
    assert client.get(parent_picker(pupil), {"q": "fremd"}).context["result"].rows == []
    client.post(reverse("office:pupil-parent-link", args=[pupil.pk]), {"parent": stranger.pk})
    assert stranger not in Pupil.objects.get(pk=pupil.pk).parents.all()
