from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0002_add_decision_message_and_ical_uid"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="request_mail_due",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(
                condition=models.Q(("request_mail_due", True)),
                fields=["id"],
                name="booking_request_mail_due",
            ),
        ),
    ]
