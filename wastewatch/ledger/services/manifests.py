"""Transfer manifests (联单) for hazardous, industrial, medical and construction waste.

Life cycle: draft → scheduled (the generator signs) → in_transit (the hauler signs at pickup, with its weight) →
received (the receiver weighs in; it may reject part or all) → signed (the receiver closes it). Each step is
signed by a user of that party's organisation holding ledger.sign. A delivery that differs from what was shipped
raises manifest_discrepancy. A correction keeps the manifest's history: the before and after of every change."""
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from wastewatch.core.audit import audit_write
from wastewatch.core.errors import ServiceError
from wastewatch.events.choices import AlertKind, AlertSource
from wastewatch.registry.models import WasteCategory

from ..choices import Source, Stage
from ..models import Manifest, ManifestEvent, Movement
from ..models.manifests import ManifestStatus as S
from ..routes import routes_relink
from .movements import movement_record

# Streams that travel under a manifest: hazardous (HW codes), industrial, construction, medical waste.
MANIFEST_GROUPS = ("1000", "1100", "1200", "1400")
DISCREPANCY_T = Decimal("0.05")
DISCREPANCY_RATIO = Decimal("0.02")
CORRECTABLE = ("shipped_t", "hauled_t", "received_t", "rejected_t", "category", "waste_name", "planned_on")


def _tonnes(value, field, label, *, required=True):
    if value in (None, ""):
        if required:
            raise ServiceError(f"{label}不能为空", details=[{"field": field, "reason": f"{label}不能为空"}])
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError):
        raise ServiceError(f"{label}格式有误", details=[{"field": field, "reason": f"{label}应为数字（吨），收到“{value}”"}])
    if number < 0 or number > 1000:
        raise ServiceError(f"{label}超出范围", details=[{"field": field, "reason": f"{label}应在 0–1000 吨之间，收到 {value}"}])
    return number


def _snapshot(m: Manifest) -> dict:
    return {"status": m.status, "category": m.category_id, "waste_name": m.waste_name, "shipped_t": _s(m.shipped_t),
            "hauled_t": _s(m.hauled_t), "received_t": _s(m.received_t), "rejected_t": _s(m.rejected_t),
            "discrepancy": m.discrepancy, "version": m.version,
            "planned_on": m.planned_on.isoformat() if m.planned_on else None}


def _s(value):
    return None if value is None else str(value)


def _party_org(m: Manifest, party: str):
    return {"generator": m.generator_org_id or m.generator.operator_id, "hauler": m.hauler_id,
            "receiver": m.receiver.operator_id}[party]


PARTY_LABEL = {"generator": "产生单位", "hauler": "运输单位", "receiver": "接收单位"}


def _require_party(actor, m: Manifest, party: str):
    """Only a user of the party's own organisation, holding ledger.sign, signs for it."""
    if not actor.can("ledger.sign"):
        raise ServiceError("您没有签署联单的权限", code="forbidden", status=403)
    if actor.organisation_id is None or actor.organisation_id != _party_org(m, party):
        raise ServiceError(f"只能由{PARTY_LABEL[party]}的人员签署", code="forbidden", status=403,
                           details=[{"field": "party", "reason": f"本环节须由{PARTY_LABEL[party]}（{_party_name(m, party)}）的账号签署"}])


def _party_name(m, party):
    return {"generator": m.generator.name, "hauler": m.hauler.name, "receiver": m.receiver.name}[party]


def _require_status(m: Manifest, *allowed):
    if m.status not in allowed:
        labels = "、".join(S(s).label for s in allowed)
        raise ServiceError(f"联单当前状态为“{m.get_status_display()}”，不能执行此操作", code="conflict", status=409,
                           details=[{"field": "status", "reason": f"此操作要求联单状态为：{labels}"}])


def _event(m, *, actor, action, party="", weight_t=None, note="", before=None, at=None):
    event = ManifestEvent.objects.create(
        manifest=m, action=action, party=party, actor=actor if getattr(actor, "pk", None) and hasattr(actor, "can") else None,
        actor_label=getattr(actor, "username", "") or "system", organisation_id=getattr(actor, "organisation_id", None),
        at=at or timezone.now(), weight_t=weight_t, note=note[:200], before=before, after=_snapshot(m),
    )
    audit_write(actor=actor, source="page", action="create" if action == "create" else "update", obj=m,
                region_code=m.region_code, before=before, after={"action": action, **_snapshot(m)})
    return event


