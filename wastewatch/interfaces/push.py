"""Receiving a batch of one interface: archive it raw, then apply every record on its own.

A batch is archived (committed) before anything else happens, then applied in
one transaction (a savepoint per record only where the registry may refuse it),
and only then answered: a client that got an answer has its records stored; one
that did not retries, and the retry of a body already applied changes nothing.
"""
import json

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from pydantic import ValidationError

from wastewatch.core.crypto import sm3_hex
from wastewatch.core.errors import ServiceError
from wastewatch.core.geo import county_contains, to_wgs84
from wastewatch.core.pydantic_zh import translate_errors

from . import landing, personal
from .models import ApiClient, FlowDay, InterfaceRecord, PushBatch, RelayMessage
from .relay import relay_message

MAX_RECORDS = 1000
RESULT_LABELS = {"accepted": "新增", "updated": "更新", "deleted": "删除", "unchanged": "无变化", "rejected": "拒收"}
# Record-level refusals, explained in the integration guide (catalogue/docs.py RECORD_ERRORS).
RECORD_CODES = ("invalid_record", "out_of_county", "reference_missing", "key_conflict", "record_not_found")
COORD_SYSTEMS = {"WGS84": "wgs84", "GCJ02": "gcj02", "BD09": "bd09"}


def _records_of(body: bytes):
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ServiceError(f"请求体不是合法的 UTF-8 JSON：{exc}", code="invalid_body") from exc
    records = payload.get("records") if isinstance(payload, dict) else None
    if not isinstance(records, list) or not records:
        raise ServiceError("请求体应为 {\"records\": [...]}，且至少有一条记录", code="invalid_body",
                           details=[{"field": "records", "reason": "缺少或为空"}])
    if len(records) > MAX_RECORDS:
        raise ServiceError(f"一批最多 {MAX_RECORDS} 条记录，本批 {len(records)} 条", code="too_many_records",
                           details=[{"field": "records", "reason": f"超过 {MAX_RECORDS} 条"}], status=413)
    return records


def business_key(spec, data) -> str:
    return "|".join(str(data.get(k, "")) for k in spec.business_key)


def _normalise(data: dict) -> dict:
    """Coordinates to WGS-84 (rule 9); the declared system is dropped once converted."""
    system = data.pop("coordSystem", None) or "WGS84"
    if data.get("lon") not in (None, "") and data.get("lat") not in (None, ""):
        lon, lat = to_wgs84(float(data["lon"]), float(data["lat"]), COORD_SYSTEMS.get(str(system), "wgs84"))
        data["lon"], data["lat"] = round(lon, 6), round(lat, 6)
    return data


def _located_in_county(client, data) -> bool:
    """A registered place (estate, site, device) must lie in the pushing county; vehicles' fixes may leave it."""
    if data.get("lon") in (None, "") or data.get("lat") in (None, ""):
        return True
    return county_contains(client.region_id[:6], float(data["lon"]), float(data["lat"]))


def _unstorable(text: str) -> bool:
    """JSON allows what no database column holds: NUL (PostgreSQL) and unpaired surrogates (UTF-8)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _shown(text: str) -> str:
    """A string as it can be stored and answered: escaped as in JSON where it could not be."""
    return json.dumps(text)[1:-1] if _unstorable(text) else text


def _unstorable_fields(raw: dict) -> list[str]:
    def bad(value):
        if isinstance(value, str):
            return _unstorable(value)
        if isinstance(value, dict):
            return any(bad(k) or bad(v) for k, v in value.items())
        if isinstance(value, list):
            return any(bad(v) for v in value)
        return False

    return [_shown(k) for k, v in raw.items() if bad(k) or bad(v)]


def _reject(index, uid, errors, code="invalid_record"):
    """A refused record; `code` is one of the record-level codes of the integration guide (docs.RECORD_ERRORS)."""
    return {"index": index, "uid": uid, "status": "rejected", "code": code, "errors": errors}


def _validated(spec, raw):
    """The record's data, or the errors. A delete needs only orgCode and the business key, not the whole record."""
    if raw.get("operation") != "D":
        try:
            record = spec.record.model_validate(raw)
        except ValidationError as exc:
            return None, translate_errors(exc.errors())
        return _normalise(record.model_dump(mode="json", exclude={"uid", "operation"}, exclude_none=True)), []
    needed = ("orgCode", *spec.business_key)
    errors = [{"field": f, "reason": "删除（operation=D）时须填写"} for f in needed if raw.get(f) in (None, "")]
    return {f: str(raw.get(f)) for f in needed}, errors


