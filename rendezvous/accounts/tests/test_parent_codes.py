"""A parent's code and password open their own account and no other, whatever collides; and
every sign-in attempt costs the same single password hash."""

import bcrypt
import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from rendezvous.accounts.models import Role, User
from rendezvous.accounts.tests.factories import PASSWORD, ParentFactory, UserFactory
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.school.credentials import send_parent_credentials

CHOSEN = "Sommer-Ferien 2026"


def sign_in(client, login, password):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def signed_in(client) -> int | None:
    user = client.get(reverse("account_login")).wsgi_request.user
    return user.pk if user.is_authenticated else None


def choose_password(client, parent, old: str, new: str) -> None:
    client.force_login(parent)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": old, "password1": new, "password2": new},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()


@pytest.mark.django_db
def test_two_organisations_parents_never_hold_the_same_code():
    ParentFactory(organisation=OrganisationFactory(), login_code="55555")
    with pytest.raises(IntegrityError):
        ParentFactory(organisation=OrganisationFactory(), login_code="55555")


@pytest.mark.django_db
def test_parents_who_choose_the_same_password_each_reach_only_their_own_account(client):
    first = ParentFactory(organisation=OrganisationFactory(), login_code="", email="")
    second = ParentFactory(organisation=OrganisationFactory(), login_code="", email="")
    first_letter = send_parent_credentials(parents=[first]).letters[0]
    second_letter = send_parent_credentials(parents=[second]).letters[0]
    choose_password(client, first, first_letter.password, CHOSEN)
    choose_password(client, second, second_letter.password, CHOSEN)

    assert first_letter.login_code != second_letter.login_code
    sign_in(client, first_letter.login_code, CHOSEN)
    assert signed_in(client) == first.pk
    client.logout()
    sign_in(client, second_letter.login_code, CHOSEN)
    assert signed_in(client) == second.pk


@pytest.mark.django_db
def test_a_password_works_with_or_without_the_dashes_and_spaces_of_the_letter(client):
    parent = ParentFactory(login_code="", email="")
    letter = send_parent_credentials(parents=[parent]).letters[0]
    compact = letter.password.replace("-", "")

    for typed in (letter.password, compact, " ".join(letter.password.split("-"))):
        client.logout()
        sign_in(client, letter.login_code, typed)
        assert signed_in(client) == parent.pk


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_shared_codes_new_ones_and_asks_for_new_credentials():
    executor = MigrationExecutor(connection)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "accounts"]
    before = [("accounts", "0002_add_credentials_requested_at"), *others]
    after = [("accounts", "0004_login_codes_unique_across_organisations"), *others]
    try:
        executor.migrate(before)
        apps = executor.loader.project_state(before).apps
        organisation = apps.get_model("organisations", "Organisation")
        user = apps.get_model("accounts", "User")
        schools = [organisation.objects.create(name=f"School {n}", slug=f"s{n}") for n in range(2)]
        kept, moved = (
            user.objects.create(
                organisation=school,
                role="parent",
                login_code="55555",
                credentials_sent_at="2026-11-01T10:00:00Z",
            )
            for school in schools
        )

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        apps = executor.loader.project_state(after).apps
        migrated = apps.get_model("accounts", "User").objects
        kept, moved = migrated.get(pk=kept.pk), migrated.get(pk=moved.pk)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert kept.login_code == "55555" and kept.credentials_sent_at is not None
    assert moved.login_code not in ("55555", "") and moved.credentials_sent_at is None


class CountingHasher(MD5PasswordHasher):
    """Counts the password hashes computed: each check and each new hash is one."""

    algorithm = "counting_md5"
    computed = 0

    def encode(self, password, salt):
        CountingHasher.computed += 1
        return super().encode(password, salt)


@pytest.fixture
def hashes(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.computed = 0
    return CountingHasher


@pytest.fixture
def accounts(db, hashes):
    expired = ParentFactory(login_code="22222")
    User.objects.filter(pk=expired.pk).update(expires_at="2000-01-01T00:00:00Z")
    without_password = ParentFactory(login_code="33333")
    without_password.set_unusable_password()
    without_password.save(update_fields=["password"])
    return {
        "parent": ParentFactory(login_code="11111", email="shared@example.org"),
        "staff": UserFactory(role=Role.TEACHER, email="teacher@example.org"),
    }


@pytest.mark.parametrize(
    ("login", "password"),
    [
        ("11111", "wrong"),  # a parent, wrong password
        ("11111", "wr-on-g"),  # the same with dashes (once cost two hashes)
        ("11111", "co-rrect-hor-se-batt-ery"),  # the right one, dashed differently
        ("99999", "wrong"),  # no such code
        ("99999", "wr-on-g"),
        ("22222", PASSWORD),  # expired account, right password
        ("33333", "wrong"),  # credentials never sent
        ("shared@example.org", PASSWORD),  # a parent's email is no login
        ("teacher@example.org", "wrong"),
        ("nobody@example.org", "wrong"),
    ],
)
def test_every_sign_in_attempt_computes_exactly_one_hash(
    client, accounts, hashes, login, password
):
    hashes.computed = 0
    sign_in(client, login, password)
    assert hashes.computed == 1


@pytest.mark.parametrize(
    ("login", "work_factor"),
    [
        ("11111", b"10"),  # a parent
        ("99999", b"10"),  # no such code
        ("33333", b"10"),  # credentials never sent
        ("teacher@example.org", b"12"),  # staff
        ("invited@example.org", b"12"),  # staff without a password yet
        ("nobody@example.org", b"12"),  # no such address
        ("shared@example.org", b"12"),  # a parent's email is no login
    ],
)
@pytest.mark.django_db
def test_every_sign_in_attempt_costs_one_bcrypt_at_its_kinds_work_factor(
    client, settings, monkeypatch, login, work_factor
):
    """One hash is not enough: a hash at staff's work factor takes four times as long as a
    parent's, and the answer's time would tell which codes belong to a parent whose letter
    is still due. Codes cost a parent's hash, addresses a staff member's."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.BCryptSHA256PasswordHasher"]
    ParentFactory(login_code="11111", email="shared@example.org")
    ParentFactory(login_code="33333")
    UserFactory(role=Role.TEACHER, email="teacher@example.org")
    UserFactory(role=Role.TEACHER, email="invited@example.org")
    User.objects.filter(email="invited@example.org").update(password="!")
    User.objects.filter(login_code="33333").update(password="!")  # unusable
    work_factors = []
    hashpw = bcrypt.hashpw

    def counted(password, salt):
        work_factors.append(salt.split(b"$")[2])  # $2b$<factor>$...
        return hashpw(password, salt)

    monkeypatch.setattr(bcrypt, "hashpw", counted)

    sign_in(client, login, "wrong")

    assert work_factors == [work_factor]
