from django.urls import path

from rendezvous.scheduling import views

app_name = "scheduling"
urlpatterns = [
    path("slots/new/", views.slot_create, name="slot-create"),
    path("slots/generate/", views.slot_generate, name="slot-generate"),
]
