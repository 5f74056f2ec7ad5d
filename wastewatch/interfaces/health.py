"""Data-flow health of every county × interface, read from the prepared FlowDay counters.

Status (now):
- 未对接 not onboarded: nothing ever received.
- 中断 interrupted: the last record is older than the interruption limit (daily interfaces 48 h, real-time 6 h).
- 有效数据流 live: data on at least 5 of the last 7 days, at most 10 % of the records rejected in those
  days, and the last record within the frequency (daily 26 h, real-time 2 h).
- 对接中 onboarding: anything else that has been received.

Daily scores (0–1) of one county × interface on one day:
- timeliness T = 1 if records arrived that day, else 0;
- validity V = 1 − rejected ÷ records;
- completeness C = records with every field filled ÷ records not rejected.
Interface score = 100 × (0.4 T + 0.3 C + 0.3 V), averaged over the days of the period.
County score = the mean of its 35 interface scores (an interface never received scores 0);
the provincial score takes the 22 provincial interfaces only.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Max
from django.utils import timezone

from . import catalogue
from .models import FlowDay, Milestone

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOT_ONBOARDED, ONBOARDING, LIVE, INTERRUPTED = "未对接", "对接中", "有效数据流", "中断"
STATUS_COLOURS = {NOT_ONBOARDED: "secondary", ONBOARDING: "warning", LIVE: "success", INTERRUPTED: "danger"}
LATE_HOURS = {"daily": 26, "realtime": 2}
INTERRUPTED_HOURS = {"daily": 48, "realtime": 6}
LIVE_DAYS, WINDOW_DAYS, MAX_REJECTION = 5, 7, 0.10
WEIGHTS = {"timeliness": 0.4, "completeness": 0.3, "validity": 0.3}


def today():
    return timezone.now().astimezone(SHANGHAI).date()


@dataclass
class Flow:
    county: str
    spec: object
    status: str
    last_record_at: datetime | None
    records_per_day: float
    rejection_rate: float
    reference_failures: int
    late_hours: float
    score: float

    @property
    def colour(self):
        return STATUS_COLOURS[self.status]


def day_score(row) -> float:
    if not row["records"]:
        return 0.0
    valid = row["records"] - row["rejected"]
    validity = valid / row["records"]
    completeness = (row["complete"] / valid) if valid else 0.0
    return 100 * (WEIGHTS["timeliness"] + WEIGHTS["completeness"] * completeness + WEIGHTS["validity"] * validity)


def _status(spec, days_with_data, records, rejected, last_at, now):
    if last_at is None:
        return NOT_ONBOARDED, 0.0
    age = (now - last_at).total_seconds() / 3600
    late = max(0.0, age - LATE_HOURS[spec.frequency])
    if age > INTERRUPTED_HOURS[spec.frequency]:
        return INTERRUPTED, late
    rate = rejected / records if records else 0.0
    if days_with_data >= LIVE_DAYS and rate <= MAX_REJECTION and late == 0:
        return LIVE, late
    return ONBOARDING, late


def flows(*, counties: list[str], until: date | None = None, days: int = WINDOW_DAYS) -> dict[tuple[str, str], Flow]:
    """Health of every given county (6-digit codes) × every interface over the `days` up to `until`."""
    until = until or today()
    start = until - timedelta(days=days - 1)
    # Judged as at the end of `until`, so that last month's report does not change with today's pushes.
    now = min(timezone.now(), datetime.combine(until + timedelta(days=1), time.min, tzinfo=SHANGHAI))
    county_rows = FlowDay.objects.filter(region_code__in=[c + "000000" for c in counties], day__lte=until)
    rows = county_rows.filter(day__range=(start, until))
    per_key = {}
    for row in rows.values("region_code", "interface", "day", "records", "rejected", "complete", "reference_failures", "last_record_at"):
        per_key.setdefault((row["region_code"][:6], row["interface"]), []).append(row)
    last = {
        (r["region_code"][:6], r["interface"]): r["last"]
        for r in county_rows.values("region_code", "interface").annotate(last=Max("last_record_at")).order_by()
    }
    result = {}
    for county in counties:
        for spec in catalogue.all_specs():
            day_rows = per_key.get((county, spec.code), [])
            records = sum(r["records"] for r in day_rows)
            rejected = sum(r["rejected"] for r in day_rows)
            last_at = last.get((county, spec.code))
            status, late = _status(spec, sum(1 for r in day_rows if r["records"]), records, rejected, last_at, now)
            result[(county, spec.code)] = Flow(
                county=county, spec=spec, status=status, last_record_at=last_at,
                records_per_day=records / days, rejection_rate=(rejected / records) if records else 0.0,
                reference_failures=sum(r["reference_failures"] for r in day_rows), late_hours=round(late, 1),
                score=sum(day_score(r) for r in day_rows) / days,
            )
    return result


def county_scores(all_flows: dict, county: str) -> dict:
    mine = [f for (c, _), f in all_flows.items() if c == county]
    provincial = [f for f in mine if f.spec.provincial]
    return {
        "score": round(sum(f.score for f in mine) / len(mine), 1) if mine else 0.0,
        "provincial_score": round(sum(f.score for f in provincial) / len(provincial), 1) if provincial else 0.0,
        "live": sum(1 for f in mine if f.status == LIVE),
        "interrupted": sum(1 for f in mine if f.status == INTERRUPTED),
        "not_onboarded": sum(1 for f in mine if f.status == NOT_ONBOARDED),
    }


def milestones(*, county: str, all_flows: dict, on: date | None = None):
    """Each rollout milestone of a county with the interfaces still not live and whether it is overdue."""
    on = on or today()
    out = []
    for m in Milestone.objects.filter(region__code__startswith=county).order_by("deadline"):
        pending = [catalogue.get(code) for code in m.interfaces if all_flows[(county, code)].status != LIVE]
        out.append({"milestone": m, "pending": pending, "done": not pending,
                    "overdue": bool(pending) and m.deadline is not None and m.deadline < on})
    return out

