from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# Mails carrying a password or a sign-in link: their text is never shown to the office and is
# removed once delivered.
SECRET_TEMPLATES = frozenset({"parent_credentials", "staff_welcome", "email_change", "django"})


class OutgoingEmail(models.Model):
    """A message in the outbox: rendered when queued, sent by the worker."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="emails",
        null=True,
        blank=True,
    )
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    template = models.CharField(_("template"), max_length=100)
    subject = models.CharField(_("email subject"), max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    ics = models.TextField(blank=True)  # an appointment's invitation, attached as invite.ics
    state = models.CharField(
        _("state"), max_length=16, choices=EmailState.choices, default=EmailState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    send_after = models.DateTimeField(_("send after"))
    # A worker claims a row (queued -> sending) with a random token and holds it until
    # lease_until, renewing the lease while it works; once the lease runs out, another worker
    # may put the row back in the queue.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=32, blank=True, default="", editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "send_after"])]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"

    @property
    def carries_secret(self) -> bool:
        return self.template in SECRET_TEMPLATES
