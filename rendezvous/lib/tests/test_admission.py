"""Admission control: a process works on a bounded number of requests at once and answers the
rest 503 with Retry-After after a short wait; sign-in hashes are bounded across processes."""

import json
import random
import subprocess
import sys
import threading
from collections import Counter

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from rendezvous.accounts.tests.factories import PASSWORD
from rendezvous.accounts.tests.test_sign_in import credentials_for, sign_in, signed_in
from rendezvous.lib import admission
from rendezvous.lib.admission import (
    AdmissionMiddleware,
    Overloaded,
    Places,
    machine_place,
    step_aside,
)
from rendezvous.lib.tests.race import finish, in_thread, wait_until

requests = RequestFactory()


class HeldView:
    """A view that, on its first call, holds its request until released."""

    def __init__(self, step_aside_first=False):
        self.inside, self.release = threading.Event(), threading.Event()
        self.step_aside_first = step_aside_first
        self.calls = 0

    def __call__(self, request):
        self.calls += 1
        if self.calls == 1:
            if self.step_aside_first:
                step_aside()
            self.inside.set()
            assert self.release.wait(10), "nobody released the held request"
        return HttpResponse("served")


@pytest.fixture
def one_place(settings):
    settings.WEB_ACTIVE_REQUESTS = 1
    settings.WEB_QUEUE_WAIT_MS = 50


def hold_the_place(middleware, view):
    held = threading.Thread(target=middleware, args=[requests.get("/parent/")], daemon=True)
    held.start()
    assert view.inside.wait(10)
    return held


def while_held(view, call):
    """What `call` answers while the view holds the process's only place."""
    middleware = AdmissionMiddleware(view)
    held = hold_the_place(middleware, view)
    try:
        return call(middleware)
    finally:
        view.release.set()
        held.join(10)


@pytest.mark.parametrize("places", [0, -1])
def test_a_process_without_places_does_not_start(settings, places):
    settings.WEB_ACTIVE_REQUESTS = places
    with pytest.raises(ImproperlyConfigured, match="WEB_ACTIVE_REQUESTS must be 1 or more"):
        AdmissionMiddleware(HeldView())


def test_a_request_finding_the_process_busy_is_answered_503_with_retry_after(one_place):
    view = HeldView()
    middleware = AdmissionMiddleware(view)
    held = hold_the_place(middleware, view)

    response = middleware(requests.get("/parent/", HTTP_ACCEPT_LANGUAGE="de"))

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    page = response.content.decode()
    assert "Rendezvous ist gerade sehr gefragt" in page
    assert 'href="/parent/">Erneut versuchen' in page.replace("\n", "")
    assert "<form" not in page  # a refusal is cheap: no language or sign-out form to draw
    assert view.calls == 1  # the refused request did no work
    view.release.set()
    held.join(10)
    assert middleware(requests.get("/parent/")).status_code == 200  # the place is free again


class Always:
    """Stands for `random`: always draws the same number."""

    def __init__(self, value: float):
        self.value = value

    def random(self) -> float:
        return self.value


def test_each_refusal_links_back_to_its_own_page_in_its_language(one_place, monkeypatch):
    from rendezvous.lib import middleware as answers

    monkeypatch.setattr(admission, "random", Always(0))  # every refusal asks for 1 s
    answers._busy_page.cache_clear()
    drawn = []
    render = answers.render_to_string
    monkeypatch.setattr(answers, "render_to_string", lambda *a: drawn.append(a) or render(*a))
    asked = [
        ("/parent/?open=3-4-5", "de", 'href="/parent/?open=3-4-5">Erneut versuchen'),
        (
            "/parent/appointments/?a=1&b='2'",
            "de",
            'href="/parent/appointments/?a=1&amp;b=&#x27;2&#x27;"',
        ),
        ("/parent/plan/", "ru", 'href="/parent/plan/">Повторить попытку'),
        ("/office/", "en", 'href="/office/">Try again'),
    ]

    def refuse_all(middleware):
        return [
            middleware(requests.get(path, HTTP_ACCEPT_LANGUAGE=language))
            for path, language, _ in asked
        ]

    responses = while_held(HeldView(), refuse_all)

    for response, (_, _, link) in zip(responses, asked, strict=True):
        assert response.status_code == 503
        assert link in response.content.decode().replace("\n", "")
    assert len(drawn) == 3  # once per language


