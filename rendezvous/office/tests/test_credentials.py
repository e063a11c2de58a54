"""The parents' sign-in page: who has credentials, sending them, and the letters."""

import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from rendezvous.accounts.models import Role, User
from rendezvous.accounts.tests.factories import ParentFactory
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.office.tests.qr import dark_modules, expected_modules
from rendezvous.scheduling.tests.factories import EventFactory
from rendezvous.school.credentials import send_requested_credentials
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory, SchoolClassFactory

PAGE = reverse("office:credentials")
SEND = reverse("office:credentials-send")
SITE = "https://termine.goethe-gymnasium.example"
QR = re.compile(r'<img src="(data:image/svg\+xml[^"]*)"[^>]*data-qr-text="([^"]*)"')

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def child_of(parent, school_class, **names):
    pupil = PupilFactory(organisation=parent.organisation, school_class=school_class, **names)
    GuardianshipFactory(pupil=pupil, parent=parent)
    return pupil


@pytest.fixture
def letter_parent(organisation, school_class):
    """A parent without an email address: gets a printed letter."""
    parent = ParentFactory(
        organisation=organisation, email="", first_name="Lene", last_name="Brief"
    )
    child_of(parent, school_class, first_name="Lotta")
    return parent


@pytest.fixture
def school_address(organisation, settings):
    settings.SITE_URL = SITE
    organisation.address = "Goethestraße 1\n12345 Musterstadt"
    organisation.save(update_fields=["address"])
    return organisation


def requested_parents() -> set[User]:
    return set(User.objects.filter(credentials_requested_at__isnull=False))


# Who may use the page.


