"""Every write to a registry record: validated by the resource's form, checked
against the actor's scope, atomic, with its audit row."""
from django.db import transaction

from .audit import audit_write
from .errors import ServiceError, form_error_details
from .records import audit_snapshot, merge_for_update, normalise_input
from .resources import Resource
from .scope import LEVEL_DIGITS

OUT_OF_SCOPE = "超出您的数据权限范围"


def _check_scope(resource: Resource, *, actor, obj, index=None):
    scope = actor.scope
    problems = []
    region = resource.region_code_of(obj)
    if resource.region_field is None:
        # Shared reference data (the waste-category tree) is kept by the city level only.
        if scope.nothing or len(scope.region_prefix) > LEVEL_DIGITS["city"] or scope.organisation_id is not None:
            problems.append({"field": "", "reason": f"{OUT_OF_SCOPE}（{resource.label}由市级统一维护）"})
    elif scope.nothing or not region.startswith(scope.region_prefix):
        field = (resource.region_field or "").removesuffix("_id")
        problems.append({"field": field, "reason": f"{OUT_OF_SCOPE}（区划 {region or '空'}）"})
    if scope.organisation_id is not None and resource.region_field is not None:
        org_field = resource.organisation_field
        if not org_field or resource.organisation_of(obj) != scope.organisation_id:
            field = (org_field or "").split("__")[0].removesuffix("_id")
            problems.append({"field": field, "reason": f"{OUT_OF_SCOPE}（只能维护本单位的记录）"})
    if index is not None:
        for p in problems:
            p["index"] = index
    return problems


def _validated(resource: Resource, *, actor, data, instance=None, index=None):
    form = resource.form_class(data=data, instance=instance)
    if not form.is_valid():
        return form, form_error_details(form, index)
    obj = form.save(commit=False)
    problems = []
    if resource.clean_hook:
        for field, reason in (resource.clean_hook(form.cleaned_data, obj, actor) or {}).items():
            problems.append({"field": field, "reason": reason, **({"index": index} if index is not None else {})})
    problems += _check_scope(resource, actor=actor, obj=obj, index=index)
    return form, problems


def record_create(*, actor, resource: Resource, data: dict, source: str):
    form, problems = _validated(resource, actor=actor, data=normalise_input(resource, data))
    if problems:
        raise ServiceError(f"{resource.label}信息有误，未保存", details=problems)
    with transaction.atomic():
        obj = form.save()
        audit_write(
            actor=actor, source=source, action="create", obj=obj,
            region_code=resource.region_code_of(obj), after=audit_snapshot(resource, obj),
        )
    return obj


def record_update(*, actor, resource: Resource, instance, data: dict, source: str):
    before = audit_snapshot(resource, instance)
    merged = merge_for_update(resource, instance, normalise_input(resource, data, instance=instance))
    form, problems = _validated(resource, actor=actor, data=merged, instance=instance)
    if problems:
        raise ServiceError(f"{resource.label}信息有误，未保存", details=problems)
    with transaction.atomic():
        obj = form.save()
        after = audit_snapshot(resource, obj)
        if after != before:
            audit_write(
                actor=actor, source=source, action="update", obj=obj,
                region_code=resource.region_code_of(obj), before=before, after=after,
            )
    return obj


def record_set_active(*, actor, resource: Resource, instance, active: bool, source: str):
    if instance.is_active == active:
        return instance
    problems = _check_scope(resource, actor=actor, obj=instance)
    if problems:
        raise ServiceError(OUT_OF_SCOPE, code="out_of_scope", details=problems)
    before = audit_snapshot(resource, instance)
    with transaction.atomic():
        instance.is_active = active
        instance.save(update_fields=["is_active"] + (["updated_at"] if hasattr(instance, "updated_at") else []))
        audit_write(
            actor=actor, source=source, action="enable" if active else "disable", obj=instance,
            region_code=resource.region_code_of(instance), before=before, after=audit_snapshot(resource, instance),
        )
    return instance
