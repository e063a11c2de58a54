import pytest
from django.conf import settings
from django.urls import reverse

from rendezvous.accounts.models import User


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root@example.org", "pw")


def test_the_admin_is_not_at_the_default_path():
    assert reverse("admin:index") == f"/{settings.ADMIN_PATH}"
    assert settings.ADMIN_PATH != "admin/"


@pytest.mark.parametrize(
    ("model", "status_filter"),
    [
        ("bookings/booking", "status__exact=pending"),
        ("scheduling/slot", "status__exact=open"),
        ("scheduling/event", "phase__exact=open"),
        ("notifications/outgoingemail", "state__exact=failed"),
        ("accounts/user", "role__exact=parent"),
        ("school/pupil", ""),
        ("school/schoolclass", ""),
        ("school/department", ""),
        ("organisations/organisation", ""),
    ],
)
def test_each_model_is_listed_with_its_filter(client, superuser, slot, model, status_filter):
    client.force_login(superuser)
    response = client.get(f"/{settings.ADMIN_PATH}{model}/?{status_filter}")
    assert response.status_code == 200


def test_office_staff_cannot_open_the_django_admin(client, admin):
    client.force_login(admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
