from django.db import migrations, models

import rendezvous.calendars.ics


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="decision_message",
            field=models.TextField(blank=True, verbose_name="message with the decision"),
        ),
        # Existing bookings get no stored UID (they keep the one their invitations carry);
        # a callable default here would give all of them the same one.
        migrations.AddField(
            model_name="booking",
            name="ical_uid",
            field=models.CharField(blank=True, default="", editable=False, max_length=255),
        ),
        migrations.AlterField(
            model_name="booking",
            name="ical_uid",
            field=models.CharField(
                blank=True,
                default=rendezvous.calendars.ics.new_calendar_uid,
                editable=False,
                max_length=255,
            ),
        ),
        migrations.AddConstraint(
            model_name="booking",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ical_uid", ""), _negated=True),
                fields=("ical_uid",),
                name="unique_booking_ical_uid",
            ),
        ),
    ]
