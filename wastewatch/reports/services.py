"""Every write of the reports app (DESIGN rule 1): keyword-only, with an actor, atomic, audited."""
from decimal import Decimal, InvalidOperation

from django.db import transaction

from wastewatch.core.audit import audit_write
from wastewatch.core.errors import ServiceError

from .models import Factor, IndexNode, ListEntry, ListKind, ListPublication, ReportFile, RubricItem
from .rankings import assess, estates_in
from .selectors import window

CITY_CODE = "331000000000"


def _require(actor, action="reports.manage"):
    if not actor.can(action):
        from wastewatch.accounts.permissions import ACTIONS

        raise ServiceError(f"您没有“{ACTIONS[action]}”的权限", code="forbidden", status=403)


def _number(value, field, label, problems, *, low=None, high=None):
    try:
        number = Decimal(str(value).strip())
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        problems.append({"field": field, "reason": f"{label}应为数字，收到“{value}”"})
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        problems.append({"field": field, "reason": f"{label}应在 {low} 到 {high} 之间，收到 {value}"})
        return None
    return number


def _require_city(actor):
    """Factors, the rubric and the index tree are the city's: a county may read them, only the city office edits."""
    _require(actor)
    if actor.scope.organisation_id is not None or len(actor.scope.region_prefix) > 4:
        raise ServiceError("因子、考核细则与无废指数体系由市分类办统一维护", code="forbidden", status=403)


def factor_update(*, actor, factor: Factor, value, source: str | None = None, note: str | None = None, audit_source="page") -> Factor:
    """Change a factor's value (and its source); the before and after land in the audit trail."""
    _require_city(actor)
    problems = []
    number = _number(value, "value", f"“{factor.name}”的数值", problems, low=Decimal("-1000"), high=Decimal("100000"))
    if source is not None and not source.strip():
        problems.append({"field": "source", "reason": "来源不能为空：请注明数值依据的文件或数据"})
    if problems:
        raise ServiceError("因子未保存", details=problems)
    before = {"value": str(factor.value), "source": factor.source, "note": factor.note}
    with transaction.atomic():
        factor.value = number
        if source is not None:
            factor.source = source.strip()[:300]
        if note is not None:
            factor.note = note.strip()[:300]
        factor.save()
        audit_write(actor=actor, source=audit_source, action="update", obj=factor, region_code=CITY_CODE, before=before,
                    after={"value": str(factor.value), "source": factor.source, "note": factor.note})
    return factor


def rubric_update(*, actor, items: list[dict], audit_source="page") -> list[RubricItem]:
    """Set the rubric's weights and scoring points at once: the weights must add up to 100."""
    _require_city(actor)
    existing = {i.code: i for i in RubricItem.objects.all()}
    problems, changes = [], []
    for index, row in enumerate(items):
        item = existing.get(str(row.get("code", "")))
        if item is None:
            problems.append({"index": index, "field": "code", "reason": f"考核项“{row.get('code', '')}”不存在"})
            continue
        values = {}
        for field, label, low, high in (("weight", "权重", 0, 100), ("best", "满分值", -1e6, 1e6), ("worst", "零分值", -1e6, 1e6)):
            if field in row:
                number = _number(row[field], field, f"“{item.name}”的{label}", problems, low=Decimal(str(low)), high=Decimal(str(high)))
                if number is not None:
                    values[field] = number if field == "weight" else float(number)
        changes.append((item, values))
    weights = {item.code: item.weight for item in existing.values()}
    weights.update({item.code: v["weight"] for item, v in changes if "weight" in v})
    if not problems and sum(weights.values()) != 100:
        problems.append({"field": "weight", "reason": f"各考核项权重之和应为 100，现为 {sum(weights.values())}"})
    if problems:
        raise ServiceError("考核细则未保存", details=problems)
    with transaction.atomic():
        for item, values in changes:
            before = {"weight": str(item.weight), "best": item.best, "worst": item.worst}
            for field, v in values.items():
                setattr(item, field, v)
            item.save()
            audit_write(actor=actor, source=audit_source, action="update", obj=item, region_code=CITY_CODE, before=before,
                        after={"weight": str(item.weight), "best": item.best, "worst": item.worst})
    return list(RubricItem.objects.all())


def index_node_update(*, actor, node: IndexNode, weight=None, target=None, floor=None, normalisation=None, audit_source="page") -> IndexNode:
    _require_city(actor)
    problems = []
    values = {}
    if weight is not None:
        values["weight"] = _number(weight, "weight", f"“{node.name}”的权重", problems, low=Decimal("0"), high=Decimal("100"))
    for field, label, given in (("target", "目标值", target), ("floor", "零分值", floor)):
        if given is not None:
            number = _number(given, field, f"“{node.name}”的{label}", problems)
            values[field] = None if number is None else float(number)
    if normalisation is not None:
        if normalisation not in IndexNode.Normalisation.values:
            problems.append({"field": "normalisation", "reason": f"标准化方法应为 {'、'.join(IndexNode.Normalisation.values)}"})
        values["normalisation"] = normalisation
    if problems:
        raise ServiceError("无废指数指标未保存", details=problems)
    before = {"weight": str(node.weight), "target": node.target, "floor": node.floor, "normalisation": node.normalisation}
    with transaction.atomic():
        for field, v in values.items():
            setattr(node, field, v)
        node.save()
        audit_write(actor=actor, source=audit_source, action="update", obj=node, region_code=CITY_CODE, before=before,
                    after={"weight": str(node.weight), "target": node.target, "floor": node.floor, "normalisation": node.normalisation})
    return node


