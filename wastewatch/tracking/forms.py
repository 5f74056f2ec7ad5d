"""The collection-plan form: the route as lines of text (site, time window), as a clerk copies it from the hauler's
schedule; each problem is answered on its line."""
import re
from datetime import time

from django import forms

from wastewatch.core.forms import ServiceForm

from .services import MAX_POINTS

WEEKDAYS = [("1", "周一"), ("2", "周二"), ("3", "周三"), ("4", "周四"), ("5", "周五"), ("6", "周六"), ("7", "周日")]
LINE = re.compile(r"^(?P<site>.+?)[\s,，]+(?P<start>\d{1,2}:\d{2})\s*[-–—~～至到]\s*(?P<end>\d{1,2}:\d{2})$")


def _clock(text: str) -> time | None:
    hours, minutes = (int(part) for part in text.split(":"))
    return time(hours, minutes) if hours < 24 and minutes < 60 else None


class PlanForm(ServiceForm):
    vehicle = forms.ChoiceField(label="车辆")
    name = forms.CharField(label="计划名称", max_length=100)
    weekdays = forms.MultipleChoiceField(label="执行日", choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple)
    points = forms.CharField(
        label="点位与时间窗（按收运顺序，每行一个）", widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text="每行写“点位编码或名称 开始-结束”，例如：331002001001001001 06:30-07:00")
    aliases = {"site": "points", "window_end": "points", "window_start": "points"}

    def __init__(self, *args, plates: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].choices = [("", "请选择车辆")] + plates
        self.lines: list[int] = []  # the text line of each parsed point, to answer the service's index on its line

    def clean_weekdays(self):
        return "".join(sorted(self.cleaned_data["weekdays"]))

    def clean_points(self):
        parsed, problems = [], []
        for number, raw in enumerate(self.cleaned_data["points"].splitlines(), start=1):
            text = raw.strip()
            if not text:
                continue
            match = LINE.match(text)
            start = _clock(match["start"]) if match else None
            end = _clock(match["end"]) if match else None
            if match is None or start is None or end is None:
                problems.append(f"第 {number} 行：应写作“点位编码或名称 06:30-07:00”")
                continue
            parsed.append((match["site"].strip(), start, end))
            self.lines.append(number)
        if len(parsed) > MAX_POINTS:
            problems.append(f"一个收运计划最多 {MAX_POINTS} 个点位")
        if problems:
            raise forms.ValidationError(problems)
        return parsed

    def detail_reason(self, detail: dict) -> str:
        index = detail.get("index")
        if index is not None and index < len(self.lines):
            return f"第 {self.lines[index]} 行：{detail.get('reason', '')}"
        return super().detail_reason(detail)

    @staticmethod
    def initial_of(plan) -> dict:
        return {"vehicle": plan.vehicle.plate, "name": plan.name, "weekdays": list(plan.weekdays),
                "points": "\n".join(f"{pt.site.code} {pt.window_start:%H:%M}-{pt.window_end:%H:%M}" for pt in plan.points.all())}
