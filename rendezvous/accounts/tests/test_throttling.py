"""Failed sign-ins are limited per address, per account and address pair, and per account,
so that an attacker is throttled while the account's owner still gets in."""

import pytest
from django.test import Client
from django.urls import reverse

from rendezvous.accounts.tests.factories import PASSWORD
from rendezvous.accounts.tests.test_sign_in import MISMATCH, THROTTLED

PROXY = "10.0.0.1"


def attempt(client, login, password, *, address, forwarded=None):
    headers = {"REMOTE_ADDR": address}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("account_login"), {"login": login, "password": password}, **headers)


def throttled(response) -> bool:
    """Refused for too many attempts: the sign-in form's message, or the 429 page of the limit
    on all sign-in requests from one address."""
    return response.status_code == 429 or THROTTLED in response.content.decode()


def signed_in(client) -> bool:
    return client.get(reverse("account_login")).wsgi_request.user.is_authenticated


def sign_out(client) -> None:
    """The sign-out button; unlike Client.logout() it keeps the browser's other cookies."""
    client.post(reverse("account_logout"))


@pytest.fixture
def behind_a_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {
        "login_failed": "30/m/ip,5/5m/key",
        "login_failed_account": "100/h/key",
    }


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_is_counted_on_its_own(client, behind_a_proxy, teacher):
    for number in range(30):
        attempt(client, f"nobody{number}@example.org", "x", address=PROXY, forwarded="203.0.113.5")
    refused = attempt(client, "nobody@example.org", "x", address=PROXY, forwarded="203.0.113.5")
    assert throttled(refused)

    other = Client()
    response = attempt(other, teacher.email, PASSWORD, address=PROXY, forwarded="203.0.113.6")

    assert response.status_code == 302 and signed_in(other)


@pytest.mark.django_db
def test_only_the_entry_the_proxy_added_counts(client, behind_a_proxy, teacher):
    for number in range(30):
        forged = f"198.51.100.{number}, 203.0.113.5"  # the client wrote the left part
        attempt(client, f"nobody{number}@example.org", "x", address=PROXY, forwarded=forged)

    response = attempt(
        client, teacher.email, PASSWORD, address=PROXY, forwarded="198.51.100.99, 203.0.113.5"
    )

    assert throttled(response)


@pytest.mark.django_db
def test_without_trusted_proxies_the_forwarded_header_is_ignored(client, settings, teacher):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "30/m/ip,5/5m/key"}
    for number in range(30):
        attempt(
            client,
            f"nobody{number}@example.org",
            "x",
            address="203.0.113.5",
            forwarded=f"198.51.100.{number}",
        )

    response = attempt(
        client, teacher.email, PASSWORD, address="203.0.113.5", forwarded="198.51.100.200"
    )

    assert throttled(response)


@pytest.mark.django_db
def test_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(
    client, behind_a_proxy, teacher
):
    for _ in range(5):
        attempt(client, teacher.email, "guess", address=PROXY, forwarded="203.0.113.5")
    stopped = attempt(client, teacher.email, PASSWORD, address=PROXY, forwarded="203.0.113.5")
    assert throttled(stopped) and not signed_in(client)

    owner = Client()
    response = attempt(owner, teacher.email, PASSWORD, address=PROXY, forwarded="192.0.2.10")

    assert response.status_code == 302 and signed_in(owner)


@pytest.mark.django_db
def test_a_brute_force_from_many_addresses_is_throttled_and_the_owner_still_gets_in(
    behind_a_proxy, teacher
):
    owner = Client()
    attempt(owner, teacher.email, PASSWORD, address=PROXY, forwarded="192.0.2.10")
    assert signed_in(owner)
    sign_out(owner)
    attacker = Client()

    answers = [
        attempt(attacker, teacher.email, f"guess-{n}", address=PROXY, forwarded=f"10.9.{n}.1")
        for n in range(200)
    ]

    pages = [answer.content.decode() for answer in answers]
    assert all(answer.status_code < 500 for answer in answers)
    assert sum(MISMATCH in page for page in pages) == 100
    assert all(throttled(answer) for answer in answers[100:])
    response = attempt(owner, teacher.email, PASSWORD, address=PROXY, forwarded="192.0.2.10")
    assert response.status_code == 302 and signed_in(owner)
    # A browser the account never signed in from waits, like the attacker, until the hour
    # has passed or the password is reset by email.
    stranger = Client()
    refused = attempt(stranger, teacher.email, PASSWORD, address=PROXY, forwarded="192.0.2.11")
    assert throttled(refused) and not signed_in(stranger)


@pytest.mark.django_db
def test_a_parent_code_is_throttled_the_same_way(client, behind_a_proxy, parent):
    for _ in range(5):
        attempt(client, parent.login_code, "guess", address=PROXY, forwarded="203.0.113.5")
    stopped = attempt(client, parent.login_code, PASSWORD, address=PROXY, forwarded="203.0.113.5")
    assert throttled(stopped)

    at_home = Client()
    attempt(at_home, parent.login_code, PASSWORD, address=PROXY, forwarded="192.0.2.10")

    assert signed_in(at_home)
