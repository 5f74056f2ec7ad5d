"""Playing the county systems: past days in-process, then base data and live rounds over HTTP until stopped.

Stopping: SIGINT and SIGTERM set a flag that is checked between batches and while waiting, so the simulator ends
after the batch in flight, never halfway through one.
"""
import signal
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from wastewatch.interfaces.models import FlowDay
from wastewatch.registry.models import Region

from . import cameras, live
from .county import CountySystem, Tally, is_base
from .scenario import part_of
from .transport import HttpTransport, InProcessTransport, Refused, Unreachable
from .values import SHANGHAI

HISTORY_WINDOW = (6, 20)  # a replayed day's events fall between 06:00 and 20:00; its batches arrive at 20:00
RETRY_SECONDS = 2


@dataclass
class Options:
    url: str = "http://127.0.0.1:8000"
    counties: str = "all"
    once: bool = False
    interval: float = 60
    bad_rate: float = 0.02
    late_rate: float = 0.0
    history: int = 0
    seed: int = 1
    scenario: bool = True
    patience: float = 120  # --once: how long to wait for a server that does not answer


class Stop:
    """Set by SIGINT/SIGTERM; `wait` sleeps until the timeout or the signal."""

    def __init__(self):
        self.event = threading.Event()

    def install(self) -> "Stop":
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: self.event.set())
        return self

    def __bool__(self) -> bool:
        return self.event.is_set()

    def wait(self, seconds: float) -> bool:
        return self.event.wait(max(0.0, seconds))


def county_codes(selection: str) -> list[str]:
    """`all`, or a comma-separated list of 6- or 12-digit county codes."""
    counties = list(Region.objects.filter(level="county").order_by("code").values_list("code", flat=True))
    if selection.strip().lower() == "all":
        return [c[:6] for c in counties]
    wanted = [c.strip()[:6] for c in selection.split(",") if c.strip()]
    unknown = [c for c in wanted if c + "000000" not in counties]
    if unknown:
        raise ValueError(f"未知的县级区划：{'、'.join(unknown)}")
    return wanted


def prepare(options: Options, say) -> list[CountySystem]:
    """A system per selected county that has registry data, each with its API client and its snapshot."""
    systems = []
    for code in county_codes(options.counties):
        system = CountySystem(code, part=part_of(code, scenario=options.scenario), seed=options.seed,
                              bad_rate=options.bad_rate, late_rate=options.late_rate)
        system.load()
        if system.data.is_empty:
            say(f"{system.name}：登记库中没有小区和车辆，跳过（请先运行 manage.py demo）")
            continue
        system.ensure_client()
        systems.append(system)
    return systems


