from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_give_duplicate_login_codes_new_ones")]

    operations = [
        migrations.RemoveConstraint(
            model_name="user",
            name="unique_login_code_per_organisation",
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(("login_code", ""), _negated=True),
                fields=("login_code",),
                name="unique_login_code",
            ),
        ),
    ]
