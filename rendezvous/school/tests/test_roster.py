import pytest
from django.utils import translation

from rendezvous.accounts.models import Role, User
from rendezvous.school.errors import RosterRejected
from rendezvous.school.models import Department, Guardianship, Pupil, SchoolClass
from rendezvous.school.roster import import_roster

HEADER = (
    "class;pupil_first_name;pupil_last_name;parent_first_name;parent_last_name;"
    "parent_email;parent_language"
)
ROWS = [
    "7a;Mia;Müller;Jürgen;Müller;juergen@example.org;de",
    "7a;Mia;Müller;Anna;Müller;anna@example.org;en",
    "5b;Ben;Müller;Jürgen;Müller;juergen@example.org;de",
    "9c;Lew;Iwanow;Olga;Iwanowa;;ru",
]


def roster(*rows: str, header: str = HEADER, sep: str = ";", newline: str = "\r\n") -> str:
    lines = [header, *rows] if rows else [header, *ROWS]
    return newline.join(line.replace(";", sep) for line in lines) + newline


def parents(organisation):
    return User.objects.filter(organisation=organisation, role=Role.PARENT)


def rejected_lines(organisation, data: bytes) -> dict[int, str]:
    with pytest.raises(RosterRejected) as caught:
        import_roster(organisation=organisation, data=data)
    return {error.line: str(error.message) for error in caught.value.errors}


def nothing_written(organisation) -> bool:
    return not (
        Pupil.objects.filter(organisation=organisation).exists()
        or parents(organisation).exists()
        or SchoolClass.objects.filter(organisation=organisation).exists()
    )


@pytest.mark.django_db
def test_it_imports_classes_pupils_and_parents(organisation):
    result = import_roster(organisation=organisation, data=roster().encode())
    assert (result.classes_created, result.pupils_created) == (3, 3)
    assert (result.parents_created, result.links_created) == (3, 4)
    juergen = parents(organisation).get(email="juergen@example.org")
    assert juergen.full_name == "Jürgen Müller" and juergen.language == "de"
    assert {str(child) for child in juergen.children.all()} == {"Mia Müller", "Ben Müller"}
    mia = Pupil.objects.get(first_name="Mia")
    assert mia.school_class.name == "7a" and mia.parents.count() == 2
    olga = parents(organisation).get(last_name="Iwanowa")
    assert olga.email == "" and olga.language == "ru" and olga.login_code == ""


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing(organisation):
    data = roster().encode()
    import_roster(organisation=organisation, data=data)
    counts = (Pupil.objects.count(), User.objects.count(), Guardianship.objects.count())
    again = import_roster(organisation=organisation, data=data)
    assert not again.changed
    assert (again.classes_existing, again.pupils_existing) == (3, 3)
    assert (again.parents_existing, again.links_existing) == (3, 4)
    assert (Pupil.objects.count(), User.objects.count(), Guardianship.objects.count()) == counts


@pytest.mark.django_db
def test_existing_classes_are_matched_by_name(organisation, school_class):
    result = import_roster(
        organisation=organisation, data=roster("7A;Mia;Müller;Anna;Müller;;").encode()
    )
    assert (result.classes_created, result.classes_existing) == (0, 1)
    assert Pupil.objects.get().school_class == school_class


@pytest.mark.django_db
def test_unknown_classes_go_to_a_default_department_named_in_the_schools_language(organisation):
    organisation.language = "en"
    organisation.save()
    with translation.override("de"):
        import_roster(organisation=organisation, data=roster().encode())
    department = Department.objects.get(organisation=organisation)
    assert department.name == "Imported classes"
    assert set(department.classes.values_list("name", flat=True)) == {"7a", "5b", "9c"}


@pytest.mark.django_db
def test_a_second_import_reuses_the_default_department(organisation):
    import_roster(organisation=organisation, data=roster("7a;Mia;Müller;Anna;Müller;;").encode())
    import_roster(organisation=organisation, data=roster("8b;Ben;Kurz;Eva;Kurz;;").encode())
    department = Department.objects.get(organisation=organisation)
    assert department.classes.count() == 2


@pytest.mark.django_db
def test_parents_are_matched_by_email_across_files(organisation, parent, school_class):
    import_roster(
        organisation=organisation,
        data=roster("7a;Tim;Klein;Someone;Else;PARENT@example.org;").encode(),
    )
    tim = Pupil.objects.get(first_name="Tim")
    assert list(tim.parents.all()) == [parent]
    assert parents(organisation).count() == 1


@pytest.mark.django_db
def test_parents_without_email_are_matched_by_name_and_pupil(organisation):
    data = roster("9c;Lew;Iwanow;Olga;Iwanowa;;ru", "9c;Sasha;Iwanow;Olga;Iwanowa;;ru").encode()
    import_roster(organisation=organisation, data=data)
    again = import_roster(organisation=organisation, data=data)
    assert not again.changed
    # Without an email, the same name at another pupil is taken to be another person.
    assert parents(organisation).count() == 2


@pytest.mark.django_db
def test_parent_language_defaults_to_the_organisations(organisation):
    organisation.language = "en"
    organisation.save()
    header = HEADER.rsplit(";", 1)[0]
    import_roster(
        organisation=organisation,
        data=roster("7a;Mia;Müller;Anna;Müller;anna@example.org", header=header).encode(),
    )
    assert parents(organisation).get().language == "en"


