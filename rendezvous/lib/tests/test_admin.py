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


def test_the_admin_sign_in_is_the_products_sign_in_page(client):
    response = client.get(reverse("admin:login"), {"next": reverse("admin:index")})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


def test_the_admin_sign_in_form_takes_no_password(client, superuser):
    response = client.post(
        reverse("admin:login"), {"username": "root@example.org", "password": "pw"}
    )

    assert response.status_code == 302
    assert not client.get(reverse("admin:index")).wsgi_request.user.is_authenticated


def test_failed_admin_sign_ins_are_throttled_like_every_other(client, settings, superuser):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "30/m/ip,3/5m/key"}
    login = reverse("account_login") + f"?next={reverse('admin:index')}"
    for _ in range(3):
        client.post(login, {"login": "root@example.org", "password": "guess"})

    response = client.post(login, {"login": "root@example.org", "password": "pw"})

    assert "Too many failed sign-ins" in response.content.decode()
    assert not client.get(reverse("admin:index")).wsgi_request.user.is_authenticated


def test_a_superuser_signs_in_through_the_sign_in_page_into_the_admin(client, superuser):
    login = reverse("account_login") + f"?next={reverse('admin:index')}"

    response = client.post(login, {"login": "root@example.org", "password": "pw"})

    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_signed_in_non_staff_person_gets_403_from_the_admin_sign_in(client, admin):
    client.force_login(admin)
    assert client.get(reverse("admin:login")).status_code == 403


def test_the_admin_changes_event_phases_only_through_the_service(client, superuser, event):
    client.force_login(superuser)
    changelist = reverse("admin:scheduling_event_changelist")

    client.post(changelist, {"action": "set_archived", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.phase == "open"  # open → archived skips "closed": the service refuses

    client.post(changelist, {"action": "set_closed", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.phase == "closed"


def test_the_admin_cannot_change_a_slots_times(client, superuser, slot):
    client.force_login(superuser)
    page = client.get(reverse("admin:scheduling_slot_change", args=[slot.pk])).content.decode()
    assert 'name="starts_at_0"' not in page and 'name="capacity"' not in page
