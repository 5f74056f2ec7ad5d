"""Monthly and annual reports as a government office hands them upward: Excel (openpyxl, with charts) and PDF
(fpdf2, with the Noto CJK font that scripts/test.sh installs; a missing font is a clear error, never tofu)."""
import io
import logging
from pathlib import Path

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from wastewatch.core.errors import ServiceError

from . import catalogue
from .carbon import carbon_balance
from .selectors import children_values, indicator_series, indicator_values

HEADLINE = ["generated_t", "recycling_rate", "recovery_rate", "safe_treatment_rate", "perishable_share", "per_capita_kg",
            "sorting_accuracy", "facility_usage_rate", "collection_on_time_rate", "work_order_closure_rate"]
CJK_FONTS = [Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")]
SC_INDEX_IN_TTC = 2  # Noto CJK collections: JP, KR, SC, TC, HK
# fontTools logs every subset's glyph list at INFO: thousands of lines per PDF in a log kept at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class _System:
    """Scheduled reports answer for the whole place: a reader with the platform's full scope."""

    from wastewatch.core.scope import EVERYTHING as scope


def _fmt(value, unit=""):
    if value is None:
        return "无数据"
    return f"{value:,.2f}{unit}" if isinstance(value, float) else f"{value}{unit}"


def report_content(region, w):
    """What both formats show: the figures, the children, the monthly trend and the carbon balance."""
    user = _System()
    figures = indicator_values(user=user, region=region, w=w)
    children = children_values(user=user, region=region, w=w) if region.level != "community" else []
    trend = indicator_series(user=user, region=region, period="month", end=w.end.replace(day=1) if w.period == "year" else w.start,
                             count=12)
    if w.period == "year":
        trend = [t for t in trend if t["start"][:4] == str(w.start.year)] or trend
    return figures, children, trend, carbon_balance(w=w, region=region)


def report_bytes(*, region, w, fmt, content=None) -> bytes:
    data = content or report_content(region, w)
    return _xlsx(region, w, *data) if fmt == "xlsx" else _pdf(region, w, *data)


def title_of(region, w):
    return f"{region.name}生活垃圾分类工作{'月报' if w.period == 'month' else '年报'}（{w.label}）"


def _xlsx(region, w, figures, children, trend, carbon) -> bytes:
    wb = Workbook()
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    ws = wb.active
    ws.title = "指标汇总"
    ws.append([title_of(region, w)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}    数据来源：收运处台账、告警工单、巡检打卡（预计算汇总）"])
    ws.append(["指标", "数值", "单位", "目标", "是否达标", "计算公式", "数据来源"])
    for cell in ws[3]:
        cell.font, cell.fill = bold, head_fill
    for ind in [*catalogue.INDICATORS, catalogue.DATA_FLOW]:
        value = figures["values"].get(ind.code)
        met = "" if ind.target is None or value is None else ("达标" if (value >= ind.target if ind.higher_is_better else value <= ind.target) else "未达标")
        ws.append([ind.name, value if value is not None else "无数据", ind.unit, ind.target, met, ind.formula, ind.source])
    ws.append([])
    ws.append(["源头减量", "产生量环比 %", figures["reduction"]["generated_mom"], "产生量同比 %", figures["reduction"]["generated_yoy"]])
    ws.column_dimensions["A"].width, ws.column_dimensions["F"].width, ws.column_dimensions["G"].width = 24, 48, 40

    if children:
        cs = wb.create_sheet("分区对比")
        cs.append(["区域"] + [catalogue.get(c).name for c in HEADLINE])
        for cell in cs[1]:
            cell.font, cell.fill = bold, head_fill
        for child in children:
            cs.append([child["name"]] + [child["values"].get(c) for c in HEADLINE])
        chart = BarChart()
        chart.title, chart.y_axis.title = "回收利用率（%）", "%"
        chart.add_data(Reference(cs, min_col=3, min_row=1, max_row=len(children) + 1), titles_from_data=True)
        chart.set_categories(Reference(cs, min_col=1, min_row=2, max_row=len(children) + 1))
        chart.width, chart.height = 24, 9
        cs.add_chart(chart, f"A{len(children) + 4}")

    ts = wb.create_sheet("月度趋势")
    ts.append(["月份", "产生量（吨）", "回收利用率（%）", "资源化利用率（%）", "易腐垃圾占比（%）"])
    for cell in ts[1]:
        cell.font, cell.fill = bold, head_fill
    for t in trend:
        ts.append([t["period"], t["values"]["generated_t"], t["values"]["recycling_rate"], t["values"]["recovery_rate"], t["values"]["perishable_share"]])
    line = LineChart()
    line.title = "产生量与回收利用率"
    line.add_data(Reference(ts, min_col=2, max_col=3, min_row=1, max_row=len(trend) + 1), titles_from_data=True)
    line.set_categories(Reference(ts, min_col=1, min_row=2, max_row=len(trend) + 1))
    line.width, line.height = 24, 9
    ts.add_chart(line, f"A{len(trend) + 4}")

    cb = wb.create_sheet("碳减排")
    cb.append(["情景", "类别", "去向", "吨", "排放因子 tCO2e/t", "tCO2e"])
    for cell in cb[1]:
        cell.font, cell.fill = bold, head_fill
    for scenario, rows in (("分类后（实际）", carbon["actual"]), ("分类前（基准）", carbon["baseline"])):
        for r in rows:
            cb.append([scenario, r["category"], r["route"], r["tonnes"], r["factor"], r["tco2e"]])
    cb.append([])
    cb.append(["减排量 tCO2e", carbon["avoided_tco2e"], "基准 kgCO2e/t", carbon["baseline_kg_per_t"], "实际 kgCO2e/t", carbon["actual_kg_per_t"]])
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                cell.alignment = Alignment(vertical="center", wrap_text=isinstance(cell.value, str) and len(cell.value) > 30)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def cjk_font() -> Path:
    for path in CJK_FONTS:
        if path.exists():
            return path
    raise ServiceError("服务器缺少中文字体（Noto CJK），无法生成 PDF：请安装 fonts-noto-cjk", code="font_missing", status=500)


def _pdf(region, w, figures, children, trend, carbon) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    # One face only: parsing and subsetting a CJK collection costs about a second per face and document, so the
    # table headings stand out by their shading rather than by a bold face.
    pdf.add_font("cjk", fname=str(cjk_font()), collection_font_number=SC_INDEX_IN_TTC)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 10, title_of(region, w), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    pdf.cell(0, 6, f"台州市生活垃圾分类工作领导小组办公室    生成时间：{timezone.localtime():%Y-%m-%d %H:%M}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("cjk", size=12)
    pdf.cell(0, 8, "一、主要指标", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    with pdf.table(col_widths=(50, 30, 25, 25, 25), text_align=("LEFT", "RIGHT", "LEFT", "RIGHT", "CENTER"),
                   headings_style=FontFace(emphasis=None, fill_color=(221, 235, 247))) as table:
        table.row(["指标", "数值", "单位", "目标", "达标情况"])
        for ind in [*catalogue.INDICATORS, catalogue.DATA_FLOW]:
            value = figures["values"].get(ind.code)
            met = "—" if ind.target is None or value is None else ("达标" if (value >= ind.target if ind.higher_is_better else value <= ind.target) else "未达标")
            table.row([ind.name, _fmt(value), ind.unit, "—" if ind.target is None else f"{ind.target:g}", met])
    red = figures["reduction"]
    pdf.ln(2)
    pdf.multi_cell(0, 6, f"源头减量：产生量环比 {_fmt(red['generated_mom'], '%')}，同比 {_fmt(red['generated_yoy'], '%')}；"
                         f"人均日产生量环比 {_fmt(red['per_capita_mom'], '%')}，同比 {_fmt(red['per_capita_yoy'], '%')}。")
    if children:
        pdf.set_font("cjk", size=12)
        pdf.cell(0, 8, "二、回收利用率分区对比", new_x="LMARGIN", new_y="NEXT")
        _bars(pdf, [(c["name"], c["values"].get("recycling_rate") or 0.0) for c in children], unit="%", target=35.0)
    pdf.set_font("cjk", size=12)
    pdf.cell(0, 8, "三、碳减排", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    pdf.multi_cell(0, 6, f"期内分类处理 {carbon['tonnes']:,.1f} 吨，较分类前基准情景减少排放 {carbon['avoided_tco2e']:,.1f} tCO2e"
                         f"（基准 {_fmt(carbon['baseline_kg_per_t'])} kgCO2e/t，实际 {_fmt(carbon['actual_kg_per_t'])} kgCO2e/t）。"
                         "方法与因子见平台“碳减排方法”页。")
    if trend:
        pdf.set_font("cjk", size=12)
        pdf.cell(0, 8, "四、月度产生量（吨）", new_x="LMARGIN", new_y="NEXT")
        _bars(pdf, [(t["period"], t["values"]["generated_t"] or 0.0) for t in trend], unit="")
    return bytes(pdf.output())


def _bars(pdf, items, *, unit, target=None):
    """A horizontal bar chart drawn with rectangles: a label, a bar scaled to the largest value, the figure."""
    pdf.set_font("cjk", size=8)
    top = max([v for _, v in items] + [target or 0, 1e-9])
    x0, width, height = pdf.l_margin + 35, 120, 5
    for label, value in items:
        if pdf.get_y() > pdf.h - 25:
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(34, height, str(label)[:14])
        pdf.set_fill_color(46, 139, 87)
        pdf.rect(x0, y + 0.8, max(0.2, width * value / top), height - 1.6, style="F")
        pdf.set_xy(x0 + width + 2, y)
        pdf.cell(20, height, f"{value:,.1f}{unit}")
        pdf.set_y(y + height + 0.5)
    if target:
        pdf.set_draw_color(200, 0, 0)
        pdf.line(x0 + width * target / top, pdf.get_y() - (height + 0.5) * len(items), x0 + width * target / top, pdf.get_y())
        pdf.set_draw_color(0, 0, 0)
    pdf.ln(2)
