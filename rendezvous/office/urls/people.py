from django.urls import path

from rendezvous.office.views import people

urlpatterns: list = [
    path("users/", people.users, name="users"),
    path("users/new/", people.user_create, name="user-create"),
    path("users/<int:user_id>/", people.user_edit, name="user-edit"),
    path("users/<int:user_id>/deactivate/", people.user_deactivate, name="user-deactivate"),
    path("users/<int:user_id>/delete/", people.user_delete, name="user-delete"),
    path("users/<int:user_id>/password-link/", people.user_send_link, name="user-send-link"),
]
