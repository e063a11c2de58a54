from django.urls import path

from rendezvous.scheduling import views

app_name = "scheduling"
urlpatterns: list = []
