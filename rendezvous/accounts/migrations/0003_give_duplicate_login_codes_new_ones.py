import secrets

from django.db import migrations
from django.db.models import Count


def give_duplicate_codes_new_ones(apps, schema_editor):
    """Codes were unique per organisation. Where two organisations' parents share one, the
    oldest account keeps it; the others get a free code and are shown as "not sent yet", so
    the office sends them new credentials."""
    User = apps.get_model("accounts", "User")
    shared = (
        User.objects.exclude(login_code="")
        .values("login_code")
        .annotate(holders=Count("pk"))
        .filter(holders__gt=1)
        .values_list("login_code", flat=True)
    )
    taken = set(User.objects.exclude(login_code="").values_list("login_code", flat=True))
    for code in list(shared):
        for parent in User.objects.filter(login_code=code).order_by("pk")[1:]:
            new_code = code
            while new_code in taken:
                new_code = str(10000 + secrets.randbelow(90000))
            taken.add(new_code)
            parent.login_code = new_code
            parent.credentials_sent_at = None
            parent.save(update_fields=["login_code", "credentials_sent_at"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_add_credentials_requested_at")]

    operations = [
        migrations.RunPython(give_duplicate_codes_new_ones, migrations.RunPython.noop),
    ]
