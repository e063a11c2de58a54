"""EMAIL_URL -> Django's email settings (config.env.email_settings)."""

import pytest

from config.env import email_settings

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_smtp_url_with_credentials_and_port():
    parsed = email_settings("smtp://user:pass@mail.example.org:2525", "/var/mail")
    assert parsed["EMAIL_BACKEND"] == SMTP
    assert parsed["EMAIL_HOST"] == "mail.example.org"
    assert parsed["EMAIL_PORT"] == 2525
    assert parsed["EMAIL_HOST_USER"] == "user"
    assert parsed["EMAIL_HOST_PASSWORD"] == "pass"
    assert parsed["EMAIL_USE_TLS"] is False
    assert parsed["EMAIL_USE_SSL"] is False


def test_smtp_url_decodes_escaped_credentials():
    parsed = email_settings("smtp://me%40example.org:p%2Fss%3Aword@mail.example.org", "/x")
    assert parsed["EMAIL_HOST_USER"] == "me@example.org"
    assert parsed["EMAIL_HOST_PASSWORD"] == "p/ss:word"
    assert parsed["EMAIL_PORT"] == 25


def test_smtps_uses_implicit_tls_on_465():
    parsed = email_settings("smtps://user:pass@mail.example.org", "/x")
    assert parsed["EMAIL_USE_SSL"] is True
    assert parsed["EMAIL_USE_TLS"] is False
    assert parsed["EMAIL_PORT"] == 465


def test_smtps_with_tls_flag_still_uses_only_ssl():
    parsed = email_settings("smtps://mail.example.org?tls=1", "/x")
    assert (parsed["EMAIL_USE_SSL"], parsed["EMAIL_USE_TLS"]) == (True, False)


def test_submission_uses_starttls_on_587():
    parsed = email_settings("submission://user:pass@mail.example.org", "/x")
    assert parsed["EMAIL_USE_TLS"] is True
    assert parsed["EMAIL_USE_SSL"] is False
    assert parsed["EMAIL_PORT"] == 587


@pytest.mark.parametrize("flag", ["1", "true", "yes"])
def test_smtp_with_tls_flag_uses_starttls(flag):
    parsed = email_settings(f"smtp://mail.example.org:587?tls={flag}", "/x")
    assert parsed["EMAIL_USE_TLS"] is True


def test_smtp_timeout_can_be_set():
    assert email_settings("smtp://mail.example.org?timeout=3", "/x")["EMAIL_TIMEOUT"] == 3


def test_file_url_with_absolute_path():
    parsed = email_settings("file:///srv/rendezvous/mail", "/default")
    assert parsed["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert parsed["EMAIL_FILE_PATH"] == "/srv/rendezvous/mail"


def test_file_url_without_path_uses_the_default_folder():
    assert email_settings("file://", "/default")["EMAIL_FILE_PATH"] == "/default"


def test_console_url():
    parsed = email_settings("console://", "/x")
    assert parsed == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


@pytest.mark.parametrize("url", ["ftp://mail.example.org", "mail.example.org", "smtp+x://a"])
def test_an_unknown_scheme_is_refused(url):
    with pytest.raises(ValueError, match="unknown scheme"):
        email_settings(url, "/x")
