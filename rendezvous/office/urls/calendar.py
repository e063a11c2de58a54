from django.urls import path

from rendezvous.office.views import calendar

urlpatterns = [
    path("events/<int:pk>/calendar/", calendar.event_calendar, name="event-calendar"),
]
