"""The Content-Security-Policy in Chromium: nothing on any role's pages, nor in Django's admin,
is blocked by it, and Chromium finds nothing wrong with the Permissions-Policy.

The school and the pages are those of the accessibility test. A listener for
`securitypolicyviolation` is added as an init script (init scripts run outside the page's
policy) and reports each blocked thing to the test; Chromium's console messages about either
policy count too.
"""

import re

import pytest
from django.urls import reverse

from rendezvous.accounts.models import User
from rendezvous.accounts.tests.factories import PASSWORD, ParentFactory
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory
from tests.e2e.browser import expect, loaded, sign_in
from tests.e2e.test_accessibility_browser import (
    DESKTOP,
    LOGINS,
    PAGES,
    open_page,
    school,
)

__all__ = ["school"]  # the fixture

LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportPolicyViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile || location.href}:${event.lineNumber})`
  );
});
"""
POLICY_MESSAGE = re.compile(r"Content.Security.Policy|Permissions.Policy", re.IGNORECASE)


def watched(page) -> list[str]:
    """Every policy violation and policy complaint on `page` from now on, by address."""
    found = []
    page.context.expose_binding(
        "reportPolicyViolation",
        lambda source, text: found.append(f"{source['frame'].url}: {text}"),
    )
    page.context.add_init_script(LISTENER)
    page.on(
        "console",
        lambda message: (
            found.append(f"{page.url}: console: {message.text}")
            if POLICY_MESSAGE.search(message.text)
            else None
        ),
    )
    return found


def settle(page) -> None:
    """Let late events (and their reports to the test) arrive before looking."""
    loaded(page)
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 100))")


@pytest.mark.sweep
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(PAGES), ids=lambda role: role or "signed-out")
def test_no_page_of_any_role_breaks_the_policy(live_server, new_page, school, tmp_path, role):
    page = new_page(locale="en-GB", **DESKTOP)
    violations = watched(page)
    base = live_server.url
    if role is not None:
        sign_in(
            page,
            base + reverse("account_login"),
            login=LOGINS[role],
            password=PASSWORD,
            language="en",
        )
    for name, go in PAGES[role]:
        open_page(page, base, school, tmp_path, go)
        settle(page)
        assert role is None or "/accounts/login" not in page.url, f"{name}: signed out"
    assert page.evaluate("() => typeof window.htmx") == "object"  # the scripts did load
    assert not violations, "\n".join(violations)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_office_prints_letters_and_reads_emails_within_the_policy(
    live_server, new_page, school
):
    letter_parent = ParentFactory(
        organisation=school.office.organisation, email="", first_name="Lene", last_name="Brief"
    )
    GuardianshipFactory(
        pupil=PupilFactory(
            organisation=school.office.organisation, school_class=school.school_class
        ),
        parent=letter_parent,
    )
    page = new_page(locale="en-GB", **DESKTOP)
    violations = watched(page)
    page.context.add_init_script("window.print = () => { window.printed = true; };")
    base = live_server.url
    sign_in(
        page,
        base + reverse("account_login"),
        login=LOGINS["office"],
        password=PASSWORD,
        language="en",
    )

    page.goto(
        f"{base}{reverse('office:parent-credentials')}?school_class={school.school_class.pk}"
    )
    settle(page)
    page.get_by_label("Select Lene Brief").check()
    page.get_by_role("button", name="Send credentials to the ticked parents").click()
    settle(page)
    expect(page.locator(".letter")).to_have_count(1)
    page.get_by_role("button", name="Print the letters").click()
    assert page.evaluate("() => window.printed") is True
    letter_border = page.locator(".letter").evaluate("(e) => getComputedStyle(e).borderTopStyle")
    assert letter_border == "solid"  # the letter's rules come from app.css

    email = OutgoingEmail.objects.filter(template__startswith="booking").first()
    page.goto(base + reverse("office:email-detail", args=[email.pk]))
    settle(page)
    white_space = page.locator("pre.email-body").evaluate("(e) => getComputedStyle(e).whiteSpace")
    assert white_space == "pre-wrap"
    assert not violations, "\n".join(violations)


ADMIN_PAGES = [
    "admin:index",
    "admin:bookings_booking_changelist",
    "admin:accounts_user_changelist",
    "admin:accounts_user_add",
    "admin:scheduling_slot_changelist",
    "admin:notifications_outgoingemail_changelist",
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_django_admin_works_within_the_policy(live_server, new_page, school):
    User.objects.create_superuser("root@example.org", PASSWORD)
    page = new_page(locale="en-GB", **DESKTOP)
    violations = watched(page)
    base = live_server.url
    # The admin's own sign-in leads to the product's sign-in page and back.
    sign_in(
        page,
        base + reverse("admin:index"),
        login="root@example.org",
        password=PASSWORD,
        language="en",
    )
    expect(page).to_have_url(base + reverse("admin:index"))
    for url_name in ADMIN_PAGES:
        response = page.goto(base + reverse(url_name))
        assert response.ok, f"{url_name} answered {response.status}"
        settle(page)
    # A change form with its related-object widgets and the admin's own scripts.
    page.goto(base + reverse("admin:accounts_user_change", args=[school.class_teacher.pk]))
    settle(page)
    expect(page.locator("#id_email")).to_have_value(school.class_teacher.email)
    # The changelist's "select all" box is wired up by the admin's actions.js.
    page.goto(base + reverse("admin:bookings_booking_changelist"))
    settle(page)
    page.locator("#action-toggle").check()
    expect(page.locator("input.action-select")).to_be_checked()
    assert not violations, "\n".join(violations)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_api_reference_draws_its_operations_within_the_policy(live_server, new_page, school):
    page = new_page(locale="en-GB", **DESKTOP)
    violations = watched(page)
    sign_in(
        page,
        live_server.url + reverse("account_login"),
        login=LOGINS["class_teacher"],
        password=PASSWORD,
        language="en",
    )

    page.goto(live_server.url + reverse("api-1:openapi-view"))

    expect(page.locator(".site-header")).to_be_visible()  # inside the site's page
    expect(page.locator(".opblock-tag", has_text="bookings")).to_be_visible()
    page.locator(".opblock-tag", has_text="auth").click()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/auth/me")).to_be_visible()
    settle(page)
    assert violations == []
