import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from rendezvous.accounts.tests.factories import ParentFactory
from rendezvous.accounts.tests.i18n import write_catalogue
from rendezvous.lib.errors import NotAllowed
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.scheduling.tests.factories import EventFactory
from rendezvous.school import credentials as services
from rendezvous.school.credentials import generate_password, send_parent_credentials
from rendezvous.school.errors import NotAParent
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory

SUBJECT = "%(school)s: your sign-in for parents' appointments"
UNAMBIGUOUS = re.compile(
    r"^[A-HJ-NP-Za-km-np-z2-9]{4}-[A-HJ-NP-Za-km-np-z2-9]{4}-[A-HJ-NP-Za-km-np-z2-9]{4}$"
)


def password_in(email: OutgoingEmail) -> str:
    return re.search(r"^\S+: (\S{4}-\S{4}-\S{4})$", email.body_text, re.MULTILINE).group(1)


def test_generated_passwords_use_unambiguous_characters():
    passwords = {generate_password() for _ in range(200)}
    assert len(passwords) == 200
    assert all(UNAMBIGUOUS.match(password) for password in passwords)
    assert not set("".join(passwords)) & set("0O1lI")


@pytest.mark.django_db
def test_codes_are_five_digits_and_unique(organisation):
    parents = [ParentFactory(organisation=organisation, login_code="") for _ in range(40)]
    send_parent_credentials(parents=parents)
    codes = [p.login_code for p in organisation.users.filter(role="parent")]
    assert len(codes) == 40 and len(set(codes)) == 40
    assert all(re.fullmatch(r"\d{5}", code) and 10000 <= int(code) <= 99999 for code in codes)


def test_a_code_taken_in_any_organisation_is_drawn_again(organisation, monkeypatch):
    ParentFactory(organisation=organisation, login_code="10000")
    ParentFactory(organisation=OrganisationFactory(), login_code="10001")
    parent = ParentFactory(organisation=organisation, login_code="")
    draws = iter([0, 0, 1, 2])
    monkeypatch.setattr(services.secrets, "randbelow", lambda _n: next(draws))

    send_parent_credentials(parents=[parent])

    assert parent.login_code == "10002"


def test_a_parent_keeps_their_code_and_gets_a_new_password(parent):
    code = parent.login_code
    send_parent_credentials(parents=[parent])
    first = password_in(OutgoingEmail.objects.latest("pk"))
    send_parent_credentials(parents=[parent])
    second = password_in(OutgoingEmail.objects.latest("pk"))

    parent.refresh_from_db()
    assert parent.login_code == code
    assert first != second
    assert parent.check_password(second.replace("-", ""))
    assert not parent.check_password(first.replace("-", ""))
    assert parent.credentials_sent_at is not None


def test_email_carries_code_password_and_sign_in_address(parent, pupil, settings):
    settings.SITE_URL = "https://termine.example.org"
    result = send_parent_credentials(parents=[parent])

    assert result.emailed == [parent] and result.letters == []
    email = OutgoingEmail.objects.get(template="parent_credentials")
    assert email.to == parent.email and email.organisation == parent.organisation
    for body in (email.body_text, email.body_html):
        assert parent.login_code in body
        assert password_in(email) in body
        assert "https://termine.example.org/accounts/login/" in body
        assert pupil.first_name in body


def test_parent_without_email_gets_a_letter_instead(organisation, pupil):
    parent = ParentFactory(organisation=organisation, email="")
    GuardianshipFactory(pupil=pupil, parent=parent)

    result = send_parent_credentials(parents=[parent])

    assert result.emailed == []
    [letter] = result.letters
    assert letter.parent == parent and letter.login_code == parent.login_code
    assert letter.children == [pupil]
    assert parent.check_password(letter.password.replace("-", ""))
    assert not OutgoingEmail.objects.exists()


@pytest.mark.parametrize(
    ("language", "subject", "password_label"),
    [
        ("de", "Goethe-Gymnasium: Ihre Anmeldung für die Elternsprechtermine", "Passwort"),
        ("ru", "Goethe-Gymnasium: ваш вход для записи на встречи", "Пароль"),
    ],
)
def test_email_is_in_the_parents_language(
    organisation, settings, tmp_path, language, subject, password_label
):
    write_catalogue(
        tmp_path, language, {SUBJECT: subject.replace("Goethe-Gymnasium", "%(school)s")}
    )
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]
    parent = ParentFactory(organisation=organisation, language=language)

    send_parent_credentials(parents=[parent])

    email = OutgoingEmail.objects.get(to=parent.email)
    assert email.language == language
    assert email.subject == subject
    assert f"{password_label}: " in email.body_text  # Django's own catalogue


def test_account_expires_with_the_retention_window_of_the_latest_event(
    organisation, parent, pupil, school_class
):
    organisation.time_zone = "Europe/Berlin"
    organisation.save()
    early = EventFactory(
        organisation=organisation, starts_on=date(2031, 3, 1), ends_on=date(2031, 3, 1)
    )
    late = EventFactory(
        organisation=organisation,
        starts_on=date(2031, 3, 10),
        ends_on=date(2031, 3, 11),
        retention_days=14,
    )
    unrelated = EventFactory(
        organisation=organisation, starts_on=date(2032, 1, 1), ends_on=date(2032, 1, 1)
    )
    early.classes.add(school_class)
    late.classes.add(school_class)
    assert unrelated.classes.count() == 0

    send_parent_credentials(parents=[parent])

    parent.refresh_from_db()
    end_of_last_day = datetime.combine(
        date(2031, 3, 26), time.min, tzinfo=ZoneInfo("Europe/Berlin")
    )
    assert parent.expires_at == end_of_last_day


def test_without_an_event_the_account_does_not_expire(parent, pupil):
    send_parent_credentials(parents=[parent])
    parent.refresh_from_db()
    assert parent.expires_at is None


def test_only_parents_get_credentials(teacher):
    with pytest.raises(NotAParent):
        send_parent_credentials(parents=[teacher])
    teacher.refresh_from_db()
    assert teacher.credentials_sent_at is None


def test_an_office_cannot_send_to_another_organisations_parents(outsider, parent):
    with pytest.raises(NotAllowed):
        send_parent_credentials(parents=[parent], sent_by=outsider)
    parent.refresh_from_db()
    assert parent.credentials_sent_at is None
    assert not OutgoingEmail.objects.exists()


def test_a_refused_batch_changes_nobody(parent, teacher):
    with pytest.raises(NotAParent):
        send_parent_credentials(parents=[parent, teacher])
    parent.refresh_from_db()
    assert parent.credentials_sent_at is None
    assert not OutgoingEmail.objects.exists()


def test_children_in_two_classes_are_listed(organisation, parent, pupil):
    sibling = PupilFactory(organisation=organisation)
    GuardianshipFactory(pupil=sibling, parent=parent)
    send_parent_credentials(parents=[parent])
    email = OutgoingEmail.objects.get()
    assert pupil.school_class.name in email.body_text
    assert sibling.school_class.name in email.body_text
