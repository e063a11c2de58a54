"""Parents' passwords are bcrypt at work factor 10, staff's at 12 (rendezvous.accounts.hashers):
one hash per sign-in attempt, at the same cost whether the code exists or not."""

import bcrypt
import pytest
from django.contrib.auth.hashers import BCryptSHA256PasswordHasher, make_password

from rendezvous.accounts.models import normalise_parent_password
from rendezvous.accounts.tests.factories import UserFactory
from rendezvous.accounts.tests.test_sign_in import credentials_for, sign_in, signed_in

BCRYPT = "django.contrib.auth.hashers.BCryptSHA256PasswordHasher"


def work_factor(encoded: str) -> int:
    """bcrypt_sha256$$2b$10$…: the factor of a stored hash."""
    return int(encoded.split("$")[3])


@pytest.fixture
def hashes(settings, monkeypatch) -> list[int]:
    """The work factor of every bcrypt hash computed while the test runs (bcrypt itself runs)."""
    settings.PASSWORD_HASHERS = [BCRYPT]
    computed: list[int] = []
    real = bcrypt.hashpw

    def hashpw(password: bytes, salt: bytes) -> bytes:
        computed.append(int(salt.split(b"$")[2]))
        return real(password, salt)

    monkeypatch.setattr(bcrypt, "hashpw", hashpw)
    return computed


def test_parents_passwords_are_hashed_at_10_and_staffs_at_12(hashes, organisation, parent):
    credentials_for(parent)
    parent.refresh_from_db()
    teacher = UserFactory(organisation=organisation)

    assert parent.password.startswith("bcrypt_sha256$")
    assert work_factor(parent.password) == 10
    assert work_factor(teacher.password) == 12
    parent.set_password("a password the parent chose")
    assert work_factor(parent.password) == 10


def test_a_parents_sign_in_checks_one_hash_and_rewrites_nothing(client, hashes, parent):
    password = credentials_for(parent)
    parent.refresh_from_db()
    stored = parent.password
    hashes.clear()

    sign_in(client, parent.login_code, password)

    assert signed_in(client) == parent.pk
    assert hashes == [10]
    parent.refresh_from_db()
    assert parent.password == stored


def test_an_unknown_code_and_a_wrong_password_cost_what_a_sign_in_costs(client, hashes, parent):
    credentials_for(parent)
    hashes.clear()
    unknown = "99999" if parent.login_code != "99999" else "99998"

    sign_in(client, unknown, "Abcd-Efgh-Jkmn")
    sign_in(client, parent.login_code, "Abcd-Efgh-Jkmn")

    assert hashes == [10, 10]
    assert signed_in(client) is None


def test_a_parents_hash_made_at_12_is_redone_at_10_when_they_sign_in(client, hashes, parent):
    password = credentials_for(parent)
    older = make_password(normalise_parent_password(password), hasher=BCryptSHA256PasswordHasher())
    parent.__class__.objects.filter(pk=parent.pk).update(password=older)
    assert work_factor(older) == 12

    sign_in(client, parent.login_code, password)

    assert signed_in(client) == parent.pk
    parent.refresh_from_db()
    assert work_factor(parent.password) == 10
    client.logout()
    sign_in(client, parent.login_code, password)  # the new hash opens the account too
    assert signed_in(client) == parent.pk
