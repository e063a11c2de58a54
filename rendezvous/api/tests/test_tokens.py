from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rendezvous.accounts.models import AccessToken
from rendezvous.api.tests.api_client import signed_in


def make(client, **body):
    response = client.post("/tokens", {"name": "Stundenplan-Skript", **body})
    assert response.status_code == 201, response.content
    return response.json()


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_a_token_acts_as_its_owner_without_a_session_or_csrf(teacher, slot):
    made = make(signed_in(teacher), scope="write")

    response = bearer(made["token"]).get("/api/v1/slots")

    assert response.status_code == 200
    assert [s["id"] for s in response.json()] == [slot.pk]
    assert bearer(made["token"]).get("/api/v1/auth/me").json()["id"] == teacher.pk


def test_a_read_only_token_cannot_write(parent, pupil, slot):
    token = make(signed_in(parent))["token"]
    response = bearer(token).post(
        "/api/v1/bookings", {"slot": slot.pk, "pupil": pupil.pk}, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "token_read_only")
    assert not slot.bookings.exists()


def test_a_write_token_books(parent, pupil, slot):
    token = make(signed_in(parent), scope="write")["token"]
    response = bearer(token).post(
        "/api/v1/bookings", {"slot": slot.pk, "pupil": pupil.pk}, content_type="application/json"
    )
    assert response.status_code == 201


def test_a_revoked_token_stops_at_once(teacher):
    owner = signed_in(teacher)
    made = make(owner)
    assert bearer(made["token"]).get("/api/v1/slots").status_code == 200

    assert owner.delete(f"/tokens/{made['id']}").status_code == 204

    response = bearer(made["token"]).get("/api/v1/slots")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert owner.get("/tokens").json() == []


def test_an_expired_token_and_a_deactivated_owner_open_nothing(teacher):
    owner = signed_in(teacher)
    made = make(owner, expires_at=(timezone.now() + timedelta(days=1)).isoformat())
    AccessToken.objects.filter(pk=made["id"]).update(expires_at=timezone.now())
    assert bearer(made["token"]).get("/api/v1/slots").status_code == 401

    fresh = make(owner)
    teacher.is_active = False
    teacher.save(update_fields=["is_active"])
    assert bearer(fresh["token"]).get("/api/v1/slots").status_code == 401


def test_the_token_is_shown_once_and_never_stored(teacher):
    owner = signed_in(teacher)
    made = make(owner)

    row = AccessToken.objects.filter(pk=made["id"]).values().get()
    assert not any(made["token"] in str(value) for value in row.values())
    listed = owner.get("/tokens").json()
    assert [t["id"] for t in listed] == [made["id"]] and "token" not in listed[0]
    assert made["token"].startswith(listed[0]["prefix"])


def test_nobody_revokes_anothers_token_and_a_token_cannot_make_tokens(teacher, other_teacher):
    made = make(signed_in(teacher), scope="write")
    assert signed_in(other_teacher).delete(f"/tokens/{made['id']}").status_code == 404
    response = bearer(made["token"]).post(
        "/api/v1/tokens", {"name": "x", "scope": "write"}, content_type="application/json"
    )
    assert response.status_code == 401


@pytest.mark.parametrize("expires_at", ["2020-01-01T00:00:00+00:00", "2099-01-01T00:00:00"])
def test_an_expiry_in_the_past_or_without_a_zone_is_refused(teacher, expires_at):
    response = signed_in(teacher).post("/tokens", {"name": "x", "expires_at": expires_at})
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")
    assert not AccessToken.objects.exists()


def test_tokens_are_paged_and_sorted(teacher):
    client = signed_in(teacher)
    made = [make(client, name=f"Skript {n}")["id"] for n in range(3)]

    first = client.get("/tokens", limit=2)
    rest = client.get("/tokens", limit=2, offset=2)

    assert [t["id"] for t in first.json()] == made[:0:-1]  # the latest first
    assert first["X-Total-Count"] == "3" and 'rel="next"' in first["Link"]
    assert [t["id"] for t in rest.json()] == made[:1] and 'rel="prev"' in rest["Link"]
    assert [t["id"] for t in client.get("/tokens", sort="name").json()] == made
