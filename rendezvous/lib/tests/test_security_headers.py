"""Security headers on every kind of page: a Content-Security-Policy without inline script or
style, Permissions-Policy, nosniff and no framing; HSTS and a redirect to https when SITE_URL is
https; and `manage.py check --deploy` clean with production settings."""

import json
import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import csp.middleware
import pytest
from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from csp.exceptions import CSPNonceError
from django.conf import settings
from django.http import HttpResponse
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from rendezvous.accounts.models import User
from rendezvous.lib.headers import ContentSecurityPolicyMiddleware

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION = {
    "SITE_URL": "https://termine.example.org",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "termine.example.org",
}
EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']}: no Content-Security-Policy"
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root@example.org", "pw")


def signed_in(client, user):
    if user is not None:
        client.force_login(user)
    return client


PAGES = [
    ("sign-in page", None, lambda: reverse("account_login"), 200),
    ("parent home", "parent", lambda: reverse("bookings:parent-home"), 200),
    ("teacher calendar", "teacher", lambda: reverse("bookings:teacher-calendar"), 200),
    ("office dashboard", "admin", lambda: reverse("office:dashboard"), 200),
    ("error page", "parent", lambda: "/no-such-page/", 404),
    ("health check", None, lambda: reverse("healthz"), 200),
    ("django admin", "superuser", lambda: reverse("admin:index"), 200),
]


@pytest.mark.parametrize(("name", "role", "url", "status"), PAGES, ids=[page[0] for page in PAGES])
def test_every_kind_of_page_has_the_security_headers(
    client, request, pupil, event, name, role, url, status
):
    user = request.getfixturevalue(role) if role else None
    response = signed_in(client, user).get(url())
    assert response.status_code == status
    policy = policy_of(response)
    assert policy == EXPECTED_POLICY
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def _csp(view):
    """Our policy middleware around a view, as the stack runs it."""
    return ContentSecurityPolicyMiddleware(view)


def test_the_policy_is_built_once_for_every_response(monkeypatch, rf):
    built = []
    monkeypatch.setattr(csp.middleware, "build_policy", lambda **parts: built.append(parts))
    middleware = _csp(lambda request: HttpResponse("ok"))
    for _ in range(3):
        request = rf.get("/")
        middleware.process_request(request)
        response = middleware.process_response(request, HttpResponse("ok"))
        assert policy_of(response) == EXPECTED_POLICY
    assert built == []  # django-csp's own would build it twice for each response


def test_a_view_that_changes_the_policy_gets_its_own(rf):
    @csp_update({"img-src": ["https://maps.example.org"]})
    def view(request):
        return HttpResponse("ok")

    response = _csp(view)(rf.get("/"))
    assert policy_of(response)["img-src"] == ["'self'", "data:", "https://maps.example.org"]
    plain = _csp(lambda request: HttpResponse("ok"))(rf.get("/"))
    assert policy_of(plain) == EXPECTED_POLICY