@pytest.mark.parametrize("url", [PAGE, reverse("office:parent-credentials")])
@pytest.mark.parametrize(("role", "status"), [("teacher", 403), ("parent", 403)])
def test_only_admins_open_the_page(client, request, url, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_old_address_leads_to_the_page_with_its_filter(client, admin, school_class):
    client.force_login(admin)
    response = client.get(reverse("office:parent-credentials"), {"school_class": school_class.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?school_class={school_class.pk}"


def test_outsider_sees_none_of_our_parents(client, outsider, parent, pupil):
    parent.last_name = "Quennell-Ashworth"  # a name nobody else here may have by chance
    parent.save(update_fields=["last_name"])
    client.force_login(outsider)
    response = client.get(PAGE)
    assert list(response.context["page"].object_list) == []
    assert parent.last_name not in response.content.decode()


# The list and its filters.


def test_the_list_shows_state_and_delivery_in_few_queries(
    client, admin, parent, pupil, letter_parent, django_assert_max_num_queries
):
    client.force_login(admin)
    for _ in range(5):
        child_of(ParentFactory(organisation=admin.organisation), pupil.school_class)
    with django_assert_max_num_queries(12):
        response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert parent.email in page and "No email: gets a letter" in page
    assert pupil.first_name in page and "Not sent yet" in page


def test_the_list_is_in_dictionary_order(client, admin, organisation, school_class):
    for last_name in ["Schwarz", "Özdemir", "Schäfer", "Zander", "Oswald"]:
        child_of(ParentFactory(organisation=organisation, last_name=last_name), school_class)
    client.force_login(admin)
    names = [row.last_name for row in client.get(PAGE).context["page"].object_list]
    assert names == ["Oswald", "Özdemir", "Schäfer", "Schwarz", "Zander"]


def test_the_list_filters_by_class_and_event(client, admin, parent, pupil, event, organisation):
    elsewhere = ParentFactory(organisation=organisation)
    child_of(elsewhere, SchoolClassFactory(organisation=organisation))
    client.force_login(admin)
    by_class = client.get(PAGE, {"school_class": pupil.school_class_id})
    by_event = client.get(PAGE, {"event": event.pk})
    assert list(by_class.context["page"].object_list) == [parent]
    assert list(by_event.context["page"].object_list) == [parent]
    assert set(client.get(PAGE).context["page"].object_list) == {parent, elsewhere}


def test_the_list_filters_by_state(client, admin, parent, pupil, other_parent, letter_parent):
    client.force_login(admin)
    client.post(SEND, {"scope": "selected", "parents": [parent.pk, letter_parent.pk]})

    def listed(state):
        return set(client.get(PAGE, {"state": state}).context["page"].object_list)

    assert listed("new") == {other_parent}
    assert listed("requested") == {parent}  # the worker has not emailed it yet
    assert listed("sent") == {letter_parent}  # the letter was shown at once
    send_requested_credentials()
    assert listed("sent") == {parent, letter_parent}


def test_a_long_list_has_pages_a_select_all_box_and_counts_everyone(
    client, admin, organisation, school_class
):
    for _ in range(55):
        child_of(ParentFactory(organisation=organisation), school_class)
    client.force_login(admin)
    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert len(response.context["page"].object_list) == 50
    assert page.count('name="parents"') == 50
    assert "data-select-all" in page  # the checkbox, which select-all.js shows
    assert "All 55 parents matching the filter" in page
    assert "Send credentials to the 55 parents without any" in page
    second = client.get(PAGE, {"page": 2}).context["page"].object_list
    assert len(second) == 5


def test_the_list_says_being_sent_until_the_worker_sent_them(client, admin, parent, pupil):
    client.force_login(admin)
    client.post(SEND, {"scope": "selected", "parents": [parent.pk]})

    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Being sent</span>" in page and "Not sent yet</span>" not in page

    send_requested_credentials()
    parent.refresh_from_db()
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Being sent</span>" not in page and "Sent</span>" in page
    sent_at = parent.credentials_sent_at.astimezone(parent.organisation.tz)
    assert sent_at.strftime("%H:%M") in page


# Sending.


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
    assert letter_parent.check_password(letter.password.replace("-", ""))
    assert letter_parent.credentials_sent_at is not None
    assert letter_parent.credentials_requested_at is None
    assert letter.password not in str(User.objects.filter(pk=letter_parent.pk).values().get())

    assert send_requested_credentials() == 1
    assert OutgoingEmail.objects.get(template="parent_credentials").to == parent.email


def test_sending_to_a_whole_event_only_marks_the_emailed_parents(
    client, admin, organisation, school_class, event, django_assert_max_num_queries
):
    for number in range(60):
        codes = {"login_code": ""} if number % 2 else {}
        child_of(ParentFactory(organisation=organisation, **codes), school_class)
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
    assert rows.filter(credentials_requested_at__isnull=False).count() == 60
    assert all(len(code) == 5 for code in rows.values_list("login_code", flat=True))


def test_all_matching_without_resend_skips_parents_who_have_credentials(
    client, admin, school_class, parent, pupil, other_parent, other_pupil
):
    client.force_login(admin)
    client.post(SEND, {"scope": "selected", "parents": [parent.pk]})
    send_requested_credentials()
    client.post(SEND, {"scope": "filtered", "school_class": school_class.pk})
    assert requested_parents() == {other_parent}
    send_requested_credentials()

    client.post(SEND, {"scope": "filtered", "school_class": school_class.pk, "resend": "on"})
    assert requested_parents() == {parent, other_parent}


def test_all_matching_follows_the_state_filter(
    client, admin, parent, pupil, other_parent, other_pupil
):
    client.force_login(admin)
    client.post(SEND, {"scope": "selected", "parents": [parent.pk]})
    send_requested_credentials()
    OutgoingEmail.objects.all().delete()

    client.post(SEND, {"scope": "filtered", "state": "sent", "resend": "on"})

    assert requested_parents() == {parent}  # not the parent without credentials


def test_all_matching_without_a_filter_is_the_whole_school(
    client, admin, parent, pupil, other_parent, other_pupil, outsider
):
    others = ParentFactory(organisation=outsider.organisation)
    client.force_login(admin)
    client.post(SEND, {"scope": "filtered"})
    assert requested_parents() == {parent, other_parent}
    assert others not in requested_parents()


def test_sending_to_an_event_reaches_the_parents_of_its_classes(
    client, admin, event, parent, pupil, organisation
):
    outside = ParentFactory(organisation=organisation)
    child_of(outside, SchoolClassFactory(organisation=organisation))
    client.force_login(admin)
    client.post(SEND, {"scope": "filtered", "event": event.pk})
    assert requested_parents() == {parent}


def test_sending_without_a_tick_says_what_to_do_and_keeps_the_filter(
    client, admin, parent, school_class
):
    client.force_login(admin)
    response = client.post(
        SEND,
        {"scope": "selected", "school_class": school_class.pk, "state": "new"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response["Location"] == f"{PAGE}?school_class={school_class.pk}&state=new"
    assert messages_of(client.get(response["Location"])) == ["Tick at least one parent."]
    assert not requested_parents()


def test_outsider_cannot_send_our_parents_credentials(client, outsider, parent, school_class):
    client.force_login(outsider)
    response = client.post(SEND, {"scope": "selected", "parents": [parent.pk]})
    assert response.status_code == 404
    response = client.post(SEND, {"scope": "filtered", "school_class": school_class.pk})
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.credentials_sent_at is None and parent.credentials_requested_at is None


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_non_admins_cannot_send_credentials(client, request, parent, role):
    client.force_login(request.getfixturevalue(role))
    response = client.post(SEND, {"scope": "selected", "parents": [parent.pk]})
    assert response.status_code == 403
    assert not requested_parents()


def test_a_form_posted_to_the_old_address_still_sends(client, admin, parent, pupil):
    client.force_login(admin)
    old = reverse("office:parent-credentials-send")
    assert client.post(old, {"scope": "selected", "parents": [parent.pk]}).status_code == 200
    assert requested_parents() == {parent}


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


# The letters and the email.


def letter_of(response) -> str:
    page = response.content.decode()
    return page[page.index('<article class="page letter"') :]


def test_a_letter_names_the_school_the_evening_and_the_real_sign_in_address(
    client, admin, school_address, letter_parent, event
):
    event.starts_on = event.ends_on = date(2031, 3, 13)
    event.save(update_fields=["starts_on", "ends_on"])
    letter_parent.language = "de"
    letter_parent.save(update_fields=["language"])
    client.force_login(admin)

    response = client.post(SEND, {"scope": "selected", "parents": [letter_parent.pk]})

    letter = letter_of(response)
    letter_parent.refresh_from_db()
    assert "Goethe-Gymnasium" in letter
    assert "Goethestraße 1<br>12345 Musterstadt" in letter
    assert event.name in unescape(letter) and "Donnerstag, 13. März 2031" in letter
    assert f"{SITE}/accounts/login/" in letter
    assert "testserver" not in letter  # never the address the office happened to use
    assert letter_parent.login_code in letter


def test_the_letters_qr_code_opens_the_sign_in_page_with_the_code_and_not_the_password(
    client, admin, school_address, letter_parent
):
    client.force_login(admin)
    response = client.post(SEND, {"scope": "selected", "parents": [letter_parent.pk]})

    [letter] = response.context["result"].letters
    image, text = QR.search(letter_of(response)).groups()
    expected = f"{SITE}/accounts/login/?login={letter.login_code}"
    assert unescape(text) == expected
    assert dark_modules(unescape(image)) == expected_modules(expected)
    assert dark_modules(unescape(image)) != expected_modules(f"{expected}&password=x")
    assert letter.password not in unescape(image)


def test_the_letter_names_the_evening_the_office_chose(
    client, admin, organisation, school_class, letter_parent, event
):
    later = EventFactory(organisation=organisation, name="Spring evening")
    later.classes.add(school_class)
    client.force_login(admin)

    chosen = client.post(
        SEND, {"scope": "filtered", "event": later.pk, "school_class": school_class.pk}
    )

    assert "Spring evening" in letter_of(chosen) and event.name not in letter_of(chosen)


def test_the_email_carries_the_school_the_evening_and_a_link_with_the_code(
    client, admin, school_address, parent, pupil, event
):
    client.force_login(admin)
    client.post(SEND, {"scope": "selected", "parents": [parent.pk]})
    send_requested_credentials()
    mail = OutgoingEmail.objects.get(template="parent_credentials")
    parent.refresh_from_db()
    link = f"{SITE}/accounts/login/?login={parent.login_code}"
    for body in (mail.body_text, unescape(mail.body_html)):
        assert "Goethe-Gymnasium" in body and "Musterstadt" in body
        assert event.name in body and link in body
    password = re.search(r"(\S{4}-\S{4}-\S{4})", mail.body_text).group(1)
    assert not re.search(rf"login/\S*{re.escape(password)}", mail.body_text + mail.body_html)


def test_letters_speak_the_parents_language(client, admin, letter_parent):
    letter_parent.language = "ru"
    letter_parent.save(update_fields=["language"])
    client.force_login(admin)
    page = client.post(SEND, {"scope": "selected", "parents": [letter_parent.pk]}).content
    assert 'lang="ru"' in page.decode()