def test_a_refused_page_loads_itself_again_when_the_seconds_asked_for_are_up(one_place):
    def refuse_both(middleware):
        page = middleware(requests.get("/parent/", HTTP_ACCEPT_LANGUAGE="ru"))
        form = middleware(requests.post("/parent/book/", HTTP_ACCEPT_LANGUAGE="ru"))
        return page, form

    page, form = while_held(HeldView(), refuse_both)

    assert page["Retry-After"] == "1"  # nothing was refused before
    drawn = page.content.decode()
    assert 'data-reload-after="1" hidden>' in drawn  # shown and started by app.js
    assert "Страница сама обновится через 1 секунду." in drawn
    assert "data-reload-stop hidden>Не обновлять</button>" in drawn
    drawn = form.content.decode()  # a form sent is not sent again behind the parent's back
    assert "data-reload-after" not in drawn
    assert "обновится" not in drawn


def served(places: Places, count: int) -> None:
    for _ in range(count):
        assert places.take(urgent=False, timeout=0)
        places.give_back()


class Clock:
    """A clock that moves only when told to."""

    def __init__(self):
        self.now = 1000.5

    def __call__(self) -> float:
        return self.now


def test_the_refused_are_asked_to_come_back_spread_over_one_to_five_seconds(monkeypatch):
    monkeypatch.setattr(admission, "random", random.Random(7))
    places = Places(1, clock=Clock())
    served(places, 10)

    asked = [places.retry_after() for _ in range(1000)]

    assert asked[:5] == [1] * 5  # a refusal or so for ten served: come back in a second
    # Once more than five are refused for each one served, evenly from one to five seconds.
    late = Counter(asked[100:])
    assert set(late) == {1, 2, 3, 4, 5}
    assert all(140 <= count <= 220 for count in late.values()), late


def test_the_refusals_of_a_second_ago_count_and_those_of_before_are_forgotten(monkeypatch):
    monkeypatch.setattr(admission, "random", Always(0.9))
    clock = Clock()
    places = Places(1, clock=clock)
    served(places, 10)
    for _ in range(30):
        places.retry_after()

    clock.now += 1
    assert places.retry_after() == 3  # 31 refused for 10 served: up to 3.1 s
    clock.now += 2
    assert places.retry_after() == 1  # the only refusal of the last two seconds


def test_the_api_is_refused_in_json(one_place):
    request = requests.get("/api/v1/slots", HTTP_ACCEPT_LANGUAGE="ru")
    response = while_held(HeldView(), lambda middleware: middleware(request))

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["code"] == "overloaded"
    assert "несколько секунд" in body["message"]


def test_a_request_whose_turn_comes_within_the_wait_is_served(settings):
    settings.WEB_ACTIVE_REQUESTS = 1
    settings.WEB_QUEUE_WAIT_MS = 10_000
    view = HeldView()
    middleware = AdmissionMiddleware(view)
    held = hold_the_place(middleware, view)

    waiting = in_thread(lambda: middleware(requests.get("/parent/")))
    assert view.calls == 1  # still waiting for the place
    view.release.set()
    (response,) = finish([waiting])

    held.join(10)
    assert response.status_code == 200
    assert view.calls == 2


def test_health_checks_are_never_refused(one_place):
    response = while_held(HeldView(), lambda middleware: middleware(requests.get("/healthz")))

    assert response.status_code == 200


def test_a_request_that_steps_aside_lets_the_next_one_in(one_place):
    view = HeldView(step_aside_first=True)
    middleware = AdmissionMiddleware(view)
    held = hold_the_place(middleware, view)

    response = middleware(requests.get("/parent/"))  # the held request stepped aside

    view.release.set()
    held.join(10)
    assert response.status_code == 200
    # Both have ended and each place was given back once: two more go through one by one.
    assert [middleware(requests.get("/")).status_code for _ in range(2)] == [200, 200]
    assert middleware.places.free == 1


def test_a_form_sent_goes_before_the_pages_waiting(settings):
    settings.WEB_ACTIVE_REQUESTS = 1
    settings.WEB_QUEUE_WAIT_MS = 10_000
    order = []

    def view(request):
        order.append(request.method)
        return HttpResponse("served")

    held = HeldView()
    middleware = AdmissionMiddleware(lambda request: (held if not order else view)(request))
    holder = hold_the_place(middleware, held)
    order.append("held")
    page = in_thread(lambda: middleware(requests.get("/parent/")))
    wait_until(lambda: middleware.places.waiting() == 1)
    form = in_thread(lambda: middleware(requests.post("/parent/book/")))
    wait_until(lambda: middleware.places.waiting() == 2)

    held.release.set()
    holder.join(10)
    assert [response.status_code for response in finish([page, form])] == [200, 200]
    assert order == ["held", "POST", "GET"]  # the page waited longer, yet went second


