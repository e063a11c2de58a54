from django.urls import path

from rendezvous.office.views import appointments as views

urlpatterns = [
    path("appointments/", views.appointments, name="appointments"),
    path("appointments/export.csv", views.appointments_export, name="appointments-export"),
    path(
        "appointments/<int:booking_id>/cancel/",
        views.appointment_cancel,
        name="appointment-cancel",
    ),
    path("appointments/<int:booking_id>/move/", views.appointment_move, name="appointment-move"),
]
