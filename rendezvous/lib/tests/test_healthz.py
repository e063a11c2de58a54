"""/healthz tells a load balancer whether the database and the cache answer."""

import socket

import pytest
from django.urls import reverse

from rendezvous.lib.database import RETRY_AFTER
from rendezvous.lib.tests.test_database_unavailable import database_unreachable

HEALTHZ = reverse("healthz")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_it_answers_ok_without_a_session_or_a_user(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "Retry-After" not in response
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["parent", "teacher", "admin", "outsider"])
def test_it_answers_the_same_for_everyone_signed_in(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_it_names_a_cache_that_does_not_answer(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "unavailable"}
    assert response["Retry-After"] == str(RETRY_AFTER)


@pytest.mark.django_db(transaction=True)
def test_it_names_a_database_that_does_not_answer_and_recovers(client, tmp_path):
    with database_unreachable(tmp_path):
        response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "cache": "ok"}
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert client.get(HEALTHZ).status_code == 200