def test_a_page_that_uses_a_nonce_names_it_in_its_policy(rf, settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}

    def view(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    response = _csp(view)(rf.get("/"))
    nonce = response.content.decode().split("'")[1]
    assert policy_of(response)["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    plain = _csp(lambda request: HttpResponse("ok"))(rf.get("/"))
    assert policy_of(plain)["script-src"] == ["'self'"]


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error(rf):
    request = rf.get("/")
    _csp(lambda request: HttpResponse("ok"))(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_the_policy_follows_the_settings(rf, settings):
    middleware = _csp(lambda request: HttpResponse("ok"))
    assert policy_of(middleware(rf.get("/"))) == EXPECTED_POLICY
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert policy_of(middleware(rf.get("/"))) == {"default-src": ["'none'"]}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}
    response = middleware(rf.get("/"))
    assert "img-src 'self'" in response.headers["Content-Security-Policy-Report-Only"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": ["'self'"]},
        "EXCLUDE_URL_PREFIXES": ["/outside/"],
    }
    assert "Content-Security-Policy" not in middleware(rf.get("/outside/page")).headers
    assert "Content-Security-Policy" in middleware(rf.get("/inside/")).headers


def test_static_files_get_the_permissions_policy_too(client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # no collectstatic in tests
    response = client.get(settings.STATIC_URL.rstrip("/") + "/css/app.css")
    assert response.status_code == 200
    assert "microphone=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_permissions_policy_is_well_formed():
    """Each entry `feature=()`: a feature name Chromium knows, denied to every origin (the
    browser test shows Chromium reports no unknown feature)."""
    for entry in settings.PERMISSIONS_POLICY:
        assert re.fullmatch(r"[a-z][a-z-]*", entry), entry
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= set(
        settings.PERMISSIONS_POLICY
    )


@pytest.mark.django_db
def test_the_csrf_failure_page_has_no_inline_style():
    """Django's built-in CSRF page carries a <style> block; ours is styled from app.css."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "x", "password": "y"})
    assert response.status_code == 403
    assert policy_of(response) == EXPECTED_POLICY
    html = response.content.decode()
    assert "<style" not in html and "style=" not in html
    assert "css/app.css" in html


def test_htmx_is_loaded_from_static_and_injects_no_styles(client, parent, pupil):
    html = signed_in(client, parent).get(reverse("bookings:parent-home")).content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert f'<script src="{static("django_htmx/htmx-2.min.js")}"' in html
    for tag in scripts:
        assert f'src="{settings.STATIC_URL}' in tag, tag
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert config, "no htmx-config meta tag"
    assert json.loads(config.group(1))["includeIndicatorStyles"] is False


# Page templates (not mail, not the letters file that is printed from disk) hold no inline
# script, style or event handler: the policy would block them.
INLINE = re.compile(
    r"<style\b|\sstyle\s*=|\son[a-z]+\s*=|<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE
)
SERVED_FROM_DISK = {"office/credentials_letters_print.html"}
MAILS = ("emails/", "account/email/")  # mail clients need inline styles; no browser runs them


def page_templates():
    root = BASE_DIR / "templates"
    for path in sorted(root.rglob("*.html")):
        name = path.relative_to(root).as_posix()
        if not name.startswith(MAILS) and name not in SERVED_FROM_DISK:
            yield name, path


TEMPLATES = list(page_templates())


@pytest.mark.parametrize(("name", "path"), TEMPLATES, ids=[name for name, _ in TEMPLATES])
def test_page_templates_hold_no_inline_script_or_style(name, path):
    found = INLINE.findall(path.read_text())
    assert not found, f"templates/{name}: {found}"


# HTTPS: settings read at start-up, so they are read in a fresh interpreter.


# What the test run sets but a production server does not (conftest.py allows the browser
# tests' sync Playwright inside async-unsafe code; check --deploy rightly refuses that).
NOT_FROM_TESTS = {
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_python(
    args: tuple[str, ...], env: dict[str, str], tmp_path
) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in NOT_FROM_TESTS and not key.startswith(("HSTS_", "SECURE_"))
    }
    environment.update(env, VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


EFFECTIVE_SETTINGS = (
    "-c",
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({name: getattr(s, name) for name in ["
    "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', "
    "'SECURE_SSL_REDIRECT', 'SECURE_REDIRECT_EXEMPT', 'SESSION_COOKIE_SECURE', "
    "'CSRF_COOKIE_SECURE', 'ALLOWED_HOSTS']}))",
)


def effective_settings(env, tmp_path) -> dict:
    result = run_python(EFFECTIVE_SETTINGS, env, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_https_site_url_turns_on_hsts_and_the_redirect(tmp_path):
    secure = effective_settings(PRODUCTION, tmp_path)
    assert secure["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert secure["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert secure["SECURE_SSL_REDIRECT"] is True
    assert secure["SECURE_REDIRECT_EXEMPT"] == [r"^healthz$"]
    assert secure["SESSION_COOKIE_SECURE"] is True and secure["CSRF_COOKIE_SECURE"] is True


def test_http_site_url_leaves_hsts_and_the_redirect_off(tmp_path):
    plain = effective_settings({"SITE_URL": "http://localhost:8000"}, tmp_path)
    assert plain["SECURE_HSTS_SECONDS"] == 0
    assert plain["SECURE_SSL_REDIRECT"] is False


def test_the_site_urls_host_is_allowed_without_listing_it(tmp_path):
    answered = effective_settings({"SITE_URL": "https://termine.example.org"}, tmp_path)
    assert "termine.example.org" in answered["ALLOWED_HOSTS"]
    assert "localhost" in answered["ALLOWED_HOSTS"]


def test_hsts_subdomains_can_be_left_out(tmp_path):
    secure = effective_settings({**PRODUCTION, "HSTS_INCLUDE_SUBDOMAINS": "false"}, tmp_path)
    assert secure["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert secure["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600


@pytest.fixture
def https_profile(settings, tmp_path):
    """The SECURE_* values a https SITE_URL gives; SecurityMiddleware reads them when the
    test client builds its middleware, so they apply to this test's requests."""
    for name, value in effective_settings(PRODUCTION, tmp_path).items():
        if name != "ALLOWED_HOSTS":
            setattr(settings, name, value)
    return settings


@pytest.mark.django_db
def test_with_https_a_secure_request_gets_hsts(https_profile):
    response = Client().get(reverse("account_login"), secure=True)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.django_db
def test_with_https_behind_a_proxy_the_forwarded_scheme_counts(https_profile):
    response = Client().get(reverse("account_login"), headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response.headers


@pytest.mark.django_db
def test_with_https_a_plain_request_is_redirected(https_profile):
    response = Client().get(reverse("account_login") + "?next=/parent/")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://testserver/accounts/login/?next=/parent/"
    assert "Strict-Transport-Security" not in response.headers  # only sent over https


@pytest.mark.django_db
def test_with_https_the_health_check_answers_over_plain_http(https_profile):
    response = Client().get(reverse("healthz"))
    assert response.status_code == 200


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    secret_key = "".join(secrets.choice(alphabet) for _ in range(50))
    result = run_python(
        ("manage.py", "check", "--deploy", "--fail-level", "WARNING"),
        {**PRODUCTION, "SECRET_KEY": secret_key},
        tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output
    assert "System check identified no issues" in output, output
