from django.db import models

from wastewatch.registry.models import Device, Site, Vehicle

from ..choices import AlertKind, AlertSource, AlertStatus, Severity


class Alert(models.Model):
    """Something that went wrong at a place or with a vehicle, from any source (DESIGN: one alert model).

    Repeats of the same kind at the same place within the merge window are one alert with a count; each
    repeat is an AlertOccurrence with its own evidence."""

    kind = models.CharField("告警类型", max_length=32, choices=AlertKind.choices, db_index=True)
    source = models.CharField("来源", max_length=16, choices=AlertSource.choices)
    severity = models.CharField("严重程度", max_length=16, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField("状态", max_length=16, choices=AlertStatus.choices, default=AlertStatus.NEW, db_index=True)
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    site = models.ForeignKey(Site, verbose_name="点位设施", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")
    vehicle = models.ForeignKey(Vehicle, verbose_name="车辆", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")
    device = models.ForeignKey(Device, verbose_name="设备", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    title = models.CharField("摘要", max_length=200)
    place_key = models.CharField("地点标识", max_length=64, help_text="合并重复告警用：点位、车辆、设备或约 100 米网格")
    first_at = models.DateTimeField("首次发生", db_index=True)
    last_at = models.DateTimeField("最近发生", db_index=True)
    count = models.PositiveIntegerField("发生次数", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "告警"
        verbose_name_plural = "告警"
        ordering = ["-last_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "place_key", "status"]),
            models.Index(fields=["region_code", "first_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"


class AlertOccurrence(models.Model):
    """One report of an alert: when, what the source said, and the evidence it came with (positions, readings, images)."""

    alert = models.ForeignKey(Alert, verbose_name="告警", on_delete=models.CASCADE, related_name="occurrences")
    at = models.DateTimeField("发生时间", db_index=True)
    source_ref = models.CharField("来源编号", max_length=120, blank=True, help_text="来源与其事件编号（如 camera:平台:事件号），重复推送据此去重")
    message = models.CharField("描述", max_length=500, blank=True)
    evidence = models.JSONField("证据", default=dict, blank=True)
    created_at = models.DateTimeField("接收时间", auto_now_add=True)

    class Meta:
        verbose_name = "告警记录"
        verbose_name_plural = "告警记录"
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source_ref"], condition=~models.Q(source_ref=""), name="unique_occurrence_source_ref"),
        ]