def at_local(day, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def fill_history(systems, days: int, stop: Stop, say) -> Tally:
    """The past `days` days, oldest first, pushed in-process with their reception time; days a county already has
    counters for (an earlier run, or real pushes) are left as they are, so running it again adds nothing."""
    tally = Tally()
    today = timezone.now().astimezone(SHANGHAI).date()
    first_day = {s.county6: max((d for d in range(days, 0, -1) if s.part.history_covers(d)), default=None) for s in systems}
    for days_ago in range(days, 0, -1):
        day = today - timedelta(days=days_ago)
        window = live.Window(at_local(day, HISTORY_WINDOW[0]), at_local(day, HISTORY_WINDOW[1]))
        for system in systems:
            if stop:
                return tally
            if not system.part.history_covers(days_ago):
                continue
            done = set(FlowDay.objects.filter(region_code=system.county6 + "000000", day=day).values_list("interface", flat=True))
            transport = InProcessTransport(window.end)
            for spec in system.specs:
                if spec.code in done or stop:
                    continue
                if is_base(spec):
                    records = system.base_records(spec, window.start, refresh=days_ago != first_day[system.county6])
                else:
                    records = system.live_records(spec, window)
                if records:
                    system.push(transport, spec, records, tally)
        say(f"历史数据 {day}：已补 {sum(1 for s in systems if s.part.history_covers(days_ago))} 个县")
    return tally


class LiveFeed:
    """Rounds of live data over HTTP; remembers when each interface was last sent, to pace the slower ones."""

    def __init__(self, systems, options: Options, stop: Stop, say):
        self.systems = [s for s in systems if s.part.live]
        self.options = options
        self.stop = stop
        self.say = say
        self.transport = HttpTransport(options.url)
        self.sent: dict[tuple[str, str], datetime] = {}
        self.base_day = {}  # county -> the day its base data was last sent: full the first time, a day's share after

    def base_sent(self, systems, on) -> None:
        """The history already sent these counties' whole registry: today they send only the day's share."""
        for system in systems:
            self.base_day[system.county6] = on

    def due(self, system, spec, now) -> bool:
        last = self.sent.get((system.county6, spec.code))
        if last is None:
            return True
        if spec.code in live.DAILY:
            return last.astimezone(SHANGHAI).date() != now.astimezone(SHANGHAI).date()
        return (now - last).total_seconds() >= live.EVERY_SECONDS.get(spec.code, 0)

    def round(self, now: datetime, tally: Tally) -> None:
        window = live.Window(now - timedelta(seconds=max(60, self.options.interval)), now)
        for system in self.systems:
            refresh_base = self.base_day.get(system.county6)
            for spec in system.specs:
                if self.stop:
                    return
                if is_base(spec):
                    if refresh_base == now.astimezone(SHANGHAI).date():
                        continue
                    records = system.base_records(spec, now, refresh=refresh_base is not None)
                elif self.due(system, spec, now):
                    records = system.live_records(spec, window)
                else:
                    continue
                if records and self.send(system, spec, records, tally):
                    self.sent[(system.county6, spec.code)] = now
            self.base_day[system.county6] = now.astimezone(SHANGHAI).date()

    def send(self, system, spec, records, tally) -> bool:
        """Push one interface's records; wait for a server that is not up yet (serve starts us beside it)."""
        waited = 0.0
        while not self.stop:
            try:
                system.push(self.transport, spec, records, tally)
                return True
            except Unreachable as exc:
                if self.options.once and waited >= self.options.patience:
                    raise
                if waited == 0:
                    self.say(f"平台暂未响应（{exc}），{RETRY_SECONDS} 秒后重试……")
                waited += RETRY_SECONDS
                self.stop.wait(RETRY_SECONDS)
            except Refused as exc:
                tally.failures.append(f"{system.name} {spec.name}：{exc}")
                return False
        return False


def run(options: Options, say) -> Tally:
    """Everything the command does; returns the tally of the HTTP pushes."""
    stop = Stop().install()
    systems = prepare(options, say)
    for system in systems:
        say(f"{system.county6} {system.name}：{system.part.part}" + (f"（未对接 {len(system.skipped)} 个接口）" if system.skipped else ""))
    if options.history and systems:
        started = time.monotonic()
        history = fill_history(systems, options.history, stop, say)
        say(f"历史数据补齐：{history.total('accepted') + history.total('updated') + history.total('unchanged')} 条入库，"
            f"{history.total('rejected')} 条拒收，用时 {time.monotonic() - started:.1f} 秒")
    feed = LiveFeed(systems, options, stop, say)
    if options.history:
        feed.base_sent([s for s in systems if s.part.history_covers(1)], timezone.now().astimezone(SHANGHAI).date() - timedelta(days=1))
    if not feed.systems:
        say("没有需要实时推送的县，模拟器退出")
    tally = Tally()
    rounds = 0
    while feed.systems and not stop:
        started = time.monotonic()
        before = {s: tally.total(s) for s in ("accepted", "updated", "rejected")}
        feed.round(timezone.now().replace(microsecond=0), tally)
        rounds += 1
        if rounds == 1 and options.scenario:
            cameras.play(options.url, say)  # the day's camera alerts and their work orders, once the server answers
        say(f"第 {rounds} 轮：新增 {tally.total('accepted') - before['accepted']}，更新 {tally.total('updated') - before['updated']}，"
            f"拒收 {tally.total('rejected') - before['rejected']}，用时 {time.monotonic() - started:.1f} 秒")
        if options.once:
            break
        stop.wait(options.interval - (time.monotonic() - started))
    if stop:
        say("模拟器已停止")
    return tally
