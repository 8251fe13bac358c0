"""API tokens expire: those issued before get the configured lifetime from their creation."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def existing_tokens_expire(apps, schema_editor):
    ApiToken = apps.get_model("organizations", "ApiToken")
    days = dt.timedelta(days=settings.MEDTEK["TOKEN_DAYS"])
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=F("created_at") + days)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0002_organisation_graph_version")]

    operations = [
        migrations.AddField(model_name="apitoken", name="expires_at", field=models.DateTimeField(null=True)),
        migrations.RunPython(existing_tokens_expire, migrations.RunPython.noop),
        migrations.AlterField(model_name="apitoken", name="expires_at", field=models.DateTimeField()),
    ]