def manifest_create(*, actor, category, generator, hauler, receiver, shipped_t, planned_on=None, vehicle=None,
                    waste_name="", number="") -> Manifest:
    problems = []
    cat = category if isinstance(category, WasteCategory) else WasteCategory.objects.filter(code=str(category or "")).first()
    if cat is None:
        problems.append({"field": "category", "reason": f"废物类别“{category}”不存在"})
    elif (cat.parent_id or cat.code) not in MANIFEST_GROUPS and cat.code not in MANIFEST_GROUPS:
        problems.append({"field": "category", "reason": "联单适用于危险废物（HW 代码）、一般工业固废、建筑垃圾和医疗废物"})
    if generator is None:
        problems.append({"field": "generator", "reason": "产生单位不能为空"})
    if hauler is None:
        problems.append({"field": "hauler", "reason": "运输单位不能为空"})
    if receiver is None:
        problems.append({"field": "receiver", "reason": "接收单位不能为空"})
    if problems:
        raise ServiceError("联单信息有误，未保存", details=problems)
    shipped = _tonnes(shipped_t, "shipped_t", "发运重量")
    scope = actor.scope
    own = scope.organisation_id is not None and scope.organisation_id in (generator.operator_id,)
    if not own and not (scope.organisation_id is None and scope.covers_region(generator.region_id)):
        raise ServiceError("超出您的数据权限范围", code="forbidden", status=403,
                           details=[{"field": "generator", "reason": "只能为本单位或本辖区的产生单位开具联单"}])
    with transaction.atomic():
        today = timezone.localdate()
        prefix = f"LD{today:%Y%m%d}{generator.region_id[:6]}"
        serial = Manifest.objects.filter(number__startswith=prefix).count() + 1
        m = Manifest.objects.create(
            number=number or f"{prefix}{serial:04d}", category=cat, waste_name=waste_name[:100], generator=generator,
            generator_org_id=generator.operator_id, hauler=hauler, vehicle=vehicle, receiver=receiver,
            region_code=generator.region_id, receiver_region_code=receiver.region_id, shipped_t=shipped, planned_on=planned_on,
        )
        _event(m, actor=actor, action="create", party="generator", weight_t=shipped, note="开具联单")
    return m


def manifest_schedule(*, actor, manifest: Manifest) -> Manifest:
    _require_status(manifest, S.DRAFT)
    _require_party(actor, manifest, "generator")
    before = _snapshot(manifest)
    with transaction.atomic():
        manifest.status = S.SCHEDULED
        manifest.save(update_fields=["status", "updated_at"])
        _event(manifest, actor=actor, action="schedule", party="generator", weight_t=manifest.shipped_t, note="产生单位确认发运",
               before=before)
    return manifest


def manifest_pickup(*, actor, manifest: Manifest, hauled_t, vehicle=None, at: datetime | None = None) -> Manifest:
    _require_status(manifest, S.SCHEDULED)
    _require_party(actor, manifest, "hauler")
    hauled = _tonnes(hauled_t, "hauled_t", "承运确认重量")
    before = _snapshot(manifest)
    with transaction.atomic():
        manifest.status, manifest.hauled_t = S.IN_TRANSIT, hauled
        manifest.shipped_at = at or timezone.now()
        manifest.vehicle = vehicle or manifest.vehicle
        manifest.save(update_fields=["status", "hauled_t", "shipped_at", "vehicle", "updated_at"])
        _event(manifest, actor=actor, action="pickup", party="hauler", weight_t=hauled, note="运输单位签收起运", before=before,
               at=manifest.shipped_at)
    return manifest


def manifest_receive(*, actor, manifest: Manifest, received_t, rejected_t=None, rejection_reason="",
                     at: datetime | None = None) -> Manifest:
    """The receiver weighs the load in; what it refuses is rejected_t (all of it: a full rejection)."""
    _require_status(manifest, S.IN_TRANSIT)
    _require_party(actor, manifest, "receiver")
    received = _tonnes(received_t, "received_t", "接收过磅重量")
    rejected = _tonnes(rejected_t, "rejected_t", "拒收重量", required=False) or Decimal("0")
    if rejected > received:
        raise ServiceError("拒收重量有误", details=[{"field": "rejected_t", "reason": "拒收重量不能大于接收过磅重量"}])
    if rejected and not rejection_reason.strip():
        raise ServiceError("请填写拒收原因", details=[{"field": "rejection_reason", "reason": "部分或全部拒收时须填写原因"}])
    before = _snapshot(manifest)
    with transaction.atomic():
        manifest.received_t, manifest.rejected_t = received, rejected or None
        manifest.rejection_reason = rejection_reason[:200]
        manifest.received_at = at or timezone.now()
        manifest.status = S.REJECTED if rejected and rejected == received else S.RECEIVED
        manifest.save()
        note = "接收单位过磅接收" + (f"，拒收 {rejected} 吨：{rejection_reason}" if rejected else "")
        _event(manifest, actor=actor, action="reject" if manifest.status == S.REJECTED else "receive", party="receiver",
               weight_t=received, note=note, before=before, at=manifest.received_at)
        _book(actor, manifest)
        _judge(actor, manifest)
    return manifest


def manifest_sign(*, actor, manifest: Manifest) -> Manifest:
    _require_status(manifest, S.RECEIVED)
    _require_party(actor, manifest, "receiver")
    before = _snapshot(manifest)
    with transaction.atomic():
        manifest.status, manifest.signed_at = S.SIGNED, timezone.now()
        manifest.save(update_fields=["status", "signed_at", "updated_at"])
        _event(manifest, actor=actor, action="sign", party="receiver", weight_t=manifest.received_t, note="接收单位签收办结",
               before=before)
    return manifest