@pytest.mark.django_db
def test_utf8_with_bom(organisation):
    import_roster(organisation=organisation, data=roster().encode("utf-8-sig"))
    assert Pupil.objects.filter(last_name="Müller").count() == 2


@pytest.mark.django_db
def test_windows_1252_as_german_excel_saves_it(organisation):
    import_roster(organisation=organisation, data=roster().encode("cp1252"))
    assert parents(organisation).filter(first_name="Jürgen", last_name="Müller").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_each_separator_is_recognised(organisation, sep):
    result = import_roster(organisation=organisation, data=roster(sep=sep).encode())
    assert result.pupils_created == 3


@pytest.mark.django_db
def test_quoted_fields_and_unix_newlines(organisation):
    data = roster('7a;"Anna; Maria";Müller;Jürgen;Müller;;', newline="\n").encode()
    import_roster(organisation=organisation, data=data)
    assert Pupil.objects.get().first_name == "Anna; Maria"


@pytest.mark.django_db
def test_bad_rows_are_each_reported_and_nothing_is_written(organisation):
    data = roster(
        "7a;Mia;Müller;Jürgen;Müller;juergen@example.org;de",
        ";Ben;Müller;Jürgen;Müller;;",
        "7a;Lea;Kurz;Eva;Kurz;not-an-email;",
        "",
        "7a;Tom;Lang;Eva;Lang;;fr",
    ).encode()
    with translation.override("en"):
        errors = rejected_lines(organisation, data)
    assert set(errors) == {3, 4, 6}
    assert "“class” is empty" in errors[3]
    assert "not-an-email" in errors[4] and "not a valid email" in errors[4]
    assert "“fr” is not a language" in errors[6]
    assert nothing_written(organisation)


@pytest.mark.django_db
def test_a_missing_header_column_is_reported(organisation):
    header = "class;pupil_first_name;pupil_last_name;parent_first_name;parent_email"
    with translation.override("en"):
        errors = rejected_lines(
            organisation, roster("7a;Mia;Müller;Anna;a@example.org", header=header).encode()
        )
    assert list(errors) == [1] and "parent_last_name" in errors[1]
    assert nothing_written(organisation)


@pytest.mark.django_db
def test_an_unknown_header_column_is_reported(organisation):
    with translation.override("en"):
        errors = rejected_lines(organisation, roster(header=HEADER + ";notes").encode())
    assert "Unknown columns: notes" in errors[1]


@pytest.mark.django_db
def test_a_line_with_too_many_values_is_reported(organisation):
    errors = rejected_lines(organisation, roster("7a;Mia;Müller;Anna;Müller;;de;extra").encode())
    assert list(errors) == [2]


@pytest.mark.django_db
@pytest.mark.parametrize("data", [b"", b"   \r\n  \n"])
def test_an_empty_file_is_reported(organisation, data):
    with translation.override("en"):
        errors = rejected_lines(organisation, data)
    assert errors == {1: "The file is empty."}


@pytest.mark.django_db
def test_a_header_without_rows_is_reported(organisation):
    errors = rejected_lines(organisation, (HEADER + "\r\n").encode())
    assert list(errors) == [2]


@pytest.mark.django_db
@pytest.mark.parametrize("data", [bytes(range(256)) * 4, bytes(range(1, 256)) * 4])
def test_garbage_bytes_get_a_clear_error(organisation, data):
    with translation.override("en"):
        errors = rejected_lines(organisation, data)
    assert len(errors) == 1 and "could not be read" in next(iter(errors.values()))
    assert nothing_written(organisation)


@pytest.mark.django_db
def test_a_spreadsheet_file_is_not_taken_for_csv(organisation):
    xlsx = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"\x00" * 40
    with translation.override("en"):
        errors = rejected_lines(organisation, xlsx)
    assert "could not be read" in errors[1]


@pytest.mark.django_db
def test_mixed_encodings_are_reported_with_their_line(organisation):
    data = (
        roster("7a;Mia;Müller;Anna;Müller;;").encode("cp1252")
        + "7a;Ben;Müller;Jürgen;Müller;;\r\n".encode()
    )
    with translation.override("en"):
        errors = rejected_lines(organisation, data)
    assert list(errors) == [3] and "could not be read" in errors[3]


@pytest.mark.django_db
def test_bytes_undefined_in_windows_1252_are_reported(organisation):
    data = roster("7a;Mia;M\x81ller;Anna;Müller;;").encode("latin-1")
    errors = rejected_lines(organisation, data)
    assert list(errors) == [2]


@pytest.mark.django_db
def test_utf16_from_excels_unicode_text(organisation):
    import_roster(organisation=organisation, data=roster(sep="\t").encode("utf-16"))
    assert Pupil.objects.count() == 3


@pytest.mark.django_db
def test_the_import_stays_in_its_organisation(organisation, outsider):
    foreign = outsider.organisation
    import_roster(organisation=foreign, data=roster().encode())
    result = import_roster(organisation=organisation, data=roster().encode())
    assert result.parents_created == 3 and result.classes_created == 3
    assert parents(foreign).count() == 3
