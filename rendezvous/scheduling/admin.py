from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from rendezvous.lib.errors import DomainError
from rendezvous.scheduling.models import Event, Phase, Slot, Subject
from rendezvous.scheduling.services import set_event_phase


def _phase_action(phase: Phase):
    @admin.action(description=_("Set the selected events to “%(phase)s”") % {"phase": phase.label})
    def action(modeladmin, request, queryset):
        for event in queryset:
            try:
                set_event_phase(event=event, phase=phase)
            except DomainError as error:
                modeladmin.message_user(request, f"{event}: {error.message}", messages.WARNING)

    action.__name__ = f"set_{phase.value}"
    return action


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Raw data, but days, booking window and phase change only through the services (the
    office's event pages, or the actions here), which check them against the slots."""

    list_display = ["name", "organisation", "starts_on", "ends_on", "phase"]
    list_filter = ["phase", "organisation"]
    filter_horizontal = ["classes"]
    readonly_fields = [
        "organisation", "starts_on", "ends_on", "booking_opens_at", "booking_closes_at", "phase",
    ]  # fmt: skip
    actions = [_phase_action(phase) for phase in Phase]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    """Raw data, read-only where the services keep rules: times (no overlaps, bookers told),
    places, status and the teacher change through the teacher's pages."""

    list_display = ["starts_at", "ends_at", "host", "event", "capacity", "seats_taken", "status"]
    list_filter = ["status", "mode", "audience", "organisation", "event"]
    date_hierarchy = "starts_at"
    readonly_fields = [
        "organisation", "host", "event", "starts_at", "ends_at", "capacity", "seats_taken",
        "status", "mode", "room", "video_url", "audience",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a booked slot is cancelled through the teacher's pages, never deleted
