"""Vehicle fixes, the latest fix per vehicle, geofences, visits, collection plans and their daily results.

Position is the only table that grows with time (2,000 vehicles every 10 s are 17 million rows a day). It is kept
partition-friendly: no foreign key points at it, every row carries its Beijing `day` and the vehicle's county
`region_code`, reads go through (vehicle, at) or (region_code, day), and retention deletes whole days — on
PostgreSQL the table can be range-partitioned by `day` (and listed by county) and old days dropped as partitions
without changing a query.
"""
from django.db import models

from wastewatch.registry.models import Site, Vehicle

from . import choices


class Position(models.Model):
    """One fix of a vehicle's terminal: where, when, how fast; the alarm and status words of JT/T 808 when known."""

    id = models.BigAutoField(primary_key=True)
    vehicle = models.ForeignKey(Vehicle, verbose_name="车辆", on_delete=models.CASCADE, related_name="+", db_index=False,
                                db_constraint=False)
    region_code = models.CharField("区划代码", max_length=12)
    day = models.DateField("日期（北京时间）")
    at = models.DateTimeField("定位时间")
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    speed = models.FloatField("速度（千米/小时）", default=0)
    heading = models.PositiveSmallIntegerField("方向", default=0)
    alarm = models.BigIntegerField("报警标志", default=0)
    status = models.BigIntegerField("状态", default=0)
    mileage_km = models.FloatField("里程（千米）", null=True, blank=True)
    source = models.CharField("来源", max_length=12, choices=choices.FixSource.choices)

    class Meta:
        verbose_name = "定位点"
        verbose_name_plural = "定位点"
        constraints = [models.UniqueConstraint(fields=["vehicle", "at"], name="unique_position_vehicle_at")]
        indexes = [models.Index(fields=["region_code", "day"])]

    def __str__(self):
        return f"{self.vehicle_id}@{self.at:%Y-%m-%d %H:%M:%S}"


