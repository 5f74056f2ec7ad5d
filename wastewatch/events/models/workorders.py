from django.conf import settings
from django.db import models

from wastewatch.registry.models import Region

from ..choices import AlertKind, Channel, DeliveryStatus, StepAction, UnitLevel, WorkOrderStatus
from .alerts import Alert


class DispatchRule(models.Model):
    """Which unit an alert's work order goes to and how long it has: the most specific rule wins (kind, then region)."""

    kind = models.CharField("告警类型", max_length=32, choices=AlertKind.choices, blank=True, help_text="空：所有类型")
    region_prefix = models.CharField("适用区划（前缀）", max_length=12, blank=True, help_text="空：全市；331002：椒江区")
    unit_level = models.CharField("承办层级", max_length=16, choices=UnitLevel.choices, default=UnitLevel.COMMUNITY)
    deadline_hours = models.PositiveIntegerField("办理时限（小时）", default=24)
    auto_dispatch = models.BooleanField("自动派单", default=True, help_text="否：生成待派单工单，由人工派单")
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "派单规则"
        verbose_name_plural = "派单规则"
        ordering = ["kind", "region_prefix", "id"]

    def __str__(self):
        return f"{self.get_kind_display() or '所有类型'} · {self.region_prefix or '全市'} → {self.get_unit_level_display()}"


class WorkOrder(models.Model):
    number = models.CharField("工单号", max_length=24, unique=True)
    alert = models.ForeignKey(Alert, verbose_name="告警", null=True, blank=True, on_delete=models.PROTECT, related_name="work_orders")
    activation = models.ForeignKey("events.PlanActivation", null=True, blank=True, on_delete=models.PROTECT, related_name="work_orders")
    kind = models.CharField("类型", max_length=32, choices=AlertKind.choices)
    title = models.CharField("标题", max_length=200)
    description = models.TextField("要求", blank=True)
    region_code = models.CharField("承办单位区划", max_length=12, db_index=True, help_text="承办单位（镇街或社区）的区划代码")
    unit = models.ForeignKey(Region, verbose_name="承办单位", on_delete=models.PROTECT, related_name="+", db_column="unit_code")
    status = models.CharField("状态", max_length=16, choices=WorkOrderStatus.choices, default=WorkOrderStatus.PENDING, db_index=True)
    deadline_hours = models.PositiveIntegerField("办理时限（小时）", default=24)
    deadline = models.DateTimeField("办理期限", null=True, blank=True, db_index=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    accepted_at = models.DateTimeField("接单时间", null=True, blank=True)
    reported_at = models.DateTimeField("回单时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField("督办次数", default=0)
    escalated_to = models.ForeignKey(Region, verbose_name="督办单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reopen_count = models.PositiveSmallIntegerField("退回次数", default=0)
    on_time = models.BooleanField("按期回单", null=True, blank=True)
    # Stored rather than computed in the statistics: SQLite can only subtract datetimes in a Python function per row.
    handling_time = models.DurationField("办理用时", null=True, blank=True, editable=False, help_text="派单至回单；回单时写入，退回时清空")
    is_drill = models.BooleanField("演练", default=False)

    class Meta:
        verbose_name = "工单"
        verbose_name_plural = "工单"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"]), models.Index(fields=["region_code", "created_at"]),
            # Covers work_order_stats: a range on dispatch time, then everything it counts, read from the index alone
            # (a year of the city is 200,000 orders; the table rows carry titles and descriptions).
            models.Index(fields=["dispatched_at", "region_code", "is_drill", "unit", "kind", "status", "on_time", "reopen_count",
                                 "escalation_level", "handling_time"], name="events_wo_stats_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class WorkOrderStep(models.Model):
    """One step on an order's timeline: who, when, what, with comment, position and attachments."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField("操作人", max_length=150)
    action = models.CharField("动作", max_length=16, choices=StepAction.choices)
    from_status = models.CharField("原状态", max_length=16, choices=WorkOrderStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=16, choices=WorkOrderStatus.choices, blank=True)
    comment = models.CharField("说明", max_length=1000, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)

    class Meta:
        verbose_name = "工单环节"
        verbose_name_plural = "工单环节"
        ordering = ["at", "id"]


class Notification(models.Model):
    """A notice to a unit (every user of that region) through one channel; outbound channels are retried."""

    region_code = models.CharField("接收单位区划", max_length=12, db_index=True)
    order = models.ForeignKey(WorkOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices, default=Channel.PLATFORM)
    title = models.CharField("标题", max_length=200)
    body = models.CharField("内容", max_length=1000, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    status = models.CharField("发送状态", max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["channel", "status"])]
