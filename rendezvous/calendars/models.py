from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    """A person's personal iCal feed: a secret address their calendar app subscribes to.

    The key is kept as it is, so that the page can show the address again whenever the
    person adds another device. It opens nothing but a read-only copy of appointments the
    database itself holds, so a digest would protect nothing that the database does not
    already give away. Renewing replaces the key; stopping deletes the row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    key = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} ({self.key[:4]}…)"
