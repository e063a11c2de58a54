from django.urls import path

from rendezvous.scheduling import views

app_name = "scheduling"
urlpatterns = [
    path("", views.teacher_calendar, name="teacher-calendar"),
    path("slots/new/", views.slot_create, name="slot-create"),
    path("slots/generate/", views.slot_generate, name="slot-generate"),
    path("slots/<int:pk>/edit/", views.slot_edit, name="slot-edit"),
    path("slots/<int:pk>/delete/", views.slot_delete, name="slot-delete"),
    path("bookings/<int:pk>/decide/", views.booking_decide, name="booking-decide"),
]
