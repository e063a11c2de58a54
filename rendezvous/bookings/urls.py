from django.urls import path

from rendezvous.bookings import views

app_name = "bookings"
urlpatterns: list = []
