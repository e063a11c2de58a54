from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from rendezvous.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["organisation", "last_name", "first_name"]
    list_display = ["email", "login_code", "first_name", "last_name", "role", "organisation"]
    list_filter = ["role", "is_active", "organisation", "language"]
    search_fields = ["email", "first_name", "last_name", "login_code"]
    readonly_fields = [
        "last_login",
        "date_joined",
        "credentials_sent_at",
        "credentials_requested_at",
    ]
    fieldsets = [
        (None, {"fields": ["organisation", "role", "email", "login_code", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "language"]}),
        (
            _("Status"),
            {
                "fields": [
                    "is_active",
                    "expires_at",
                    "credentials_sent_at",
                    "credentials_requested_at",
                ]
            },
        ),
        (_("Django admin"), {"fields": ["is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["organisation", "role", "email", "password1", "password2"]}),
    ]
