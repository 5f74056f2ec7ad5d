from django.conf import settings
from django.db import models

from wastewatch.core.models import TimestampedModel
from wastewatch.registry.models import Organisation, Site, Vehicle, WasteCategory


class ManifestStatus(models.TextChoices):
    """The life cycle of a transfer manifest (联单), after the national solid-waste information system's electronic
    manifest and the US e-Manifest: the generator drafts and schedules, the hauler signs at pickup, the receiver
    weighs and signs; a receiver may reject part or all of a load."""

    DRAFT = "draft", "草稿"
    SCHEDULED = "scheduled", "待转移"
    IN_TRANSIT = "in_transit", "运输中"
    RECEIVED = "received", "已接收待签收"
    SIGNED = "signed", "已签收办结"
    REJECTED = "rejected", "全部拒收"
    CANCELLED = "cancelled", "已作废"


class Manifest(TimestampedModel):
    number = models.CharField("联单编号", max_length=32, unique=True)
    category = models.ForeignKey(WasteCategory, verbose_name="废物类别", on_delete=models.PROTECT, related_name="+",
                                 help_text="危险废物填 HW 代码（国家危险废物名录）")
    waste_name = models.CharField("废物名称", max_length=100, blank=True)
    generator = models.ForeignKey(Site, verbose_name="产生单位", on_delete=models.PROTECT, related_name="manifests_out")
    generator_org = models.ForeignKey(Organisation, verbose_name="产生单位（法人）", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="manifests_generated")
    hauler = models.ForeignKey(Organisation, verbose_name="运输单位", on_delete=models.PROTECT, related_name="manifests_hauled")
    vehicle = models.ForeignKey(Vehicle, verbose_name="运输车辆", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    receiver = models.ForeignKey(Site, verbose_name="接收单位（设施）", on_delete=models.PROTECT, related_name="manifests_in")
    region_code = models.CharField("产生地区划", max_length=12)
    receiver_region_code = models.CharField("接收地区划", max_length=12)
    status = models.CharField("状态", max_length=16, choices=ManifestStatus.choices, default=ManifestStatus.DRAFT, db_index=True)
    planned_on = models.DateField("计划转移日期", null=True, blank=True)
    shipped_t = models.DecimalField("发运重量（吨）", max_digits=10, decimal_places=3)
    hauled_t = models.DecimalField("承运确认重量（吨）", max_digits=10, decimal_places=3, null=True, blank=True)
    received_t = models.DecimalField("接收过磅重量（吨）", max_digits=10, decimal_places=3, null=True, blank=True)
    rejected_t = models.DecimalField("拒收重量（吨）", max_digits=10, decimal_places=3, null=True, blank=True)
    rejection_reason = models.CharField("拒收原因", max_length=200, blank=True)
    discrepancy = models.BooleanField("数量不符", default=False)
    shipped_at = models.DateTimeField("起运时间", null=True, blank=True)
    received_at = models.DateTimeField("接收时间", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1, help_text="每次更正加一，历史见联单记录")

    class Meta:
        verbose_name = "转移联单"
        verbose_name_plural = "转移联单"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["region_code", "status"]), models.Index(fields=["receiver_region_code", "status"])]

    def __str__(self):
        return self.number


class ManifestEvent(models.Model):
    """A step of a manifest: who did what, signed for which party, with the weight at that step and the state
    before and after — the manifest's history, corrections included."""

    manifest = models.ForeignKey(Manifest, verbose_name="联单", on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=16)
    party = models.CharField("签署方", max_length=12, blank=True, help_text="generator / hauler / receiver / office")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_label = models.CharField("操作人账号", max_length=150, blank=True)
    organisation = models.ForeignKey(Organisation, verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    at = models.DateTimeField("时间")
    weight_t = models.DecimalField("本环节重量（吨）", max_digits=10, decimal_places=3, null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)

    class Meta:
        verbose_name = "联单记录"
        verbose_name_plural = "联单记录"
        ordering = ["at", "id"]
