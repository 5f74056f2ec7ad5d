"""The demo scenario: which part each county system plays, so that the health page shows every status.

Read with `interfaces/health.py`: a flow is 有效数据流 with data on 5 of the last 7 days, at most 10 % rejected
and a recent last record; 中断 when the last record is older than 48 h (daily) or 6 h (real-time); 对接中 for
anything else received; 未对接 when nothing was ever received. `simulate --history 7` fills the past days
in-process; the live loop then keeps the live counties fresh over HTTP.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CountyPart:
    """What one county system does in the scenario.

    history_stops: the most recent past day (days ago) its history fills; 3 means its flow stopped three days ago.
    history_days: at most this many past days (a county that started onboarding recently); None: all asked for.
    live: whether the live loop (and --once) pushes for it today.
    never: interfaces it has not onboarded; those that need them (by a required reference) are skipped too.
    bad_rate: per-interface share of deliberately bad records, instead of the command's --bad-rate.
    """

    part: str
    history_stops: int = 1
    history_days: int | None = None
    live: bool = True
    never: tuple[str, ...] = ()
    bad_rate: dict[str, float] = field(default_factory=dict)

    def history_covers(self, days_ago: int) -> bool:
        return days_ago >= self.history_stops and (self.history_days is None or days_ago <= self.history_days)


LIVE = CountyPart("各接口有效数据流")

# The Taizhou demo: most counties live; 三门县 interrupted three days ago; 天台县 rejects many records on four
# real-time interfaces; 玉环市 has not onboarded residents and canteens; 台州湾新区 started onboarding two days ago.
SCENARIO: dict[str, CountyPart] = {
    "331022": CountyPart("中断：三天前起停止推送", history_stops=3, live=False),
    "331023": CountyPart("对接中：部分实时接口拒收率高", bad_rate={
        "vehicle-gps": 0.3, "transfer-job": 0.3, "facility-intake": 0.3, "sorting-intake": 0.3,
    }),
    "331083": CountyPart("未对接：居民与食堂接口尚未对接", never=("resident", "resident-drop", "school-canteen", "office-canteen")),
    "331099": CountyPart("对接中：两天前开始对接", history_days=2),
}


def part_of(county6: str, *, scenario: bool = True) -> CountyPart:
    """The county's part; every county is simply live when the scenario is switched off."""
    return SCENARIO.get(county6, LIVE) if scenario else LIVE
