from django.urls import path

from rendezvous.office.views import events

urlpatterns = [
    path("events/", events.event_list, name="events"),
    path("events/new/", events.event_create, name="event-create"),
    path("events/<int:pk>/", events.event_detail, name="event-detail"),
    path("events/<int:pk>/edit/", events.event_edit, name="event-edit"),
    path("events/<int:pk>/phase/", events.event_phase, name="event-phase"),
]
