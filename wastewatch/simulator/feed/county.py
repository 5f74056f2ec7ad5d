"""One simulated county system: its API client, its records, its pushes.

Records start from the spec's example and take the registry's values on top (`compose`), so they stay valid when
the catalogue grows a field. Interfaces are pushed in reference order, derived from `spec.references`: estates
before buildings before dwellings, sites and vehicles before the jobs and videos that name them.
"""
import copy
from collections import Counter
from dataclasses import dataclass, field

from wastewatch.interfaces import catalogue
from wastewatch.interfaces.clients import api_client_create
from wastewatch.interfaces.models import ApiClient
from wastewatch.interfaces.push import MAX_RECORDS
from wastewatch.registry.models import Region

from . import base, faults, live, snapshot
from .scenario import CountyPart
from .values import SHANGHAI

CLIENT_NAME = "{county}垃圾分类系统（模拟）"
REFRESH_PER_DAY = 3  # registry records a county re-sends on a later day: its day's changes, not the whole registry


def skipped(specs, never) -> set[str]:
    """The interfaces not onboarded, and those that cannot work without them (a required reference to one)."""
    out = set(never)
    for spec in catalogue.push_order(specs):
        if any(ref.spec_code in out and spec.record.model_fields[ref.field].is_required() for ref in spec.references):
            out.add(spec.code)
    return out


def compose(spec, overrides: dict) -> dict:
    """The spec's example with the given fields on top; None removes a field, fields the record lacks are ignored."""
    record = copy.deepcopy(spec.example)
    for name, value in overrides.items():
        if name not in spec.record.model_fields:
            continue
        if value is None:
            record.pop(name, None)
        else:
            record[name] = value
    return record


def is_base(spec) -> bool:
    return spec.lands_in.startswith("registry:")


@dataclass
class Tally:
    """Per-interface totals of the answers, with a few rejection reasons to show."""

    counts: dict[str, Counter] = field(default_factory=dict)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def add(self, spec, answer: dict) -> None:
        counter = self.counts.setdefault(spec.code, Counter())
        counter["batches"] += 1
        for status in ("accepted", "updated", "unchanged", "deleted", "rejected"):
            counter[status] += answer.get(status, 0)
        samples = self.reasons.setdefault(spec.code, [])
        for result in answer.get("results", []):
            for error in result.get("errors", [])[:1]:
                if len(samples) < 3:
                    samples.append(f"{error.get('field') or '记录'}：{error.get('reason')}")

    def total(self, status: str) -> int:
        return sum(c[status] for c in self.counts.values())


class CountySystem:
    """The system of one county: knows its registry rows, builds its interfaces' records and pushes them."""

    def __init__(self, county6: str, *, part: CountyPart, seed: int = 1, bad_rate: float = 0.0, late_rate: float = 0.0):
        self.county6 = county6
        self.part = part
        self.seed = seed
        self.bad_rate = bad_rate
        self.late_rate = late_rate
        self.client = None
        self.secret = ""
        self.data = None
        specs = catalogue.all_specs()
        self.skipped = skipped(specs, part.never)
        self.specs = [s for s in catalogue.push_order(specs) if s.code not in self.skipped]
        self.referenced = faults.referenced_codes(specs)
        self.credit: dict[str, float] = {}

    @property
    def name(self) -> str:
        return self.data.name if self.data else self.county6

    def ensure_client(self) -> ApiClient:
        """The county's simulator client, created through the service (with its audit row) the first time."""
        region = Region.objects.get(code=self.county6 + "000000")
        name = CLIENT_NAME.format(county=region.name)
        client = ApiClient.objects.filter(region=region, name=name, is_active=True).order_by("id").first()
        if client is None:
            client, _ = api_client_create(actor=None, name=name, region=region)
        self.client, self.secret = client, client.secret
        return client

    def load(self) -> snapshot.CountyData:
        self.data = snapshot.load(self.county6, seed=self.seed)
        return self.data

    # -- records ---------------------------------------------------------------------------------------------

    def base_records(self, spec, moment, *, refresh: bool = False) -> list[dict]:
        """The registry interface's records; a refresh sends only the day's share of them, as updates."""
        rng = snapshot.stable_rng(self.seed, self.county6, spec.code, moment.isoformat())
        rows = list(base.BUILDERS[spec.code](self.data, moment, rng))
        if refresh and len(rows) > REFRESH_PER_DAY:
            start = (moment.astimezone(SHANGHAI).toordinal() * REFRESH_PER_DAY) % len(rows)
            rows = (rows + rows)[start:start + REFRESH_PER_DAY]
        return self._finish(spec, rows, moment, rng, operation="U" if refresh else "I")

    def live_records(self, spec, window: live.Window) -> list[dict]:
        rng = snapshot.stable_rng(self.seed, self.county6, spec.code, window.end.isoformat())
        rows = list(live.BUILDERS[spec.code](self.data, window, rng))
        return self._finish(spec, rows, window.end, rng, operation="I")

    def _finish(self, spec, rows, moment, rng, *, operation) -> list[dict]:
        """Compose, number and, by the knobs, spoil or delay the records."""
        stamp = moment.astimezone(SHANGHAI).strftime("%Y%m%d%H%M%S")
        records = []
        for i, row in enumerate(rows):
            record = compose(spec, row)
            record.update(uid=f"{self.county6}-{spec.number:02d}-{stamp}-{i:05d}", operation=operation)
            if spec.frequency == "realtime" and self.late_rate and rng.random() < self.late_rate:
                faults.delay(record, rng)
            if self._bad_turn(spec):
                faults.spoil(spec, record, rng)
            records.append(record)
        return records

    def _bad_turn(self, spec) -> bool:
        """Whether this record is to be a bad one. The rate accrues as credit per interface and each whole unit spends
        one record, so the share never exceeds the rate, even on interfaces that send a handful of records a day
        (a coin toss would reject 1 of 7 canteen reports now and then, 14 %, and flip a live flow to 对接中 by chance)."""
        rate = self.part.bad_rate.get(spec.code, self.bad_rate) if spec.code not in self.referenced else 0.0
        if not rate:
            return False
        credit = self.credit.get(spec.code, 0.0) + rate
        self.credit[spec.code] = credit % 1 if credit >= 1 else credit
        return credit >= 1

    # -- pushing ---------------------------------------------------------------------------------------------

    def push(self, transport, spec, records: list[dict], tally: Tally) -> None:
        """Send the records in batches of at most the documented limit; tally the answers."""
        for start in range(0, len(records), MAX_RECORDS):
            tally.add(spec, transport.send(client=self.client, secret=self.secret, spec=spec, records=records[start:start + MAX_RECORDS]))
