import django.db.models.deletion
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import migrations, models
from django.utils import timezone


def user_id_of(data: dict) -> int | None:
    try:
        return int(data["_auth_user_id"])
    except (KeyError, TypeError, ValueError):
        return None


def carry_sessions_over(apps, schema_editor):
    """Everyone signed in stays signed in: Django's sessions, with the person's id read from
    each session's data."""
    old = apps.get_model("sessions", "Session")
    new = apps.get_model("accounts", "Session")
    store = SessionStore()  # decodes the data its namesake wrote (signed with SECRET_KEY)
    rows = old.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=1000)
    new.objects.bulk_create(
        (
            new(
                session_key=row.session_key,
                session_data=row.session_data,
                expire_date=row.expire_date,
                user_id=user_id_of(store.decode(row.session_data)),
            )
            for row in rows
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_access_tokens"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Session",
            fields=[
                (
                    "session_key",
                    models.CharField(
                        max_length=40,
                        primary_key=True,
                        serialize=False,
                        verbose_name="session key",
                    ),
                ),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                (
                    "user",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "abstract": False,
            },
        ),
        migrations.RunPython(carry_sessions_over, migrations.RunPython.noop),
    ]
