from django.contrib import admin

from rendezvous.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "language"]
    search_fields = ["name", "slug"]
