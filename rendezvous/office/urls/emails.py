from django.urls import path

from rendezvous.office.views import emails

urlpatterns: list = [
    path("emails/", emails.email_list, name="emails"),
    path("emails/<int:pk>/", emails.email_detail, name="email-detail"),
    path("emails/<int:pk>/resend/", emails.email_resend, name="email-resend"),
]
