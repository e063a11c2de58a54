"""The office area: one URL module per part, each owned by its views module."""

from rendezvous.office.urls import appointments, emails, events, people, structure

app_name = "office"
urlpatterns = (
    structure.urlpatterns
    + people.urlpatterns
    + events.urlpatterns
    + appointments.urlpatterns
    + emails.urlpatterns
)
