"""Shared actors: one school with an office, teachers, parents, a student and an open parents'
evening, and an outsider from another organisation. The browser's fixtures are in
tests/e2e/conftest.py."""

import os
import re
import sys
import time

import pytest
from django.core.cache import cache
from django.db import connection

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

# The tests do not collect static files: plain names in the processes they start (the
# settings of this one are loaded already: _fast_and_quiet). tests/test_make_run.py starts
# `make run` with hashed names, as deployed.
os.environ["STATIC_HASHED"] = "0"
# The workers the tests start keep their priority: beside the parallel test processes, a worker
# below them would get a tenth of a core and miss the tests' waits. tests/test_serve.py checks
# that a worker lowers its priority as deployed.
os.environ["WORKER_NICENESS"] = "0"
PLAIN_STATIC_FILES = "whitenoise.storage.CompressedStaticFilesStorage"

OTHER_SESSIONS = """
    SELECT pid, application_name, state, left(query, 80) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
"""
TERMINATE_OTHER_SESSIONS = """
    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


def _other_sessions_after(cursor, seconds: float) -> list[tuple]:
    """The other sessions on the test database still there after up to `seconds`."""
    deadline = time.monotonic() + seconds
    cursor.execute(OTHER_SESSIONS)
    while (others := cursor.fetchall()) and time.monotonic() < deadline:
        time.sleep(0.2)
        cursor.execute(OTHER_SESSIONS)
    return others


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, dropped at the end. On PostgreSQL a process a test killed (a worker
    sent SIGKILL) leaves its session to close a moment later: wait for such sessions, end the
    ones still there, and wait until they are gone, so the drop is not refused; and drop
    without the statement timeout."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        if others := _other_sessions_after(cursor, 10):
            sys.stderr.write(f"ending the sessions the tests left open: {others}\n")
            cursor.execute(TERMINATE_OTHER_SESSIONS)
            _other_sessions_after(cursor, 10)
    # The drop may wait for a checkpoint after a whole suite's writes: not a request, so the
    # statement timeout of the settings does not apply to it.
    options = connection.settings_dict["OPTIONS"]
    options["options"] = re.sub(r"-c statement_timeout=\d+", "", options.get("options", ""))
    connection.close()


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    """Fast password hashing (bcrypt itself is tested where it matters); mail stays local;
    English unless a test asks for another language; static files under their plain names;
    a request waits for its turn rather than being refused, and the parallel test processes'
    sign-ins never wait for each other's hashes (lib/tests/test_admission.py refuses both)."""
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "rendezvous.notifications.backends.OutboxBackend"
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC_FILES}}
    settings.WEB_QUEUE_WAIT_MS = 60_000
    settings.SIGN_IN_HASHES = 64
    settings.WORKER_NICENESS = 0  # a worker run in the test's process keeps its priority
    cache.clear()  # sign-in limits count per address: each test starts with none used


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
def student(organisation):
    """A pupil's own account. Students have no pages yet: every page refuses them."""
    return UserFactory(organisation=organisation, role=Role.STUDENT, email="student@example.org")


@pytest.fixture
def outsider(db):
    """The office of another organisation."""
    other = OrganisationFactory(name="Other School", slug="other")
    return UserFactory(organisation=other, role=Role.ADMIN, email="outsider@example.org")


__all__ = ["smtp_server"]
