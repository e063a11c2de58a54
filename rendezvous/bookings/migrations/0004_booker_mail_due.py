from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0003_request_mail_due"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="booker_mail_due",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(
                condition=models.Q(("booker_mail_due", True)),
                fields=["id"],
                name="booking_booker_mail_due",
            ),
        ),
    ]
