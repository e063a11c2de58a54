import pytest

from rendezvous.api.tests.api_client import ApiClient, signed_in


def error_of(response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


def test_a_parent_signs_in_with_the_code_and_sees_who_they_are(parent):
    client = ApiClient()
    response = client.sign_in(parent.login_code)

    assert response.status_code == 200
    assert response.json()["id"] == parent.pk
    cookie = client.http.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    me = client.get("/auth/me").json()
    assert (me["id"], me["role"], me["login_code"]) == (parent.pk, "parent", parent.login_code)
    assert me["organisation"]["time_zone"] == parent.organisation.time_zone


def test_staff_sign_in_with_their_email(teacher):
    me = signed_in(teacher).get("/auth/me").json()
    assert (me["id"], me["role"]) == (teacher.pk, "teacher")


def test_signing_out_ends_the_session_on_the_server(parent):
    client = signed_in(parent)
    old_cookie = client.http.cookies["sessionid"].value

    assert client.post("/auth/logout").status_code == 204

    replay = ApiClient()
    replay.http.cookies["sessionid"] = old_cookie
    assert error_of(replay.get("/auth/me")) == (401, "not_authenticated")


def test_a_wrong_password_is_refused_in_the_callers_language(parent):
    response = ApiClient(language="de").sign_in(parent.login_code, "Falsch-Falsch-Falsch")
    assert error_of(response) == (401, "invalid_credentials")
    assert response.json()["message"] == (
        "E-Mail-Adresse bzw. Anmeldecode oder Passwort ist nicht korrekt."
    )


def test_repeated_failures_are_throttled_as_on_the_sign_in_page(settings, parent):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/m/ip,3/5m/key"}
    client = ApiClient()
    for _ in range(3):
        assert error_of(client.sign_in(parent.login_code, "wrong")) == (401, "invalid_credentials")
    assert error_of(client.sign_in(parent.login_code)) == (429, "rate_limited")


def test_sign_in_takes_json_only(parent):
    client = ApiClient()
    response = client.http.post(
        "/api/v1/auth/login", {"login": parent.login_code, "password": "x"}
    )  # a form, as a cross-site page could send
    assert error_of(response) == (415, "unsupported_media_type")


@pytest.mark.django_db
def test_without_a_session_every_call_but_sign_in_answers_401():
    client = ApiClient()
    assert error_of(client.get("/auth/me")) == (401, "not_authenticated")
    assert error_of(client.get("/bookings")) == (401, "not_authenticated")


def test_a_write_without_the_sessions_csrf_token_is_refused(parent):
    client = signed_in(parent)
    client.csrf = ""
    assert error_of(client.post("/auth/logout")) == (403, "csrf_failed")
    assert client.get("/auth/me").status_code == 200  # still signed in


@pytest.mark.django_db
def test_an_unknown_address_and_a_wrong_method_answer_the_error_body():
    client = ApiClient(language="ru")
    missing = client.get("/nothing/here")
    assert error_of(missing) == (404, "not_found")
    assert missing.json()["message"] == "Здесь ничего нет, или у вас нет к этому доступа."
    wrong = client.http.put("/api/v1/auth/me")
    assert error_of(wrong) == (405, "method_not_allowed")
    assert wrong["Allow"] == "GET"


APP = "https://stundenplan.example.org"


@pytest.mark.django_db
def test_a_listed_origin_gets_cors_with_the_paging_headers_and_a_preflight(settings, client):
    settings.API_CORS_ORIGINS = [APP]
    preflight = client.options(
        "/api/v1/bookings",
        headers={"Origin": APP, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == APP
    assert "Idempotency-Key" in preflight["Access-Control-Allow-Headers"]
    assert "PUT" in preflight["Access-Control-Allow-Methods"].split(", ")
    answer = client.get("/api/v1/bookings", headers={"Origin": APP})
    assert answer.status_code == 401  # refusals carry the headers too, so the app can read them
    assert answer["Access-Control-Allow-Origin"] == APP
    assert answer["Access-Control-Allow-Credentials"] == "true"
    assert "X-Total-Count" in answer["Access-Control-Expose-Headers"]
    assert "Link" in answer["Access-Control-Expose-Headers"]


@pytest.mark.django_db
def test_another_origin_gets_no_cors_headers(settings, client):
    settings.API_CORS_ORIGINS = [APP]
    answer = client.get("/api/v1/bookings", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in answer
    page = client.get("/accounts/login/", headers={"Origin": APP})
    assert "Access-Control-Allow-Origin" not in page  # the pages are not the API
