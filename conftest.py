"""Shared actors: one school with an office, teachers, parents and an open parents' evening,
and an outsider from another organisation."""

import os
from pathlib import Path

import pytest

from rendezvous.accounts.models import Role
from rendezvous.accounts.tests.factories import ParentFactory, UserFactory
from rendezvous.notifications.tests.smtp import smtp_server
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.scheduling.tests.factories import EventFactory, SlotFactory
from rendezvous.school.tests.factories import (
    DepartmentFactory,
    GuardianshipFactory,
    PupilFactory,
    SchoolClassFactory,
)


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    """Fast password hashing (bcrypt itself is tested where it matters); mail stays local;
    English unless a test asks for another language."""
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "rendezvous.notifications.backends.OutboxBackend"
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Goethe-Gymnasium", slug="goethe")


@pytest.fixture
def admin(organisation):
    return UserFactory(organisation=organisation, role=Role.ADMIN, email="office@example.org")


@pytest.fixture
def teacher(organisation):
    return UserFactory(organisation=organisation, role=Role.TEACHER, email="teacher@example.org")


@pytest.fixture
def other_teacher(organisation):
    return UserFactory(organisation=organisation, role=Role.TEACHER)


@pytest.fixture
def department(organisation):
    return DepartmentFactory(organisation=organisation, name="Sprachen")


@pytest.fixture
def school_class(organisation, department, teacher):
    school_class = SchoolClassFactory(organisation=organisation, department=department, name="7a")
    school_class.class_teachers.add(teacher)
    return school_class


@pytest.fixture
def parent(organisation):
    return ParentFactory(organisation=organisation, email="parent@example.org")


@pytest.fixture
def pupil(organisation, school_class, parent):
    pupil = PupilFactory(organisation=organisation, school_class=school_class)
    GuardianshipFactory(pupil=pupil, parent=parent)
    return pupil


@pytest.fixture
def other_parent(organisation):
    return ParentFactory(organisation=organisation, email="other.parent@example.org")


@pytest.fixture
def other_pupil(organisation, school_class, other_parent):
    pupil = PupilFactory(organisation=organisation, school_class=school_class)
    GuardianshipFactory(pupil=pupil, parent=other_parent)
    return pupil


@pytest.fixture
def event(organisation, school_class):
    event = EventFactory(organisation=organisation)
    event.classes.add(school_class)
    return event


@pytest.fixture
def slot(organisation, teacher, event):
    return SlotFactory(organisation=organisation, host=teacher, event=event)


@pytest.fixture
def outsider(db):
    """The office of another organisation."""
    other = OrganisationFactory(name="Other School", slug="other")
    return UserFactory(organisation=other, role=Role.ADMIN, email="outsider@example.org")


# Browser tests: Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).parent / "test-artifacts"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM}: apt-get install it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, request):
    """Open a fresh browser context (a phone-sized one by default); screenshots on failure."""
    contexts = []

    def open_page(*, locale="de-DE", width=390, height=844):
        context = chromium.new_context(locale=locale, viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    failed = getattr(request.node, "rep_call", None) and request.node.rep_call.failed
    for number, context in enumerate(contexts):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for page in context.pages:
                shot = ARTIFACTS / f"{request.node.name}-{number}.png"
                page.screenshot(path=shot, full_page=True)
        context.close()


__all__ = ["smtp_server"]
