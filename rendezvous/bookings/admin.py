from django.contrib import admin

from rendezvous.bookings.models import Booking


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["slot", "host", "booker", "pupil", "seats", "status", "created_at"]
    list_filter = ["status", "organisation", "event"]
    raw_id_fields = ["slot", "host", "booker", "pupil"]
    search_fields = ["booker__last_name", "pupil__last_name", "guest_name", "guest_email"]
    readonly_fields = ["manage_token", "idempotency_key", "sequence", "created_at", "updated_at"]
