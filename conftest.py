"""Shared actors: one school with an office, teachers, parents, a student and an open parents'
evening, and an outsider from another organisation. The browser's fixtures are in
tests/e2e/conftest.py."""

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
def student(organisation):
    """A pupil's own account. Students have no pages yet: every page refuses them."""
    return UserFactory(organisation=organisation, role=Role.STUDENT, email="student@example.org")


@pytest.fixture
def outsider(db):
    """The office of another organisation."""
    other = OrganisationFactory(name="Other School", slug="other")
    return UserFactory(organisation=other, role=Role.ADMIN, email="outsider@example.org")


__all__ = ["smtp_server"]
