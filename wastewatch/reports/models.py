"""Prepared aggregates of the ledger and the events, and the tables the city edits (factors, rubric, index tree),
the published red and black lists and the generated report files.

Aggregate is the one table pages and the cockpit read: per period (day, month, year), per region at each level
(city, county, street, community) and per estate, one row holding every measure. Measures are base sums (tonnes moved,
records, alerts, inspections, work orders); indicators are formulas over them (catalogue.py), evaluated on read.
It is refreshed incrementally (refresh.py): the days a write touched are recomputed, and their months and years
adjusted by the difference."""
from django.db import models

from wastewatch.registry.models import Estate


class Period(models.TextChoices):
    DAY = "day", "日"
    MONTH = "month", "月"
    YEAR = "year", "年"


class Level(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县（市、区）"
    STREET = "street", "镇街"
    COMMUNITY = "community", "社区/村"
    ESTATE = "estate", "小区"


class Aggregate(models.Model):
    """One place's figures of one period: every measure in one JSON object, so that a place-day is one row however
    many categories, stages and alert kinds it saw (a measure per row made a year of the full city tens of millions
    of rows; see bench/README.md)."""

    period = models.CharField("周期", max_length=8, choices=Period.choices)
    start = models.DateField("周期起始日")
    level = models.CharField("层级", max_length=12, choices=Level.choices)
    region_code = models.CharField("区划代码", max_length=12, help_text="小区行为其所属社区")
    estate = models.ForeignKey(Estate, verbose_name="小区", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               db_constraint=False)
    values = models.JSONField("度量", default=dict, help_text="度量代码 → 数值（零值不存）")

    class Meta:
        verbose_name = "统计汇总"
        verbose_name_plural = "统计汇总"
        indexes = [
            models.Index(fields=["period", "start", "level", "region_code"]),
            models.Index(fields=["period", "level", "region_code", "start"]),
            models.Index(fields=["period", "estate", "start"]),
        ]


class RefreshState(models.Model):
    """What the refresh has already seen of the recent changes (see refresh.py), and the lease of the pass running."""

    source = models.CharField("来源", max_length=32, unique=True)
    scanned_at = models.DateTimeField("上次扫描开始", null=True, blank=True)
    seen = models.JSONField("窗口内已处理的变更", default=dict)
    lease_until = models.DateTimeField("刷新占用至", null=True, blank=True)
    refreshed_at = models.DateTimeField("最近刷新", null=True, blank=True)


class DirtyDay(models.Model):
    day = models.DateField("待重算日期", unique=True)
    marked_at = models.DateTimeField("标记时间", auto_now_add=True)


class Certainty(models.TextChoices):
    HIGH = "high", "高：官方文件或标准"
    MEDIUM = "medium", "中：IPCC 缺省值或公开文献"
    LOW = "low", "低：代用值（非中国数据）"
    ASSUMED = "assumed", "假设：未找到来源，待市里确认"


class Factor(models.Model):
    """An editable number with its source: carbon factors and the route coefficients of the recovery rate."""

    class Group(models.TextChoices):
        CARBON = "carbon", "碳排放因子"
        RATE = "rate", "指标系数"

    code = models.CharField("代码", max_length=40, unique=True)
    group = models.CharField("类别", max_length=8, choices=Group.choices)
    name = models.CharField("名称", max_length=100)
    value = models.DecimalField("数值", max_digits=12, decimal_places=5)
    unit = models.CharField("单位", max_length=40)
    source = models.CharField("来源", max_length=300)
    certainty = models.CharField("可信程度", max_length=8, choices=Certainty.choices)
    note = models.CharField("说明", max_length=300, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "因子"
        verbose_name_plural = "因子"
        ordering = ["group", "code"]

    def __str__(self):
        return f"{self.name} = {self.value} {self.unit}"


class RubricItem(models.Model):
    """One item of the estate assessment: what it reads, how it is scored, its weight (weights add up to 100)."""

    code = models.CharField("代码", max_length=32, unique=True)
    name = models.CharField("考核项", max_length=60)
    indicator = models.CharField("依据指标", max_length=40)
    weight = models.DecimalField("权重（分）", max_digits=5, decimal_places=1)
    higher_is_better = models.BooleanField("越高越好", default=True)
    best = models.FloatField("满分值", help_text="达到该值得满分")
    worst = models.FloatField("零分值", help_text="达到该值得零分；其间线性")
    note = models.CharField("说明", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "小区考核细则"
        verbose_name_plural = "小区考核细则"
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.name}（{self.weight} 分）"


class ListKind(models.TextChoices):
    RED = "red", "红榜"
    BLACK = "black", "黑榜"


class ListPublication(models.Model):
    """The red and black lists of one county (or the city) for one month, as published."""

    month = models.DateField("月份")
    region_code = models.CharField("发布范围", max_length=12, db_index=True)
    size = models.PositiveSmallIntegerField("每榜名额")
    rubric = models.JSONField("发布时的考核细则", default=list)
    published_at = models.DateTimeField("发布时间", auto_now_add=True)
    published_by = models.CharField("发布人", max_length=150)

    class Meta:
        verbose_name = "红黑榜"
        verbose_name_plural = "红黑榜"
        ordering = ["-month", "region_code"]
        constraints = [models.UniqueConstraint(fields=["month", "region_code"], name="unique_list_month_region")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.region_code} 红黑榜"


class ListEntry(models.Model):
    class Change(models.TextChoices):
        ENTERED = "entered", "新上榜"
        STAYED = "stayed", "连续上榜"
        LEFT = "left", "本期退出"

    publication = models.ForeignKey(ListPublication, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField("榜单", max_length=8, choices=ListKind.choices)
    estate = models.ForeignKey(Estate, verbose_name="小区", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    rank = models.PositiveIntegerField("排名", null=True, blank=True)
    score = models.FloatField("得分", null=True, blank=True)
    change = models.CharField("变化", max_length=8, choices=Change.choices)

    class Meta:
        verbose_name = "上榜记录"
        verbose_name_plural = "上榜记录"
        ordering = ["publication", "kind", "rank"]


class IndexNode(models.Model):
    """A node of the zero-waste index tree: first level (weight among the first level) or second level (an indicator
    with its target and normalisation, weight within its parent)."""

    class Normalisation(models.TextChoices):
        TARGET = "target", "达标比例：实际÷目标，封顶 1"
        LINEAR = "linear", "线性：零分值到目标值之间线性"

    code = models.CharField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=60)
    parent = models.ForeignKey("self", verbose_name="上级指标", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    stream = models.CharField("固废类别", max_length=32, blank=True, help_text="生活垃圾、一般工业固废、危险废物、建筑垃圾、农业废弃物")
    weight = models.DecimalField("权重", max_digits=5, decimal_places=2)
    indicator = models.CharField("依据指标", max_length=40, blank=True)
    target = models.FloatField("目标值", null=True, blank=True)
    floor = models.FloatField("零分值", null=True, blank=True)
    higher_is_better = models.BooleanField("越高越好", default=True)
    normalisation = models.CharField("标准化方法", max_length=8, choices=Normalisation.choices, default=Normalisation.TARGET)
    source = models.CharField("依据", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "无废指数指标"
        verbose_name_plural = "无废指数指标"
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class ReportFile(models.Model):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", "月报"
        ANNUAL = "annual", "年报"

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel"
        PDF = "pdf", "PDF"

    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    start = models.DateField("周期起始日")
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    format = models.CharField("格式", max_length=4, choices=Format.choices)
    content = models.BinaryField("文件")
    size = models.PositiveIntegerField("大小（字节）")
    generated_at = models.DateTimeField("生成时间", auto_now=True)
    generated_by = models.CharField("生成方式", max_length=150)

    class Meta:
        verbose_name = "报表文件"
        verbose_name_plural = "报表文件"
        ordering = ["-start", "region_code", "kind", "format"]
        constraints = [models.UniqueConstraint(fields=["kind", "start", "region_code", "format"], name="unique_report_file")]

    @property
    def filename(self):
        label = f"{self.start:%Y年%m月}" if self.kind == self.Kind.MONTHLY else f"{self.start:%Y年}"
        return f"垃圾分类{self.get_kind_display()}_{self.region_code[:6]}_{label}.{self.format}"
