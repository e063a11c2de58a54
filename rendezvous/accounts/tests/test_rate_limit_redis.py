"""With REDIS_URL, sign-in counters live in Redis, shared by every web process."""

import uuid

import pytest
import redis
from django.core.cache import caches

from rendezvous.accounts.tests.factories import PASSWORD
from rendezvous.accounts.tests.test_sign_in import MISMATCH, THROTTLED, sign_in, signed_in

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    client = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379 (CI has one)")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": prefix,
        }
    }
    yield client, prefix
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


@pytest.mark.django_db
def test_failed_sign_ins_are_counted_in_redis(client, settings, redis_cache, teacher):
    redis_client, prefix = redis_cache
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/m/ip,2/5m/key"}
    for _ in range(2):
        assert MISMATCH in sign_in(client, teacher.email, "wrong").content.decode()
    assert list(redis_client.scan_iter(f"{prefix}*"))

    caches["default"].close()  # a fresh connection, as another web process would have
    response = sign_in(client, teacher.email, PASSWORD)

    assert THROTTLED in response.content.decode()
    assert signed_in(client) is None