def test_a_page_that_gives_up_passes_its_turn_on(settings):
    settings.WEB_ACTIVE_REQUESTS = 1
    places = Places(1)
    assert places.take(urgent=False, timeout=0)
    waiting = [in_thread(lambda: places.take(urgent=False, timeout=5)) for _ in range(2)]
    wait_until(lambda: places.waiting() == 2)
    places.give_back()
    assert sorted(finish(waiting)) == [False, True]  # one got the place, the other timed out
    assert places.free == 0


@pytest.fixture
def a_pool_of_one_connection():
    """The suite's database through a pool of one PostgreSQL connection, as a web process's
    pool is when every connection in it is taken."""
    connection.close()
    config = connection.settings_dict  # every thread's connection is made from it
    saved = config["CONN_MAX_AGE"], config["OPTIONS"]
    config["CONN_MAX_AGE"] = 0
    config["OPTIONS"] = {**saved[1], "pool": {"min_size": 1, "max_size": 1, "timeout": 2}}
    try:
        yield
    finally:
        connection.close()
        connection.close_pool()
        config["CONN_MAX_AGE"], config["OPTIONS"] = saved


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a pool of PostgreSQL connections")
@pytest.mark.django_db(transaction=True)
def test_a_response_still_being_sent_holds_no_database_connection(
    one_place, a_pool_of_one_connection
):
    """The next request gets the place as soon as the view has answered, while the web
    server may still be sending the answer to a slow client: the pool's only connection must
    be free for it by then, not once the answer has arrived."""

    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return HttpResponse("served")

    middleware = AdmissionMiddleware(view)
    answered, arrived = threading.Event(), threading.Event()

    def slow_client():
        response = middleware(requests.get("/parent/"))  # answered, not yet sent and closed
        answered.set()
        assert arrived.wait(10)
        response.close()
        return response.status_code

    first = in_thread(slow_client)
    assert answered.wait(10)
    second = in_thread(lambda: middleware(requests.get("/parent/")).status_code)
    served = finish([second])
    arrived.set()

    assert served + finish([first]) == [200, 200]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a pool of PostgreSQL connections")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["parent", "teacher"])
def test_a_sign_in_holds_no_database_connection_while_it_hashes(
    who, request, one_place, a_pool_of_one_connection, monkeypatch
):
    """Sign-ins in a burst wait for the machine's few hashes, and a hash takes a while: all
    that time the process's pooled connections must stay free for the bookings."""
    person = request.getfixturevalue(who)
    login, password = (
        (person.login_code, credentials_for(person))
        if who == "parent"
        else (person.email, PASSWORD)
    )
    connection.close()  # this thread's connection back to the pool, as after a request
    hashing, hashed = threading.Event(), threading.Event()
    verify = MD5PasswordHasher.verify

    def slow_verify(hasher, password, encoded):
        hashing.set()
        assert hashed.wait(10), "the hash was never let finish"
        return verify(hasher, password, encoded)

    monkeypatch.setattr(MD5PasswordHasher, "verify", slow_verify)
    signing_in = in_thread(lambda: sign_in(Client(), login, password).status_code)
    assert hashing.wait(10)

    health = Client().get(reverse("healthz"))  # reads the database: needs the pool's connection
    connection.close()  # the web server's part after a request; the test client leaves it
    hashed.set()

    assert health.status_code == 200
    assert finish([signing_in]) == [302]


HOLD_A_PLACE = """
import fcntl, os, sys
descriptor = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("holding", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def other_process_holds_the_sign_in_place(settings, tmp_path):
    """Another process of the machine holds the only place for a sign-in hash."""
    settings.VAR_DIR = tmp_path
    settings.SIGN_IN_HASHES = 1
    (tmp_path / "locks").mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_PLACE, str(tmp_path / "locks" / "sign-in-0")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "holding"
    yield holder
    holder.stdin.close()
    holder.wait(10)


def test_a_place_held_by_another_process_is_not_given_twice(
    other_process_holds_the_sign_in_place,
):
    with pytest.raises(Overloaded), machine_place("sign-in", 1, wait=0.05):
        pytest.fail("the place was given while another process held it")
    other_process_holds_the_sign_in_place.stdin.close()
    other_process_holds_the_sign_in_place.wait(10)
    with machine_place("sign-in", 1, wait=5):
        pass


@pytest.mark.django_db
def test_a_sign_in_without_a_free_hash_is_answered_503_and_signs_nobody_in(
    client, parent, other_process_holds_the_sign_in_place
):
    password = credentials_for(parent)

    response = sign_in(client, parent.login_code, password)

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert "very busy" in response.content.decode()
    assert signed_in(client) is None
    other_process_holds_the_sign_in_place.stdin.close()
    other_process_holds_the_sign_in_place.wait(10)
    assert sign_in(client, parent.login_code, password).status_code == 302
    assert signed_in(client) == parent.pk
