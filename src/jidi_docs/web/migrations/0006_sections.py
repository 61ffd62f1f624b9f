from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="section_versions",
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name="storedfile",
            name="removed",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