class _BatchWrites:
    """What one batch reads and writes in the record store, gathered so that a batch of 1,000 costs a few
    queries rather than thousands: stored records and referenced keys are read up front, the record store
    and the relay outbox are written at the end, in the batch's transaction. Only the registry landing
    runs per record, in its own savepoint, since it may refuse a record the catalogue accepted."""

    def __init__(self, *, spec, batch, records):
        self.spec, self.batch = spec, batch
        dicts = [r for r in records if isinstance(r, dict)]
        # Keys no column can hold belong to records that will be refused; a query must not carry them.
        keys = {k for k in (business_key(spec, r) for r in dicts) if not _unstorable(k)}
        self.stored = {r.key: r for r in InterfaceRecord.objects.filter(interface=spec.code, key__in=keys)}
        self.referenced = {
            ref.spec_code: set(InterfaceRecord.objects.filter(
                interface=ref.spec_code, is_deleted=False,
                key__in={v for v in (str(r[ref.field]) for r in dicts if r.get(ref.field)) if not _unstorable(v)},
            ).values_list("key", flat=True))
            for ref in spec.references
        }
        self.changed, self.messages, self.landed = {}, [], []

    def reference_exists(self, ref, value) -> bool:
        return str(value) in self.referenced[ref.spec_code]

    def store(self, *, key, uid, org, data, deleted):
        stored = self.stored.get(key)
        existed = stored is not None and not stored.is_deleted
        if stored is None:
            stored = self.stored[key] = InterfaceRecord(interface=self.spec.code, key=key, region_code=org)
        stored.uid, stored.batch, stored.is_deleted = uid, self.batch, deleted
        if not deleted:
            stored.data = personal.seal(self.spec, data)
        self.changed[key] = stored
        if not landing.lands_in_registry(self.spec):
            self.landed.append(landing.Landed(key=key, uid=uid, region_code=org, data=data, deleted=deleted))
        message = relay_message(spec=self.spec, batch=self.batch, key=key, uid=uid, data=data, deleted=deleted, existed=existed)
        if message is not None:
            self.messages.append(message)

    def flush(self, client):
        landing.land_batch(client=client, spec=self.spec, batch=self.batch, records=self.landed)
        now = timezone.now()
        new = [r for r in self.changed.values() if r.pk is None]
        old = [r for r in self.changed.values() if r.pk is not None]
        for r in self.changed.values():
            r.updated_at = now
        InterfaceRecord.objects.bulk_create(new, batch_size=500)
        InterfaceRecord.objects.bulk_update(old, ["uid", "batch", "is_deleted", "data", "updated_at"], batch_size=500)
        RelayMessage.objects.bulk_create(self.messages, batch_size=500)


def _apply_record(*, client, spec, writes, index, raw):
    uid = _shown(str(raw.get("uid", ""))) if isinstance(raw, dict) else ""
    if not isinstance(raw, dict):
        return _reject(index, uid, [{"field": "", "reason": "每条记录应为 JSON 对象"}])
    unstorable = _unstorable_fields(raw)
    if unstorable:
        return _reject(index, uid, [{"field": f, "reason": "含有不允许的字符（\\u0000 或不成对的 UTF-16 代理字符）"} for f in unstorable])
    data, errors = _validated(spec, raw)
    if errors:
        return _reject(index, uid, errors)
    operation = raw["operation"]
    org = data.get("orgCode", "")
    if not client.scope.covers_region(org):
        return _reject(index, uid, [{"field": "orgCode", "reason": f"只能推送本县（{client.region_id[:6]}）的记录，orgCode {org} 不属于本县"}],
                       "out_of_county")
    if spec.lands_in.startswith("registry:") and not _located_in_county(client, data):
        return _reject(index, uid, [{"field": "lon", "reason": f"坐标（{data['lon']}, {data['lat']}）不在本县范围内：请核对经纬度是否颠倒、coordSystem 是否与坐标一致"}])
    missing = [
        {"field": ref.field, "reason": f"引用的{ref.spec_code}记录“{data[ref.field]}”尚未推送或已删除"}
        for ref in spec.references
        if data.get(ref.field) and ref.applies(data) and not writes.reference_exists(ref, data[ref.field])
    ]
    if missing:
        return {**_reject(index, uid, missing, "reference_missing"), "reference_failure": True}
    key = business_key(spec, data)
    stored = writes.stored.get(key)
    if stored is not None and not client.scope.covers_region(stored.region_code):
        return _reject(index, uid, [{"field": spec.business_key[0], "reason": "该编码已被其他县的记录使用"}], "key_conflict")
    if operation == "D":
        if stored is None or stored.is_deleted:
            return _reject(index, uid, [{"field": "operation", "reason": "要删除的记录不存在"}], "record_not_found")
        data = {**personal.unseal(spec, stored.data), **data}  # the province is told which record went, in full
        status = "deleted"
    elif stored is None or stored.is_deleted:
        status = "accepted"
    elif personal.unseal(spec, stored.data) == data:
        return {"index": index, "uid": uid, "status": "unchanged", "errors": [], "complete": _complete(spec, data)}
    else:
        status = "updated"
    if landing.lands_in_registry(spec):
        try:
            with transaction.atomic():
                landing.land(client=client, spec=spec, data=data, deleted=operation == "D")
        except ServiceError as exc:
            errors = [{"field": d.get("field", ""), "reason": d["reason"]} for d in exc.details] or [{"field": "", "reason": exc.message}]
            return _reject(index, uid, errors, exc.code if exc.code in RECORD_CODES else "invalid_record")
    writes.store(key=key, uid=uid, org=org, data=data, deleted=operation == "D")
    return {"index": index, "uid": uid, "status": status, "errors": [], "complete": _complete(spec, data)}


