from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from .models import AuditRecord


def _prepare(*, actor, source, action, obj, region_code="", before=None, after=None):
    # The actor may be a user or a machine (a county system's ApiClient); only users are linked.
    is_user = actor is not None and actor._meta.label == settings.AUTH_USER_MODEL
    return AuditRecord(
        actor=actor if is_user else None,
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
