from django.contrib import admin

from rendezvous.scheduling.models import Event, Slot, Subject


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "starts_on", "ends_on", "phase"]
    list_filter = ["phase", "organisation"]
    filter_horizontal = ["classes"]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "ends_at", "host", "event", "capacity", "seats_taken", "status"]
    list_filter = ["status", "mode", "audience", "organisation", "event"]
    raw_id_fields = ["host"]
    date_hierarchy = "starts_at"
    readonly_fields = ["seats_taken"]  # kept by the booking services

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a booked slot is cancelled through the teacher's pages, never deleted
