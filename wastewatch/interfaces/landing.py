"""Where pushed records land. Registry interfaces update the registry through its
services (so every change has its audit row, by the county system's client);
the others are kept in InterfaceRecord until the ledger, tracking and events
apps take them over."""
from wastewatch.core import services
from wastewatch.core.errors import ServiceError
from wastewatch.core.resources import get as get_resource

from .mappers import MAPPERS


def lands_in_registry(spec) -> bool:
    return spec.code in MAPPERS


def land(*, client, spec, data, deleted):
    mapper = MAPPERS.get(spec.code)
    if mapper is None:
        return None
    resource = get_resource(mapper.resource)
    values = mapper.to_registry(data)
    key_field = mapper.source_field(resource.natural_key)
    instance = resource.model.objects.filter(**{resource.natural_key: values[resource.natural_key]}).first()
    if instance is not None and not client.scope.covers_region(resource.region_code_of(instance)):
        raise ServiceError("记录属于其他县", code="key_conflict", details=[{"field": key_field, "reason": "该编码已被其他县的记录使用"}])
    try:
        return _write(client, resource, instance, values, deleted)
    except ServiceError as exc:
        # The registry names its own fields; the vendor knows the interface's.
        exc.details = [{**d, "field": mapper.source_field(d.get("field", "")) if d.get("field") else ""} for d in exc.details]
        raise


def _write(client, resource, instance, values, deleted):
    if deleted:
        return instance and services.record_set_active(actor=client, resource=resource, instance=instance, active=False, source="interface")
    if instance is None:
        return services.record_create(actor=client, resource=resource, data=values, source="interface")
    obj = services.record_update(actor=client, resource=resource, instance=instance, data=values, source="interface")
    if not obj.is_active:
        services.record_set_active(actor=client, resource=resource, instance=obj, active=True, source="interface")
    return obj
