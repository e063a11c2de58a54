import pytest
from django.conf import settings
from django.urls import reverse

from rendezvous.accounts.models import User
from rendezvous.bookings.services import book_slot


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


@pytest.mark.django_db
def test_the_admin_cancels_bookings_through_the_service(client, superuser, parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    client.force_login(superuser)
    response = client.post(
        f"/{settings.ADMIN_PATH}bookings/booking/",
        {"action": "cancel_selected", "_selected_action": [booking.pk]},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == "cancelled"
    assert slot.seats_taken == 0


@pytest.mark.django_db
def test_bookings_cannot_be_deleted_in_the_admin(client, superuser, parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    client.force_login(superuser)
    response = client.get(f"/{settings.ADMIN_PATH}bookings/booking/{booking.pk}/delete/")
    assert response.status_code == 403
