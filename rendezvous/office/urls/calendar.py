from django.urls import path

from rendezvous.office.views import calendar

urlpatterns = [
    path("events/<int:pk>/calendar/", calendar.event_calendar, name="event-calendar"),
    path(
        "events/<int:pk>/calendar/export.csv",
        calendar.event_calendar_export,
        name="event-calendar-export",
    ),
]
