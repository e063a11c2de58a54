"""bench/booking_rush.py books the way a parent does: it reads the booking page's forms. When
the page's markup changes, this test says whether the benchmark still finds a time to book."""

import importlib.util
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from rendezvous.bookings.models import Booking

BENCH = Path(__file__).resolve().parents[3] / "bench" / "booking_rush.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("booking_rush", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_the_benchmark_books_a_time_from_the_page(parent, pupil, subject_teacher, slot, make_slot):
    times = {slot.pk, make_slot(minutes=10).pk, make_slot(host=subject_teacher, minutes=20).pk}
    client = Client(enforce_csrf_checks=True)
    client.force_login(parent)
    page = client.get(reverse("bookings:parent-home")).content.decode()
    action, fields = load_bench().booking_choice(page)
    assert action == reverse("bookings:parent-book")
    assert int(fields["slot"]) in times
    assert fields["pupil"] == str(pupil.pk) and fields["idempotency_key"]
    response = client.post(action, fields)
    assert response.status_code == 302 and response["Location"] == reverse(
        "bookings:parent-appointments"
    )
    assert Booking.objects.get().slot_id == int(fields["slot"])


@pytest.mark.django_db
def test_the_benchmark_finds_nothing_on_a_page_without_free_times(parent, pupil):
    client = Client()
    client.force_login(parent)
    page = client.get(reverse("bookings:parent-home")).content.decode()
    assert load_bench().booking_choice(page) is None
