from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from rendezvous.bookings.models import Booking
from rendezvous.bookings.services import cancel_booking
from rendezvous.lib.errors import DomainError


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Raw data, but seats and statuses change only through the booking services."""

    list_display = ["slot", "host", "booker", "pupil", "seats", "status", "created_at"]
    list_filter = ["status", "organisation", "event"]
    search_fields = ["booker__last_name", "pupil__last_name", "guest_name", "guest_email"]
    readonly_fields = [
        "organisation", "slot", "host", "event", "booker", "pupil", "seats", "status",
        "manage_token", "idempotency_key", "sequence", "ical_uid", "decision_message",
        "created_at", "updated_at",
    ]  # fmt: skip
    actions = ["cancel_selected"]

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        """Only what the form changed: saving every field would write back what the services
        and the worker changed since the form's row was read (a status, a sequence, the mark
        of a mail the worker has queued meanwhile)."""
        obj.save(update_fields=[*form.changed_data, "updated_at"])

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Cancel the selected bookings (their bookers are told)"))
    def cancel_selected(self, request, queryset):
        for booking in queryset:
            try:
                cancel_booking(booking=booking, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{booking}: {error.message}", messages.WARNING)
