from django.db import models

from wastewatch.registry.models import Site


class FacilityOperation(models.Model):
    """A plant's running figures at a moment: cumulative treatment and power of the day so far (interface 14), or a
    rural station's daily totals (interface 35)."""

    site = models.ForeignKey(Site, verbose_name="处置设施", on_delete=models.PROTECT, related_name="operations")
    region_code = models.CharField("区划", max_length=12)
    at = models.DateTimeField("数据时间")
    day = models.DateField("日期（北京时间）")
    run_state = models.CharField("运行状态", max_length=2, blank=True, help_text="1 正常运行 2 计划检修 3 故障停机 4 停运")
    treated_t = models.DecimalField("当日累计处理量（吨）", max_digits=10, decimal_places=3)
    out_t = models.DecimalField("当日出料量（吨）", max_digits=10, decimal_places=3, null=True, blank=True)
    line_count = models.PositiveSmallIntegerField("生产线数", null=True, blank=True)
    running_lines = models.PositiveSmallIntegerField("运行线数", null=True, blank=True)
    power_kwh = models.DecimalField("当日累计发电量（千瓦时）", max_digits=14, decimal_places=1, null=True, blank=True)
    power_grid_kwh = models.DecimalField("当日累计上网电量（千瓦时）", max_digits=14, decimal_places=1, null=True, blank=True)
    stock_t = models.DecimalField("垃圾池存量（吨）", max_digits=12, decimal_places=3, null=True, blank=True)
    source_interface = models.CharField("来源接口", max_length=40, blank=True)

    class Meta:
        verbose_name = "设施运行数据"
        verbose_name_plural = "设施运行数据"
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["site", "at"], name="unique_operation_site_at")]
        indexes = [models.Index(fields=["site", "day"]), models.Index(fields=["region_code", "day"])]


class MonitoringLimit(models.Model):
    """A limit of an applicable national standard, kept as data so that a stricter local limit or a revised standard
    is an edit, not a release. `bound` max: a reading above is exceeded; min: below (furnace temperature)."""

    class Bound(models.TextChoices):
        MAX = "max", "上限"
        MIN = "min", "下限"

    site_kind = models.CharField("设施类型", max_length=16, help_text="registry 点位类型，如 incineration、landfill")
    item = models.CharField("监测指标", max_length=16)
    name = models.CharField("指标名称", max_length=32)
    unit = models.CharField("单位", max_length=16)
    bound = models.CharField("限值类型", max_length=3, choices=Bound.choices, default=Bound.MAX)
    value = models.DecimalField("限值", max_digits=10, decimal_places=3)
    averaging = models.CharField("取值时间", max_length=16, default="1h", help_text="1h 小时均值，24h 日均值，instant 即时值")
    standard = models.CharField("依据标准", max_length=100)

    class Meta:
        verbose_name = "监测限值"
        verbose_name_plural = "监测限值"
        ordering = ["site_kind", "item", "averaging"]
        constraints = [models.UniqueConstraint(fields=["site_kind", "item", "averaging"], name="unique_monitoring_limit")]

    def __str__(self):
        return f"{self.name} {self.get_bound_display()} {self.value} {self.unit}"


class MonitoringReading(models.Model):
    site = models.ForeignKey(Site, verbose_name="处置设施", on_delete=models.PROTECT, related_name="readings")
    region_code = models.CharField("区划", max_length=12)
    point = models.CharField("监测点位", max_length=32)
    item = models.CharField("监测指标", max_length=16)
    at = models.DateTimeField("监测时间")
    day = models.DateField("日期（北京时间）")
    value = models.DecimalField("监测值", max_digits=12, decimal_places=3)
    limit_value = models.DecimalField("适用限值", max_digits=10, decimal_places=3, null=True, blank=True)
    bound = models.CharField("限值类型", max_length=3, blank=True)
    reported_exceeded = models.BooleanField("报送方标记超标", default=False)
    exceeded = models.BooleanField("超标", default=False, db_index=True)

    class Meta:
        verbose_name = "设施监测数据"
        verbose_name_plural = "设施监测数据"
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["site", "point", "item", "at"], name="unique_reading")]
        indexes = [models.Index(fields=["site", "day"]), models.Index(fields=["region_code", "day"])]


class FacilityOutput(models.Model):
    """What a plant produced in a period (fly ash, bottom ash, biogas, oil, compost, electricity, leachate), in the
    output's own unit. Mass outputs are also booked in the ledger (stage output) so they can be traced onwards."""

    class Kind(models.TextChoices):
        FLY_ASH = "01", "飞灰"
        BOTTOM_ASH = "02", "炉渣"
        BIOGAS = "03", "沼气"
        OIL = "04", "油脂"
        COMPOST = "05", "堆肥（有机肥）"
        ELECTRICITY = "06", "电"
        LEACHATE = "07", "渗滤液"

    site = models.ForeignKey(Site, verbose_name="处置设施", on_delete=models.PROTECT, related_name="outputs")
    region_code = models.CharField("区划", max_length=12)
    kind = models.CharField("产物类型", max_length=2, choices=Kind.choices)
    at = models.DateTimeField("统计时刻")
    day = models.DateField("日期（北京时间）")
    amount = models.DecimalField("产生量", max_digits=14, decimal_places=3)
    unit = models.CharField("单位", max_length=8)
    stock = models.DecimalField("厂内暂存量", max_digits=14, decimal_places=3, null=True, blank=True)

    class Meta:
        verbose_name = "处置产物"
        verbose_name_plural = "处置产物"
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["site", "kind", "at"], name="unique_output")]
        indexes = [models.Index(fields=["site", "day"]), models.Index(fields=["region_code", "day"])]
