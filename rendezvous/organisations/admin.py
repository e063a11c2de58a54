from django.contrib import admin

from rendezvous.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "language"]
    search_fields = ["name", "slug"]
    # A logo is uploaded on the office's settings page, which checks and re-encodes it
    # (logos.py); the admin's plain image field would store the file as it came.
    readonly_fields = ["logo"]
