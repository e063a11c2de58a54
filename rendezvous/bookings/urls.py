from django.urls import path

from rendezvous.bookings import views

app_name = "bookings"
urlpatterns = [
    path("", views.home, name="parent-home"),
    path("book/", views.book, name="parent-book"),
    path("appointments/", views.appointments, name="parent-appointments"),
    path("appointments/<int:booking_id>/cancel/", views.cancel, name="parent-booking-cancel"),
    path("appointments/<int:booking_id>/move/", views.move, name="parent-booking-move"),
    path("appointments/<int:booking_id>/appointment.ics", views.ics, name="parent-booking-ics"),
]
