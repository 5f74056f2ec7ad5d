from django.db import migrations


def load_defaults(apps, schema_editor):
    from wastewatch.reports import defaults

    defaults.load(apps)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
