"""The office area: one URL module per part, each owned by its views module."""

from rendezvous.office.urls import (
    appointments,
    calendar,
    credentials,
    emails,
    events,
    people,
    reports,
    settings,
    structure,
)

app_name = "office"
urlpatterns = (
    structure.urlpatterns
    + people.urlpatterns
    + credentials.urlpatterns
    + events.urlpatterns
    + calendar.urlpatterns
    + appointments.urlpatterns
    + emails.urlpatterns
    + reports.urlpatterns
    + settings.urlpatterns
)