def lists_publish(*, actor, region, month, size: int = 5, audit_source="page") -> ListPublication:
    """Publish the red (best) and black (worst) lists of a county or the city for a month, recording who entered
    and who left against the previous publication of the same place. A month is published once."""
    _require(actor)
    if region.level not in ("city", "county"):
        raise ServiceError("红黑榜按县（市、区）或全市发布", details=[{"field": "region", "reason": f"“{region.name}”不是县级或市级区划"}])
    if not 1 <= int(size) <= 50:
        raise ServiceError("每榜名额无效", details=[{"field": "size", "reason": "每榜名额应在 1 到 50 之间"}])
    w = window("month", month)
    if ListPublication.objects.filter(month=w.start, region_code=region.code).exists():
        raise ServiceError(f"{w.label}的红黑榜已发布", code="conflict", status=409,
                           details=[{"field": "month", "reason": "同一月份同一范围只发布一次"}])
    rubric = list(RubricItem.objects.all())
    ranked = assess(estates=estates_in(region), w=w, rubric=rubric)
    size = min(int(size), len(ranked) // 2)
    lists = {ListKind.RED: ranked[:size], ListKind.BLACK: list(reversed(ranked[len(ranked) - size:])) if size else []}
    previous = ListPublication.objects.filter(region_code=region.code, month__lt=w.start).order_by("-month").first()
    before = {}
    if previous is not None:
        for e in previous.entries.exclude(change=ListEntry.Change.LEFT):
            before.setdefault(e.kind, set()).add(e.estate_id)
    with transaction.atomic():
        publication = ListPublication.objects.create(
            month=w.start, region_code=region.code, size=size, published_by=actor.username,
            rubric=[{"code": i.code, "name": i.name, "weight": float(i.weight), "indicator": i.indicator, "best": i.best, "worst": i.worst} for i in rubric],
        )
        entries = []
        for kind, members in lists.items():
            now = {a.estate.pk for a in members}
            for rank, a in enumerate(members, start=1):
                change = ListEntry.Change.STAYED if a.estate.pk in before.get(kind, set()) else ListEntry.Change.ENTERED
                entries.append(ListEntry(publication=publication, kind=kind, estate=a.estate, region_code=a.estate.region_id, rank=rank,
                                         score=a.score, change=change))
            for estate_id in before.get(kind, set()) - now:
                estate = next(e.estate for e in previous.entries.all() if e.estate_id == estate_id)
                entries.append(ListEntry(publication=publication, kind=kind, estate=estate, region_code=estate.region_id, change=ListEntry.Change.LEFT))
        ListEntry.objects.bulk_create(entries)
        audit_write(actor=actor, source=audit_source, action="create", obj=publication, region_code=region.code,
                    after={"month": w.start.isoformat(), "red": [a.estate.code for a in lists[ListKind.RED]],
                           "black": [a.estate.code for a in lists[ListKind.BLACK]]})
    return publication


def report_generate(*, actor, kind: str, start, region, fmt: str, audit_source="page", content=None) -> ReportFile:
    """Build (or rebuild) a monthly or annual report of a region as Excel or PDF and keep it. `content`: what
    exports.report_content gave for the same region and period, when one content serves both formats."""
    from . import exports

    if actor is not None:
        _require(actor, "reports.view")
    if kind not in ReportFile.Kind.values:
        raise ServiceError("报表类型无效", details=[{"field": "kind", "reason": "应为 monthly（月报）或 annual（年报）"}])
    if fmt not in ReportFile.Format.values:
        raise ServiceError("报表格式无效", details=[{"field": "format", "reason": "应为 xlsx 或 pdf"}])
    w = window("month" if kind == ReportFile.Kind.MONTHLY else "year", start)
    data = exports.report_bytes(region=region, w=w, fmt=fmt, content=content)
    with transaction.atomic():
        report, created = ReportFile.objects.update_or_create(
            kind=kind, start=w.start, region_code=region.code, format=fmt,
            defaults={"content": data, "size": len(data), "generated_by": getattr(actor, "username", "") or "定时任务"},
        )
        audit_write(actor=actor, source=audit_source if actor is not None else "system", action="create" if created else "update",
                    obj=report, region_code=region.code, after={"kind": kind, "start": w.start.isoformat(), "format": fmt, "size": len(data)})
    return report

