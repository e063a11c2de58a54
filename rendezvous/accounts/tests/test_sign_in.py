import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rendezvous.accounts.tests.factories import PASSWORD, ParentFactory
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.school.credentials import send_parent_credentials

MISMATCH = "The login or the password is not correct."
THROTTLED = "Too many failed sign-ins. Please try again later."


def sign_in(client, login, password):
    return client.post(
        reverse("account_login"),
        {"login": login, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def signed_in(client) -> int | None:
    """The id of the signed-in user, as the next request sees it."""
    response = client.get(reverse("healthz"))
    user = response.wsgi_request.user
    return user.pk if user.is_authenticated else None


def credentials_for(parent) -> str:
    """Issue credentials and read the password from the queued email, as the parent would."""
    send_parent_credentials(parents=[parent])
    parent.refresh_from_db()
    email = OutgoingEmail.objects.filter(to=parent.email, template="parent_credentials").latest(
        "pk"
    )
    return re.search(r"^Password: (\S+)$", email.body_text, re.MULTILINE).group(1)


@pytest.mark.django_db
def test_login_page_tells_parents_to_use_their_code(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Parents: enter the 5-digit code from your letter or email" in page
    assert 'class="site-header"' in page  # the product's layout, not allauth's bare one
    assert 'for="id_login"' in page and 'for="id_password"' in page
    assert page.count(reverse("account_reset_password")) == 1
    assert "signup" not in page  # sign-up is closed; allauth's own page would offer it


def test_parent_signs_in_with_code_and_bcrypt_hashed_password(client, settings, parent):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.BCryptSHA256PasswordHasher"]
    password = credentials_for(parent)

    response = sign_in(client, parent.login_code, password)

    assert response.status_code == 302
    assert signed_in(client) == parent.pk
    parent.refresh_from_db()
    assert parent.password.startswith("bcrypt_sha256$")
    row = parent.__class__.objects.filter(pk=parent.pk).values().get()
    compact = password.replace("-", "")
    assert not any(password in str(v) or compact in str(v) for v in row.values())


def test_parent_may_leave_out_the_dashes(client, parent):
    password = credentials_for(parent)
    sign_in(client, parent.login_code, password.replace("-", ""))
    assert signed_in(client) == parent.pk


def test_resending_invalidates_the_old_password(client, parent):
    old = credentials_for(parent)
    new = credentials_for(parent)
    assert old != new

    response = sign_in(client, parent.login_code, old)
    assert MISMATCH in response.content.decode()
    assert signed_in(client) is None

    sign_in(client, parent.login_code, new)
    assert signed_in(client) == parent.pk


def test_wrong_password_and_unknown_code_get_the_same_answer(client, parent):
    credentials_for(parent)
    wrong = sign_in(client, parent.login_code, "Abcd-Efgh-Jkmn")
    unknown_code = "99999" if parent.login_code != "99999" else "99998"
    unknown = sign_in(client, unknown_code, "Abcd-Efgh-Jkmn")
    unknown_email = sign_in(client, "nobody@example.org", "Abcd-Efgh-Jkmn")
    for response in (wrong, unknown, unknown_email):
        assert response.status_code == 200
        assert MISMATCH in response.content.decode()


def test_sign_in_is_throttled_per_account_after_repeated_failures(client, settings, parent):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/m/ip,3/5m/key"}
    password = credentials_for(parent)
    for _ in range(3):
        assert MISMATCH in sign_in(client, parent.login_code, "wrong-password").content.decode()

    response = sign_in(client, parent.login_code, password)  # even the right password now

    assert THROTTLED in response.content.decode()
    assert signed_in(client) is None
    # Another account from the same address is not affected.
    other = ParentFactory(organisation=parent.organisation, email="x@example.org")
    sign_in(client, other.login_code, PASSWORD)
    assert signed_in(client) == other.pk


def test_parent_cannot_sign_in_with_email(client, parent):
    password = credentials_for(parent)
    for spelling in (password, password.replace("-", "")):
        response = sign_in(client, parent.email, spelling)
        assert MISMATCH in response.content.decode()
        assert signed_in(client) is None


def test_expired_parent_cannot_sign_in(client, parent):
    parent.expires_at = timezone.now() - timedelta(minutes=1)
    parent.save(update_fields=["expires_at"])
    response = sign_in(client, parent.login_code, PASSWORD)
    assert MISMATCH in response.content.decode()
    assert signed_in(client) is None


def test_signed_in_parent_is_signed_out_when_the_account_expires(client, parent):
    sign_in(client, parent.login_code, PASSWORD)
    assert signed_in(client) == parent.pk
    parent.expires_at = timezone.now() - timedelta(seconds=1)
    parent.save(update_fields=["expires_at"])
    assert signed_in(client) is None


def test_deactivated_parent_cannot_sign_in(client, parent):
    parent.is_active = False
    parent.save(update_fields=["is_active"])
    sign_in(client, parent.login_code, PASSWORD)
    assert signed_in(client) is None


def test_staff_sign_in_with_email(client, teacher):
    response = sign_in(client, "Teacher@Example.org", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client) == teacher.pk


def test_staff_cannot_sign_in_with_a_parent_code(client, teacher):
    teacher.login_code = "12345"
    teacher.save(update_fields=["login_code"])
    sign_in(client, "12345", PASSWORD)
    assert signed_in(client) is None


@pytest.mark.django_db
def test_language_switch_is_saved_on_the_user(client, parent):
    client.force_login(parent)
    response = client.post(reverse("set-language"), {"language": "ru", "next": "/parent/"})
    assert response.status_code == 302 and response["Location"] == "/parent/"
    parent.refresh_from_db()
    assert parent.language == "ru"


def test_language_switch_ignores_unknown_languages_and_foreign_redirects(client, parent):
    client.force_login(parent)
    response = client.post(
        reverse("set-language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    parent.refresh_from_db()
    assert parent.language == "en"


def test_sign_out_signs_out(client, teacher):
    client.force_login(teacher)
    client.post(reverse("account_logout"))
    assert signed_in(client) is None


def test_admin_role_lands_in_the_office(client, admin):
    response = sign_in(client, admin.email, PASSWORD)
    assert response.status_code == 302
    assert signed_in(client) == admin.pk
    assert response["Location"] == reverse("home")


def test_password_reset_page_uses_the_product_layout(client):
    page = client.get(reverse("account_reset_password")).content.decode()
    assert 'class="site-header"' in page and 'for="id_email"' in page


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, teacher):
    url = reverse("account_reset_password")
    known = client.post(url, {"email": teacher.email})
    unknown = client.post(url, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    # allauth tells an unknown address that it has no account; only the known one gets a link.
    links = {
        e.to: "/accounts/password/reset/key/" in e.body_text for e in OutgoingEmail.objects.all()
    }
    assert links == {teacher.email: True, "nobody@example.org": False}


def test_password_reset_is_throttled_per_address(client, settings, teacher):
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "100/m/ip,2/m/key"}
    url = reverse("account_reset_password")
    for _ in range(2):
        client.post(url, {"email": teacher.email})
    response = client.post(url, {"email": teacher.email}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert OutgoingEmail.objects.filter(to=teacher.email).count() == 2
