from django.urls import path

from rendezvous.office.views import reports

urlpatterns = [
    path("reports/", reports.reports, name="reports"),
    path("reports/events/<int:pk>/remind/", reports.event_remind, name="event-remind"),
]