def manifest_correct(*, actor, manifest: Manifest, changes: dict, reason: str) -> Manifest:
    """Correct a manifest's figures (an office or the generator); the old values stay in its history."""
    if not reason.strip():
        raise ServiceError("请填写更正原因", details=[{"field": "reason", "reason": "更正联单须说明原因"}])
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ServiceError("不可更正的字段", details=[{"field": f, "reason": "该字段不可更正"} for f in sorted(unknown)])
    scope = actor.scope
    allowed = actor.can("ledger.add") and (
        (scope.organisation_id is not None and scope.organisation_id == _party_org(manifest, "generator"))
        or (scope.organisation_id is None and scope.covers_region(manifest.region_code)))
    if not allowed:
        raise ServiceError("只能由产生单位或辖区管理部门更正联单", code="forbidden", status=403)
    _require_status(manifest, S.DRAFT, S.SCHEDULED, S.IN_TRANSIT, S.RECEIVED, S.SIGNED, S.REJECTED)
    before = _snapshot(manifest)
    with transaction.atomic():
        for field, value in changes.items():
            if field.endswith("_t"):
                value = _tonnes(value, field, manifest._meta.get_field(field).verbose_name, required=field == "shipped_t")
            elif field == "category":
                value = WasteCategory.objects.filter(code=str(value)).first()
                if value is None:
                    raise ServiceError("废物类别不存在", details=[{"field": "category", "reason": f"废物类别“{changes[field]}”不存在"}])
            setattr(manifest, field, value)
        manifest.version += 1
        manifest.save()
        _event(manifest, actor=actor, action="correct", party="office" if scope.organisation_id is None else "generator",
               note=f"更正：{reason}", before=before)
        if manifest.received_t is not None:
            _book(actor, manifest)
            _judge(actor, manifest)
    return manifest


def manifest_cancel(*, actor, manifest: Manifest, reason: str) -> Manifest:
    _require_status(manifest, S.DRAFT, S.SCHEDULED)
    _require_party(actor, manifest, "generator")
    before = _snapshot(manifest)
    with transaction.atomic():
        manifest.status = S.CANCELLED
        manifest.save(update_fields=["status", "updated_at"])
        _event(manifest, actor=actor, action="cancel", party="generator", note=f"作废：{reason}"[:200], before=before)
    return manifest


def _book(actor, m: Manifest):
    """What the receiver accepted is one ledger movement, generator → receiver, linked to the manifest."""
    accepted = (m.received_t or Decimal("0")) - (m.rejected_t or Decimal("0"))
    if accepted <= 0:
        booked = list(Movement.objects.filter(source_interface="manifest", source_key=m.number))
        Movement.objects.filter(pk__in=[b.pk for b in booked]).delete()
        routes_relink(Movement, [(b.vehicle_id, b.occurred_at) for b in booked])
        return None
    movement = movement_record(
        actor=actor, stage=Stage.GENERATOR_OUT, occurred_at=m.received_at or timezone.now(), category=m.category,
        net_t=accepted, source=Source.MANIFEST, from_site=m.generator, from_org=m.generator.operator, to_site=m.receiver,
        to_org=m.receiver.operator, vehicle=m.vehicle, origin_code=m.region_code, source_interface="manifest",
        source_key=m.number, note=f"联单 {m.number}", check_scope=False,
    )
    if movement.manifest_id != m.pk:
        movement.manifest = m
        movement.save(update_fields=["manifest"])
    return movement


def _judge(actor, m: Manifest):
    """A delivery weighed differently from what was shipped (or hauled) is a discrepancy: an alert for the office."""
    from wastewatch.events.services import alert_raise

    shipped, received = m.shipped_t, m.received_t or Decimal("0")
    tolerance = max(DISCREPANCY_T, shipped * DISCREPANCY_RATIO)
    differs = abs(received - shipped) > tolerance or (m.hauled_t is not None and abs(received - m.hauled_t) > tolerance)
    if differs != m.discrepancy:
        m.discrepancy = differs
        m.save(update_fields=["discrepancy", "updated_at"])
    if differs:
        short = shipped - received
        what = f"短少 {short} 吨" if short > 0 else f"多出 {-short} 吨"
        alert_raise(actor=actor, kind=AlertKind.MANIFEST_DISCREPANCY, source=AlertSource.LEDGER, at=m.received_at or timezone.now(),
                    site=m.receiver, region_code=m.region_code,
                    title=f"联单 {m.number} 数量不符：发运 {shipped} 吨，接收 {received} 吨（{what}）",
                    message=f"{m.generator.name} → {m.hauler.name} → {m.receiver.name}，{m.category}",
                    evidence={"manifest": m.number, "shipped_t": str(shipped), "hauled_t": _s(m.hauled_t),
                              "received_t": str(received), "version": m.version},
                    source_ref=f"manifest:{m.number}:v{m.version}")
