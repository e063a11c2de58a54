"""Rows a worker of the previous version left in "sending" get the lease that version gave them
(ten minutes from the claim, whose attempt it had already counted), so they are not stuck."""

from datetime import timedelta

from django.db import migrations
from django.db.models import F
from django.utils import timezone

PREVIOUS_SENDING_TIMEOUT = timedelta(seconds=600)


def lease_claimed_rows(apps, schema_editor):
    OutgoingEmail = apps.get_model("notifications", "OutgoingEmail")
    claimed = OutgoingEmail.objects.filter(state="sending", lease_until__isnull=True)
    claimed.filter(claimed_at__isnull=True).update(claimed_at=timezone.now())
    claimed.update(
        lease_until=F("claimed_at") + PREVIOUS_SENDING_TIMEOUT, last_attempt_at=F("claimed_at")
    )


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0003_lease_claims"),
    ]

    operations = [
        migrations.RunPython(lease_claimed_rows, migrations.RunPython.noop),
    ]
