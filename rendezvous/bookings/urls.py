from django.urls import path

from rendezvous.bookings.views import calendar, decisions, feed, parent, slots, teacher_home

app_name = "bookings"
urlpatterns = [
    path("parent/", parent.home, name="parent-home"),
    path("parent/book/", parent.book, name="parent-book"),
    path("parent/appointments/", parent.appointments, name="parent-appointments"),
    path("parent/plan/", parent.plan, name="parent-plan"),
    path(
        "parent/appointments/<int:booking_id>/cancel/",
        parent.cancel,
        name="parent-booking-cancel",
    ),
    path("parent/appointments/<int:booking_id>/move/", parent.move, name="parent-booking-move"),
    path(
        "parent/appointments/<int:booking_id>/appointment.ics",
        parent.ics,
        name="parent-booking-ics",
    ),
    path("calendar/<str:key>.ics", feed.calendar_feed, name="calendar-feed"),
    path("teacher/", calendar.teacher_calendar, name="teacher-calendar"),
    path("teacher/slots/<int:pk>/edit/", slots.slot_edit, name="slot-edit"),
    path("teacher/slots/<int:pk>/delete/", slots.slot_delete, name="slot-delete"),
    path("teacher/bookings/<int:pk>/decide/", decisions.booking_decide, name="booking-decide"),
    path("teacher/today/", teacher_home.teacher_home, name="teacher-home"),
    path("teacher/bookings/<int:pk>/reject/", decisions.booking_reject, name="booking-reject"),
    path("teacher/bookings/<int:pk>/cancel/", decisions.booking_cancel, name="booking-cancel"),
    path("teacher/bookings/confirm/", decisions.booking_confirm_many, name="booking-confirm-many"),
    path("teacher/request-mails/", decisions.request_mails, name="teacher-request-mails"),
]
