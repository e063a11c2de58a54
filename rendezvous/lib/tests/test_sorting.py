"""The orders people read lists in: classes by their numbers, names as a dictionary has them."""

import pytest

from rendezvous.accounts.models import Role
from rendezvous.accounts.tests.factories import UserFactory
from rendezvous.lib.sorting import natural_key, person_key, sorted_page, text_key


def test_class_names_sort_by_their_numbers():
    names = ["10a", "5b", "Q1", "5a", "12", "7A", "10B", "EF", "7a", "9"]
    assert sorted(names, key=natural_key) == [
        "5a",
        "5b",
        "7A",
        "7a",
        "9",
        "10a",
        "10B",
        "12",
        "EF",
        "Q1",
    ]


def test_class_names_with_two_numbers_sort_by_both():
    names = ["Jg 12 Kurs 10", "Jg 12 Kurs 2", "Jg 11 Kurs 3"]
    assert sorted(names, key=natural_key) == ["Jg 11 Kurs 3", "Jg 12 Kurs 2", "Jg 12 Kurs 10"]


def test_umlauts_sort_with_their_letter_not_after_z():
    names = ["Schwarz", "Zander", "Schäfer", "Özdemir", "Oswald", "Ostermann", "Müller", "Mueller"]
    assert sorted(names, key=text_key) == [
        "Mueller",
        "Müller",
        "Ostermann",
        "Oswald",
        "Özdemir",
        "Schäfer",
        "Schwarz",
        "Zander",
    ]


def test_case_does_not_split_a_list():
    assert sorted(["van Dijk", "Vogel", "de Vries", "Adler"], key=text_key) == [
        "Adler",
        "de Vries",
        "van Dijk",
        "Vogel",
    ]


def test_eszett_and_letters_without_a_decomposition_sort_as_spelled_out():
    assert text_key("Straße") == text_key("Strasse") == "strasse"
    assert sorted(["Østergaard", "Otto", "Nilsen"], key=text_key) == [
        "Nilsen",
        "Østergaard",
        "Otto",
    ]
    assert sorted(["Łukasz", "Lange", "Maier"], key=text_key) == ["Lange", "Łukasz", "Maier"]


def test_cyrillic_names_sort_in_the_russian_alphabet():
    names = ["Жуков", "Йорк", "Иванов", "Ёлкин", "Елисеев", "Абрамов", "Кузнецов", "Яковлев"]
    assert sorted(names, key=text_key) == [
        "Абрамов",
        "Елисеев",  # "ё" is filed under "е", as Russian dictionaries do
        "Ёлкин",
        "Жуков",
        "Иванов",
        "Йорк",  # "й" is a letter of its own, after "и"
        "Кузнецов",
        "Яковлев",
    ]


def test_people_sort_by_last_name_then_first_name_then_exact_spelling():
    people = [
        ("Schäfer", "Tom"),
        ("Schafer", "Anna"),
        ("Schäfer", "Anna"),
        ("Schwarz", "Ben"),
        ("Schafer", "Tom"),
    ]
    assert sorted(people, key=lambda p: person_key(*p)) == [
        ("Schafer", "Anna"),
        ("Schäfer", "Anna"),
        ("Schafer", "Tom"),
        ("Schäfer", "Tom"),
        ("Schwarz", "Ben"),
    ]


@pytest.mark.django_db
def test_a_sorted_page_is_one_page_of_the_whole_list_in_order(organisation):
    for last_name in ["Zander", "Özdemir", "Schäfer", "Schwarz", "Adler", "Ähler", "Beck"]:
        UserFactory(organisation=organisation, role=Role.PARENT, last_name=last_name)
    rows = organisation.users.filter(role=Role.PARENT)

    def page(number):
        chosen = sorted_page(
            rows, fields=("last_name", "first_name"), key=person_key, number=number, per_page=3
        )
        return [user.last_name for user in chosen.object_list]

    assert page(1) == ["Adler", "Ähler", "Beck"]
    assert page(2) == ["Özdemir", "Schäfer", "Schwarz"]
    assert page(3) == ["Zander"]
    assert page("no number") == page(1)