def _complete(spec, data) -> bool:
    """Every field the interface defines is filled (the completeness score counts these)."""
    fields = [f for f in spec.record.model_fields if f not in ("uid", "operation", "coordSystem")]
    return all(data.get(f) not in (None, "") for f in fields)


def _count(batch, results, counts, when):
    """Add the batch to its county's FlowDay counters, in the batch's transaction."""
    day = timezone.localtime(when).date()
    row, _ = FlowDay.objects.get_or_create(region_code=batch.region_code, interface=batch.interface, day=day)
    FlowDay.objects.filter(pk=row.pk).update(
        batches=F("batches") + 1, records=F("records") + len(results),
        **{status: F(status) + n for status, n in counts.items()},
        reference_failures=F("reference_failures") + sum(1 for r in results if r.pop("reference_failure", False)),
        complete=F("complete") + sum(1 for r in results if r.pop("complete", False)),
        last_record_at=when,
    )


def push_apply(*, batch: PushBatch, spec, client) -> PushBatch:
    records = _records_of(batch.body.encode("utf-8"))
    with transaction.atomic():
        writes = _BatchWrites(spec=spec, batch=batch, records=records)
        results = [_apply_record(client=client, spec=spec, writes=writes, index=i, raw=raw) for i, raw in enumerate(records)]
        writes.flush(client)
        counts = {s: sum(1 for r in results if r["status"] == s) for s in RESULT_LABELS}
        for field, value in counts.items():
            setattr(batch, field, value)
        batch.record_count = len(records)
        if batch.replay_of_id is None:  # a replay by the city is not the county's data flow
            _count(batch, results, counts, batch.received_at)
        else:
            for r in results:
                r.pop("reference_failure", None), r.pop("complete", None)
        batch.results = results
        batch.status = PushBatch.Status.APPLIED
        batch.save()
        ApiClient.objects.filter(pk=client.pk).update(last_push_at=timezone.now())
    return batch


def push_receive(*, client, spec, body: bytes, received_at=None) -> PushBatch:
    """Archive the raw batch, then apply it; a body already applied for this client and interface is answered from the archive.

    received_at is now, except for the simulator's replay of past days (simulate --history)."""
    records = _records_of(body)
    digest = sm3_hex(body)
    batch = PushBatch.objects.filter(client=client, interface=spec.code, digest=digest, replay_of=None).order_by("id").first()
    if batch is not None and batch.status == PushBatch.Status.APPLIED:
        return batch
    if batch is None:
        batch = PushBatch.objects.create(
            client=client, interface=spec.code, region_code=client.region_id, body=body.decode("utf-8"), digest=digest,
            keys=_search_keys(spec, records), received_at=received_at or timezone.now(),
        )
    return push_apply(batch=batch, spec=spec, client=client)


def _search_keys(spec, records) -> str:
    """What the archive is searched by, since the body itself is encrypted: uids and business keys."""
    values = {_shown(str(r.get(f))) for r in records if isinstance(r, dict) for f in ("uid", *spec.business_key) if r.get(f) not in (None, "")}
    return " ".join(sorted(values))


def push_replay(*, actor, batch: PushBatch, spec) -> PushBatch:
    """Apply an archived batch again, as a new batch linked to the original."""
    copy = PushBatch.objects.create(
        client=batch.client, interface=batch.interface, region_code=batch.region_code, body=batch.body,
        digest=batch.digest, keys=batch.keys, replay_of=batch,
    )
    return push_apply(batch=copy, spec=spec, client=batch.client)


def batch_answer(batch: PushBatch) -> dict:
    return {
        "batchId": str(batch.pk), "accepted": batch.accepted, "updated": batch.updated, "deleted": batch.deleted,
        "unchanged": batch.unchanged, "rejected": batch.rejected, "results": batch.results,
    }