class LatestPosition(models.Model):
    """The newest fix of each vehicle (the live map reads this) and the running state of the streaming rules."""

    vehicle = models.OneToOneField(Vehicle, verbose_name="车辆", primary_key=True, on_delete=models.CASCADE, related_name="latest_position")
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    at = models.DateTimeField("定位时间", db_index=True)
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    speed = models.FloatField("速度（千米/小时）", default=0)
    heading = models.PositiveSmallIntegerField("方向", default=0)
    alarm = models.BigIntegerField("报警标志", default=0)
    status = models.BigIntegerField("状态", default=0)
    source = models.CharField("来源", max_length=12, choices=choices.FixSource.choices)
    site = models.ForeignKey(Site, verbose_name="当前所在点位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Rule state: when the current overspeed / idle / off-route spell began, and whether it has been reported.
    overspeed_since = models.DateTimeField(null=True, blank=True)
    overspeed_max = models.FloatField(default=0)
    idle_since = models.DateTimeField(null=True, blank=True)
    idle_lon = models.FloatField(null=True, blank=True)
    idle_lat = models.FloatField(null=True, blank=True)
    off_route_since = models.DateTimeField(null=True, blank=True)
    reported = models.JSONField("已报告的规则", default=list, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "最新位置"
        verbose_name_plural = "最新位置"


class Geofence(models.Model):
    """A site's fence when the default circle of its kind (rules.DEFAULT_RADIUS_M) does not fit: a radius or a polygon."""

    site = models.OneToOneField(Site, verbose_name="点位设施", on_delete=models.CASCADE, related_name="geofence")
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    shape = models.CharField("形状", max_length=8, choices=choices.FenceShape.choices, default=choices.FenceShape.CIRCLE)
    radius_m = models.PositiveIntegerField("半径（米）", null=True, blank=True)
    polygon = models.JSONField("多边形顶点", default=list, blank=True, help_text="[[经度, 纬度], …]，WGS-84")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "电子围栏"
        verbose_name_plural = "电子围栏"

    def __str__(self):
        return f"{self.site} {self.get_shape_display()}"


class Visit(models.Model):
    """A vehicle inside a site's fence: entered at, left at (empty while still inside), how long."""

    vehicle = models.ForeignKey(Vehicle, verbose_name="车辆", on_delete=models.CASCADE, related_name="visits")
    site = models.ForeignKey(Site, verbose_name="点位设施", on_delete=models.CASCADE, related_name="visits")
    region_code = models.CharField("区划代码", max_length=12)
    day = models.DateField("日期（北京时间）")
    entered_at = models.DateTimeField("到达时间")
    left_at = models.DateTimeField("离开时间", null=True, blank=True)
    last_seen_at = models.DateTimeField("最后在内时间")
    fixes = models.PositiveIntegerField("定位点数", default=1)
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    arrived = models.BooleanField("驶入", default=True, help_text="否：车辆的第一个定位点就在围栏内（如停放过夜），不算一次进站")
    weighing_checked = models.BooleanField("已核对过磅", default=False)

    class Meta:
        verbose_name = "到点记录"
        verbose_name_plural = "到点记录"
        ordering = ["entered_at"]
        indexes = [
            models.Index(fields=["vehicle", "day"]),
            models.Index(fields=["region_code", "day"]),
            models.Index(fields=["site", "entered_at"]),
            models.Index(fields=["weighing_checked", "left_at"]),
        ]

    @property
    def duration_s(self) -> int:
        return int(((self.left_at or self.last_seen_at) - self.entered_at).total_seconds())

    def __str__(self):
        return f"{self.vehicle} @ {self.site} {self.entered_at:%H:%M}"


class VehicleDay(models.Model):
    """A vehicle's day as its county system reports it (vehicle-operation interface): latest cumulative figures."""

    vehicle = models.ForeignKey(Vehicle, verbose_name="车辆", on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField("区划代码", max_length=12)
    day = models.DateField("作业日期")
    trips = models.PositiveIntegerField("趟次", default=0)
    weight_t = models.DecimalField("收运量（吨）", max_digits=9, decimal_places=3, default=0)
    mileage_km = models.DecimalField("里程（千米）", max_digits=9, decimal_places=1, default=0)
    work_hours = models.DecimalField("作业时长（小时）", max_digits=5, decimal_places=1, default=0)
    points = models.PositiveIntegerField("收运点位数", null=True, blank=True)
    source_interface = models.CharField("来源接口", max_length=40, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "车辆日运营"
        verbose_name_plural = "车辆日运营"
        constraints = [models.UniqueConstraint(fields=["vehicle", "day"], name="unique_vehicle_day")]
        indexes = [models.Index(fields=["region_code", "day"])]


class CollectionPlan(models.Model):
    """Scheduled collection (定时定点): a vehicle's route — the sites it serves in order, each in its time window —
    on the weekdays given."""

    name = models.CharField("计划名称", max_length=100)
    vehicle = models.ForeignKey(Vehicle, verbose_name="车辆", on_delete=models.CASCADE, related_name="collection_plans")
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    weekdays = models.CharField("执行日", max_length=7, default="1234567", help_text="1=周一 … 7=周日")
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "收运计划"
        verbose_name_plural = "收运计划"
        ordering = ["vehicle_id", "id"]

    def __str__(self):
        return self.name

    def runs_on(self, day) -> bool:
        return str(day.isoweekday()) in self.weekdays


class PlanPoint(models.Model):
    plan = models.ForeignKey(CollectionPlan, verbose_name="收运计划", on_delete=models.CASCADE, related_name="points")
    seq = models.PositiveSmallIntegerField("顺序")
    site = models.ForeignKey(Site, verbose_name="点位设施", on_delete=models.PROTECT, related_name="+")
    window_start = models.TimeField("时间窗开始")
    window_end = models.TimeField("时间窗结束")

    class Meta:
        verbose_name = "计划点位"
        verbose_name_plural = "计划点位"
        ordering = ["plan_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["plan", "seq"], name="unique_plan_point_seq")]


class PointResult(models.Model):
    """What became of one planned point on one day, decided once its window (and grace) had passed."""

    point = models.ForeignKey(PlanPoint, verbose_name="计划点位", on_delete=models.CASCADE, related_name="results")
    day = models.DateField("日期")
    vehicle = models.ForeignKey(Vehicle, verbose_name="车辆", on_delete=models.CASCADE, related_name="+")
    hauler_id = models.IntegerField("收运企业")
    region_code = models.CharField("点位区划", max_length=12)
    status = models.CharField("执行情况", max_length=12, choices=choices.PointStatus.choices)
    visit = models.ForeignKey(Visit, verbose_name="到点记录", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    evaluated_at = models.DateTimeField("评价时间", auto_now=True)

    class Meta:
        verbose_name = "计划执行结果"
        verbose_name_plural = "计划执行结果"
        constraints = [models.UniqueConstraint(fields=["point", "day"], name="unique_point_result_day")]
        indexes = [models.Index(fields=["region_code", "day"]), models.Index(fields=["hauler_id", "day"])]
