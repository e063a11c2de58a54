import pytest
from django.core.management import CommandError, call_command

from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.school.models import Pupil

GOOD = (
    "class;pupil_first_name;pupil_last_name;parent_first_name;parent_last_name;parent_email\r\n"
    "7a;Mia;Müller;Jürgen;Müller;juergen@example.org\r\n"
)


@pytest.fixture
def roster_file(tmp_path):
    def write(text: str, encoding: str = "utf-8"):
        path = tmp_path / "roster.csv"
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.mark.django_db
def test_it_imports_into_the_only_organisation(organisation, roster_file, capsys):
    call_command("import_roster", str(roster_file(GOOD, "cp1252")))
    assert Pupil.objects.get(organisation=organisation).last_name == "Müller"
    assert "pupils: 1 created, 0 existing" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_second_run_reports_existing_rows(organisation, roster_file, capsys):
    path = roster_file(GOOD)
    call_command("import_roster", str(path), "--organisation", "goethe")
    call_command("import_roster", str(path), "--organisation", "goethe")
    assert "parents: 0 created, 1 existing" in capsys.readouterr().out
    assert Pupil.objects.count() == 1


@pytest.mark.django_db
def test_bad_rows_fail_with_their_line_numbers(organisation, roster_file):
    organisation.language = "en"
    organisation.save()
    path = roster_file(GOOD + ";Ben;Müller;Jürgen;Müller;x@\r\n")
    with pytest.raises(CommandError) as caught:
        call_command("import_roster", str(path))
    assert "Line 3:" in str(caught.value) and "“class” is empty" in str(caught.value)
    assert not Pupil.objects.exists()


@pytest.mark.django_db
def test_several_organisations_need_a_slug(organisation, roster_file):
    OrganisationFactory(slug="other")
    with pytest.raises(CommandError, match="--organisation"):
        call_command("import_roster", str(roster_file(GOOD)))
    with pytest.raises(CommandError, match="nowhere"):
        call_command("import_roster", str(roster_file(GOOD)), "--organisation", "nowhere")
    assert not Pupil.objects.exists()


@pytest.mark.django_db
def test_a_missing_file_is_a_clear_error(organisation, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_roster", str(tmp_path / "missing.csv"))
