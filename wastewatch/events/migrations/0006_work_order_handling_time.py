from django.db import migrations, models
from django.db.models import F


def backfill_handling_time(apps, schema_editor):
    """Orders reported before the field existed: one UPDATE the ORM writes for either backend (SQLite: its
    timestamp-difference function in microseconds; PostgreSQL: an interval)."""
    WorkOrder = apps.get_model("events", "WorkOrder")
    WorkOrder.objects.using(schema_editor.connection.alias).filter(reported_at__isnull=False, dispatched_at__isnull=False).update(
        handling_time=F("reported_at") - F("dispatched_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0005_public_report'),
        ('registry', '0003_disposalpermit_declaration'),
    ]

    operations = [
        migrations.AddField(
            model_name='workorder',
            name='handling_time',
            field=models.DurationField(blank=True, editable=False, help_text='派单至回单；回单时写入，退回时清空', null=True, verbose_name='办理用时'),
        ),
        migrations.RunPython(backfill_handling_time, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name='workorder',
            index=models.Index(fields=['dispatched_at', 'region_code', 'is_drill', 'unit', 'kind', 'status', 'on_time', 'reopen_count', 'escalation_level', 'handling_time'], name='events_wo_stats_idx'),
        ),
    ]
