import os
import stat
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rendezvous.accounts.tests.factories import ParentFactory
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory


def run(*args) -> str:
    out = StringIO()
    call_command("send_parent_credentials", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def letter_parent(organisation, school_class):
    parent = ParentFactory(
        organisation=organisation, email="", first_name="Lene", last_name="Brief"
    )
    GuardianshipFactory(
        pupil=PupilFactory(organisation=organisation, school_class=school_class), parent=parent
    )
    return parent


def test_event_sends_once_and_again_only_with_resend(
    event, parent, pupil, other_parent, other_pupil
):
    output = run("--event", str(event.pk))
    assert "Credentials emailed to 2 parent(s)." in output
    assert OutgoingEmail.objects.filter(template="parent_credentials").count() == 2

    assert "emailed to 0" in run("--event", str(event.pk))
    assert OutgoingEmail.objects.count() == 2

    run("--event", str(event.pk), "--resend")
    assert OutgoingEmail.objects.count() == 4


def test_one_class_of_an_organisation(organisation, school_class, parent, pupil):
    elsewhere = ParentFactory(organisation=organisation)
    GuardianshipFactory(pupil=PupilFactory(organisation=organisation), parent=elsewhere)
    run("--organisation", "goethe", "--class", school_class.name)
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == [parent.email]


def test_letters_are_written_to_a_file(tmp_path, event, parent, pupil, letter_parent):
    target = tmp_path / "letters.html"
    output = run("--event", str(event.pk), "--letters-to", str(target))
    html = target.read_text(encoding="utf-8")
    letter_parent.refresh_from_db()
    assert "1 letter(s) written" in output
    assert html.count('class="page letter"') == 1
    assert letter_parent.login_code in html and "Lene Brief" in html and "Goethe-Gymnasium" in html
    assert letter_parent.credentials_sent_at is not None
    assert parent.email not in html


@pytest.mark.parametrize("existing", [False, True])
def test_only_the_owner_may_read_the_letters_file(tmp_path, event, letter_parent, existing):
    target = tmp_path / "letters.html"
    if existing:
        target.write_text("old letters")
        target.chmod(0o644)

    run("--event", str(event.pk), "--letters-to", str(target))

    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert letter_parent.last_name in target.read_text(encoding="utf-8")


def test_letters_sent_down_a_pipe_leave_the_pipes_mode_alone(tmp_path, event, letter_parent):
    """A pipe or a device is shared: the command writes to it without making it private
    (as root, doing so to /dev/null would lock every other user out of it)."""
    pipe = tmp_path / "printer"
    os.mkfifo(pipe, 0o644)
    pipe.chmod(0o644)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")))
    reader.start()

    run("--event", str(event.pk), "--letters-to", str(pipe))
    reader.join(timeout=10)

    assert stat.S_IMODE(pipe.stat().st_mode) == 0o644
    assert letter_parent.last_name in received[0]


def test_without_a_letters_file_parents_without_email_are_listed_and_left_alone(
    event, parent, pupil, letter_parent
):
    output = run("--event", str(event.pk))
    assert "Lene Brief" in output and "office page" in output
    letter_parent.refresh_from_db()
    assert letter_parent.credentials_sent_at is None
    assert letter_parent.has_usable_password()


def test_the_whole_organisation_when_it_is_the_only_one(organisation, parent, pupil):
    run()
    assert OutgoingEmail.objects.count() == 1


def test_it_asks_which_organisation_when_there_are_several(organisation, parent):
    OrganisationFactory()
    with pytest.raises(CommandError, match="--organisation"):
        run()


@pytest.mark.parametrize(
    "args",
    [
        ["--event", "999999"],
        ["--organisation", "nowhere"],
        ["--organisation", "goethe", "--class", "9z"],
    ],
)
def test_unknown_names_are_errors(organisation, args):
    with pytest.raises(CommandError):
        run(*args)


def test_an_event_of_another_organisation_is_refused(event, outsider):
    with pytest.raises(CommandError):
        run("--event", str(event.pk), "--organisation", "other")
