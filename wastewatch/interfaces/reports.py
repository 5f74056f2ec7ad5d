"""The monthly supervision report (Excel) for the city's 督查通报."""
import calendar
import io
from datetime import date

import openpyxl
from openpyxl.styles import Font, PatternFill

from . import catalogue, health

FILLS = {health.LIVE: "C6EFCE", health.ONBOARDING: "FFEB9C", health.INTERRUPTED: "FFC7CE", health.NOT_ONBOARDED: "D9D9D9"}


def monthly_report(*, counties: dict[str, str], year: int, month: int) -> bytes:
    """Sheets: county ranking, status matrix, overdue milestones — status as of the month's last day."""
    last_day = min(date(year, month, calendar.monthrange(year, month)[1]), health.today())
    days = last_day.day
    flows = health.flows(counties=list(counties), until=last_day, days=days)
    wb = openpyxl.Workbook()
    summary = wb.active
    summary.title = "县（市、区）得分"
    summary.append([f"{year} 年 {month} 月 数据接口对接情况（统计至 {last_day.isoformat()}）"])
    summary.append(["排名", "县（市、区）", "综合得分", "省级 22 项得分", "有效数据流", "中断", "未对接", "逾期节点"])
    rows = []
    for code, name in counties.items():
        scores = health.county_scores(flows, code)
        overdue = sum(1 for m in health.milestones(county=code, all_flows=flows, on=last_day) if m["overdue"])
        rows.append([name, scores["score"], scores["provincial_score"], scores["live"], scores["interrupted"], scores["not_onboarded"], overdue])
    for rank, row in enumerate(sorted(rows, key=lambda r: -r[1]), start=1):
        summary.append([rank, *row])
    for cell in summary[2]:
        cell.font = Font(bold=True)

    matrix = wb.create_sheet("接口状态")
    specs = catalogue.all_specs()
    matrix.append(["县（市、区）"] + [f"{s.number}.{s.name}" for s in specs])
    for code, name in counties.items():
        matrix.append([name] + [flows[(code, s.code)].status for s in specs])
        for cell in matrix[matrix.max_row][1:]:
            cell.fill = PatternFill("solid", fgColor=FILLS[cell.value])

    overdue_sheet = wb.create_sheet("逾期节点")
    overdue_sheet.append(["县（市、区）", "目标任务", "截止日期", "未形成有效数据流的接口"])
    for code, name in counties.items():
        for m in health.milestones(county=code, all_flows=flows, on=last_day):
            if m["overdue"]:
                overdue_sheet.append([name, m["milestone"].task, m["milestone"].deadline, "、".join(s.name for s in m["pending"])])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
