from django.urls import path

from rendezvous.office.views import credentials

urlpatterns = [
    path("credentials/", credentials.credentials, name="credentials"),
    path("credentials/send/", credentials.credentials_send, name="credentials-send"),
    # The addresses before the page had its own: the list redirects, and a form posted to
    # the old address (from a page opened before an update) still sends.
    path("parents/credentials/", credentials.old_address, name="parent-credentials"),
    path(
        "parents/credentials/send/",
        credentials.credentials_send,
        name="parent-credentials-send",
    ),
]
