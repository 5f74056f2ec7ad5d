"""`manage.py simulate`: play the county systems against the platform's real, signed push API."""
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from wastewatch.interfaces import catalogue
from wastewatch.simulator.feed.runner import Options, run
from wastewatch.simulator.feed.transport import Unreachable


def pad(text: str, width: int) -> str:
    """Left-aligned to a terminal width: Chinese characters take two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def rate(value: str) -> float:
    number = float(value)
    if not 0 <= number <= 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = ("Play one or all county systems: push the demo city's base data, then live jobs, weighings, GPS and alerts "
            "through the signed HTTP API, with bad records and late data on request; --history fills past days.")

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the platform's base URL")
        parser.add_argument("--county", default="all", help="all, or county codes separated by commas, e.g. 331002,331023")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="base data and one live round, then a summary table")
        mode.add_argument("--interval", type=float, default=60, help="seconds between live rounds (default 60)")
        parser.add_argument("--bad-rate", type=rate, default=0.02, help="share of deliberately invalid records (0–1)")
        parser.add_argument("--late-rate", type=rate, default=0.0, help="share of real-time records sent hours late (0–1)")
        parser.add_argument("--history", type=int, default=0, metavar="DAYS", help="first fill the past DAYS days in-process")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-scenario", action="store_true",
                            help="ignore the demo scenario (interrupted, rejecting, not onboarded counties): all live")

    def handle(self, *args, **o):
        if o["interval"] <= 0 or o["history"] < 0:
            raise CommandError("--interval 须大于 0，--history 不能为负数")
        options = Options(url=o["url"], counties=o["county"], once=o["once"], interval=o["interval"], bad_rate=o["bad_rate"],
                          late_rate=o["late_rate"], history=o["history"], seed=o["seed"], scenario=not o["no_scenario"])
        try:
            tally = run(options, self.say)
        except (ValueError, Unreachable) as exc:
            raise CommandError(str(exc)) from exc
        if options.once:
            self.summary(tally)

    def say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def summary(self, tally) -> None:
        """Per interface: batches, accepted, updated, unchanged, rejected, and a sample reason."""
        self.stdout.write(f"序号 {pad('接口', 22)}  批次   新增   更新 无变化   拒收  拒收原因示例")
        for spec in catalogue.all_specs():
            c = tally.counts.get(spec.code)
            if c is None:
                self.stdout.write(f"{spec.number:>4} {pad(spec.name, 22)}  未推送")
                continue
            reason = (tally.reasons.get(spec.code) or [""])[0]
            self.stdout.write(f"{spec.number:>4} {pad(spec.name, 22)} {c['batches']:>5} {c['accepted']:>6} {c['updated']:>6} "
                              f"{c['unchanged']:>6} {c['rejected']:>6}  {reason[:60]}")
        self.stdout.write(f"合计：新增 {tally.total('accepted')}，更新 {tally.total('updated')}，无变化 {tally.total('unchanged')}，"
                          f"拒收 {tally.total('rejected')}")
        for failure in tally.failures:
            self.stderr.write(f"整批被拒：{failure}")
