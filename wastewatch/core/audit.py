from django.contrib.contenttypes.models import ContentType

from .models import AuditRecord


def _prepare(*, actor, source, action, obj, region_code="", before=None, after=None):
    return AuditRecord(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "username", "") or "system",
        source=source,
        action=action,
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_pk=str(obj.pk),
        object_repr=str(obj)[:200],
        region_code=region_code or "",
        before=before,
        after=after,
    )


def audit_write(**kwargs):
    record = _prepare(**kwargs)
    record.save()
    return record


# Bulk paths (imports, the demo loader) build the rows first and insert them together.
audit_write.prepare = _prepare


def audit_history(obj):
    return AuditRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(obj.__class__), object_pk=str(obj.pk)
    ).select_related("actor")
