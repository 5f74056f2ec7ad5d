"""Where pushed records land. Registry interfaces update the registry through its
services, a record at a time (so every change has its audit row, by the county
system's client, and the registry may refuse a record). The others are handed,
a batch at a time, to the app that owns their store (spec.lands_in "ledger:…",
"tracking:…", "events:…"), which registers a lander in its AppConfig.ready().
Every record is also kept, latest state per business key, in InterfaceRecord:
it is what references and the provincial relay read."""
from dataclasses import dataclass
from typing import Callable

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


@dataclass(frozen=True)
class Landed:
    """One accepted record of a batch, as the owning app receives it: data already validated and in WGS-84."""

    key: str  # the business key
    uid: str
    region_code: str  # the record's orgCode
    data: dict
    deleted: bool


# store → {target → lander(client, spec, batch, records: list[Landed])}; a lander runs in the batch's transaction
# and must not refuse records (what it doubts, it flags); it may raise only for a fault of its own.
LANDERS: dict[str, dict[str, Callable]] = {}


def register_lander(lands_in: str, lander: Callable) -> None:
    store, _, target = lands_in.partition(":")
    LANDERS.setdefault(store, {})[target] = lander


def land_batch(*, client, spec, batch, records: list[Landed]) -> None:
    store, _, target = spec.lands_in.partition(":")
    lander = LANDERS.get(store, {}).get(target)
    if lander is not None and records:
        lander(client=client, spec=spec, batch=batch, records=records)
