from django.contrib import admin

from rendezvous.notifications.models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state", "template", "language", "organisation"]
    search_fields = ["to", "subject"]
    readonly_fields = [
        "created_at", "sent_at", "claimed_at", "claimed_by", "lease_until", "last_attempt_at",
    ]  # fmt: skip
    exclude = ["body_text", "body_html"]  # may hold a temporary password or a sign-in link
