"""Unlinking a parent from a pupil while that parent has appointments for the pupil."""

import pytest
from django.urls import reverse

from rendezvous.bookings.services import book_slot, cancel_booking


def unlink_url(pupil, parent):
    return reverse("office:pupil-parent-unlink", args=[pupil.pk, parent.pk])


@pytest.mark.django_db
def test_the_office_is_told_why_a_parent_with_appointments_stays_linked(
    client, admin, parent, pupil, slot
):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    client.force_login(admin)
    response = client.post(unlink_url(pupil, parent), follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any("still has 1 active appointment" in m for m in shown)
    assert not any("no longer linked" in m for m in shown)
    assert list(pupil.parents.all()) == [parent]
    cancel_booking(booking=booking, actor=admin)
    response = client.post(unlink_url(pupil, parent), follow=True)
    assert any("no longer linked" in str(m) for m in response.context["messages"])
    assert not pupil.parents.exists()
