"""deploy/compose.yaml runs what scripts/serve.py runs on one machine: two web servers with
config/gunicorn.py and two workers from one image and one environment, migrations first,
PostgreSQL and Redis, Caddy in front of both web servers. (No container engine runs here: the
file is read, not started.)"""

import re

import yaml
from django.conf import settings

DEPLOY = settings.BASE_DIR / "deploy"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def image_command() -> list[str]:
    text = (DEPLOY / "Containerfile").read_text()
    return yaml.safe_load(re.search(r"^CMD (\[.*\])$", text, re.M)[1])


def test_two_web_servers_and_two_workers_from_one_image_and_environment():
    services = compose()["services"]
    web = [services[name] for name in ("web1", "web2")]
    workers = [services[name] for name in ("worker1", "worker2")]
    app = [*web, *workers, services["migrate"]]
    assert {service["image"] for service in app} == {"rendezvous"}
    assert all(service["environment"] == web[0]["environment"] for service in app)
    assert all("command" not in service for service in web)
    assert image_command() == ["gunicorn", "-c", "config/gunicorn.py"]
    assert all(service["command"] == ["python", "manage.py", "run_worker"] for service in workers)


def test_the_app_waits_for_migrations_which_wait_for_postgresql():
    services = compose()["services"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web1", "web2", "worker1", "worker2"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert "healthcheck" in services["postgres"]


def test_the_environment_names_postgresql_redis_and_one_trusted_proxy():
    services = compose()["services"]
    environment = services["web1"]["environment"]
    assert environment["DATABASE_URL"].startswith("postgres://rendezvous:")
    assert environment["DATABASE_URL"].endswith("@postgres:5432/rendezvous")
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["TRUSTED_PROXY_COUNT"] == "1"
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")  # refuses to start without
    proxy = services["proxy"]["command"]
    assert [proxy[i + 1] for i, part in enumerate(proxy) if part == "--to"] == [
        "web1:8000",
        "web2:8000",
    ]
    assert {"postgres", "redis"} <= set(services)


def test_the_workers_have_a_smaller_share_of_a_busy_hosts_cores_than_the_web_servers():
    services = compose()["services"]
    web_share = 1024  # Docker's default
    assert all("cpu_shares" not in services[name] for name in ("web1", "web2"))
    assert all(services[name]["cpu_shares"] < web_share for name in ("worker1", "worker2"))
