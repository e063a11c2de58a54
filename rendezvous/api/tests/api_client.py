"""Calling the API as a client would: JSON bodies, the session cookie, and the CSRF token from
/auth/me in X-CSRFToken for writes."""

import json

from django.test import Client

from rendezvous.accounts.tests.factories import PASSWORD

BASE = "/api/v1"


class ApiClient:
    """A Django test client that enforces CSRF checks, as a browser's requests meet them."""

    def __init__(self, language: str = "en"):
        self.http = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
        self.csrf = ""

    def sign_in(self, login: str, password: str = PASSWORD):
        response = self.post("/auth/login", {"login": login, "password": password})
        if response.status_code == 200:
            self.csrf = response.json()["csrf_token"]
        return response

    def get(self, path: str, **params):
        return self.http.get(BASE + path, params)

    def post(self, path: str, body=None, **headers):
        return self._write("post", path, body, headers)

    def put(self, path: str, body=None, **headers):
        return self._write("put", path, body, headers)

    def patch(self, path: str, body=None, **headers):
        return self._write("patch", path, body, headers)

    def delete(self, path: str, **headers):
        return self._write("delete", path, None, headers)

    def _write(self, method: str, path: str, body, headers: dict):
        if self.csrf:
            headers.setdefault("X-CSRFToken", self.csrf)
        data = json.dumps(body) if body is not None else ""
        send = getattr(self.http, method)
        return send(BASE + path, data, content_type="application/json", headers=headers)


def signed_in(user, login: str | None = None, language: str = "en") -> ApiClient:
    client = ApiClient(language)
    response = client.sign_in(login or user.login_code or user.email)
    assert response.status_code == 200, response.content
    return client
