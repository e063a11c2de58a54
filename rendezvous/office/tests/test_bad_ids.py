"""Ids from forms and links that no row can have get a clear answer, never a 500."""

import pytest
from django.urls import reverse

from rendezvous.lib.views import MAX_ID
from rendezvous.notifications.models import OutgoingEmail

SEND = reverse("office:parent-credentials-send")
NEW_PARENT = reverse("office:parent-create")


@pytest.mark.django_db
@pytest.mark.parametrize("value", [str(10**22), str(MAX_ID + 1), "0", "-3"])
def test_sending_credentials_to_an_impossible_id_is_refused(client, admin, parent, value):
    client.force_login(admin)
    response = client.post(SEND, {"scope": "selected", "parents": [parent.pk, value]}, follow=True)
    assert response.status_code == 200
    assert any("The selection is not valid" in str(m) for m in response.context["messages"])
    assert not OutgoingEmail.objects.exists()
    parent.refresh_from_db()
    assert parent.credentials_sent_at is None and parent.credentials_requested_at is None


@pytest.mark.django_db
def test_a_new_parent_link_with_a_superscript_pupil_id_opens_the_plain_form(client, admin, pupil):
    client.force_login(admin)
    response = client.get(NEW_PARENT, {"pupil": "²"})
    assert response.status_code == 200
    assert response.context["child"] is None
    assert response.context["form"].initial["children"] == []
