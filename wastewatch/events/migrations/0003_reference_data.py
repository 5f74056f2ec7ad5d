from django.db import migrations


def load(apps, schema_editor):
    from wastewatch.events.reference import reference_load

    reference_load(apps.get_model("events", "DispatchRule"), apps.get_model("events", "Checklist"), apps.get_model("events", "EmergencyPlan"))


class Migration(migrations.Migration):
    dependencies = [("events", "0002_checklist_dispatchrule_emergencyplan_evidence_and_more")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
