"""The page where a person makes, lists and revokes their API tokens: a new token is shown
once, works at once as its owner, and stops when revoked."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rendezvous.accounts.models import AccessToken

pytestmark = pytest.mark.django_db


def api_me(token: str):
    return Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")


def make(client, **fields):
    data = {"name": "timetable sync", "scope": "read", "expires_on": ""} | fields
    return client.post(reverse("access-tokens"), data)


def shown_token(response) -> str:
    html = response.content.decode()
    start = html.index('value="rdv_') + len('value="')
    return html[start : html.index('"', start)]


def test_a_teacher_makes_a_token_that_is_shown_once_and_works(client, teacher):
    client.force_login(teacher)
    response = make(client)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = shown_token(response)
    assert api_me(token).json()["id"] == teacher.pk
    listed = client.get(reverse("access-tokens")).content.decode()
    assert "timetable sync" in listed and token not in listed and token[:8] in listed
    assert not AccessToken.objects.filter(digest__contains=token[4:]).exists()


def test_a_read_only_token_cannot_write(client, teacher):
    client.force_login(teacher)
    token = shown_token(make(client, scope="read"))
    answer = Client().post(
        "/api/v1/tokens", {"name": "x"}, "application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert answer.status_code in (401, 403)


def test_the_last_day_ends_at_midnight_in_the_organisations_zone(client, teacher, organisation):
    organisation.time_zone = "Asia/Vladivostok"
    organisation.save(update_fields=["time_zone"])
    client.force_login(teacher)
    day = timezone.localdate(timezone=organisation.tz) + timedelta(days=3)

    make(client, expires_on=day.isoformat())

    expires = AccessToken.objects.get(user=teacher).expires_at.astimezone(organisation.tz)
    assert (expires.date(), expires.hour, expires.minute) == (day + timedelta(days=1), 0, 0)


def test_a_day_in_the_past_is_refused_and_makes_nothing(client, teacher):
    client.force_login(teacher)
    yesterday = timezone.localdate() - timedelta(days=2)
    response = make(client, expires_on=yesterday.isoformat())
    assert response.status_code == 200
    assert "cannot lie in the past" in response.content.decode()
    assert not AccessToken.objects.exists()
    assert make(client, name="").status_code == 200 and not AccessToken.objects.exists()


def test_revoking_stops_the_token_at_once_and_others_cannot(client, teacher, other_teacher):
    client.force_login(teacher)
    token = shown_token(make(client))
    access = AccessToken.objects.get(user=teacher)
    client.force_login(other_teacher)
    assert client.post(reverse("access-token-revoke", args=[access.pk])).status_code == 404
    assert api_me(token).status_code == 200

    client.force_login(teacher)
    response = client.post(reverse("access-token-revoke", args=[access.pk]))

    assert response.status_code == 302
    assert api_me(token).status_code == 401
    listed = client.get(reverse("access-tokens")).content.decode()
    assert token[:8] not in listed and "no longer works" in listed


def test_the_form_keeps_its_labels_while_a_new_token_is_shown(client, teacher):
    client.force_login(teacher)
    html = make(client).content.decode()
    assert '<label for="id_name">Name</label>' in html
    assert "<legend>Access</legend>" in html
    assert '<label for="id_expires_on">Last day it works</label>' in html
    assert '<label for="token-value" class="visually-hidden">Your new token</label>' in html
