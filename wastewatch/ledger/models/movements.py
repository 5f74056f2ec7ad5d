from django.db import models

from wastewatch.core.fields import EncryptedCharField
from wastewatch.registry.models import Estate, Organisation, Site, Vehicle, WasteCategory

from ..choices import Source, Stage


class Movement(models.Model):
    """One movement of waste (DESIGN rule 4): from where, to where, what, how much, when, by which vehicle.

    A place is a registered site, estate or organisation; where the sender or receiver is not registered
    (a recycler named only in an interface), its name is kept in *_label. A pickup's destination is the
    vehicle until it is weighed in somewhere: traceability links the two by vehicle and time.

    region_code is where it happened (the site's community), origin_code the county, street or community the
    waste came from — they differ when a plant serves several counties, and each county's figures use origin."""

    stage = models.CharField("环节", max_length=16, choices=Stage.choices, db_index=True)
    occurred_at = models.DateTimeField("发生时间")
    day = models.DateField("日期（北京时间）")
    region_code = models.CharField("发生地区划", max_length=12)
    origin_code = models.CharField("来源区划", max_length=12, help_text="垃圾来源的县、镇街或社区区划代码（跨区处置据此归属）")
    category = models.ForeignKey(WasteCategory, verbose_name="垃圾类别", on_delete=models.PROTECT, related_name="+")
    net_t = models.DecimalField("净重（吨）", max_digits=10, decimal_places=3)
    gross_t = models.DecimalField("毛重（吨）", max_digits=10, decimal_places=3, null=True, blank=True)
    tare_t = models.DecimalField("皮重（吨）", max_digits=10, decimal_places=3, null=True, blank=True)
    from_site = models.ForeignKey(Site, verbose_name="来源点位设施", null=True, blank=True, on_delete=models.PROTECT, related_name="movements_out")
    from_estate = models.ForeignKey(Estate, verbose_name="来源小区", null=True, blank=True, on_delete=models.PROTECT, related_name="movements_out")
    from_org = models.ForeignKey(Organisation, verbose_name="发货单位", null=True, blank=True, on_delete=models.PROTECT, related_name="movements_out")
    from_label = models.CharField("来源名称", max_length=100, blank=True)
    to_site = models.ForeignKey(Site, verbose_name="去向点位设施", null=True, blank=True, on_delete=models.PROTECT, related_name="movements_in")
    to_org = models.ForeignKey(Organisation, verbose_name="接收单位", null=True, blank=True, on_delete=models.PROTECT, related_name="movements_in")
    to_label = models.CharField("去向名称", max_length=100, blank=True)
    vehicle = models.ForeignKey(Vehicle, verbose_name="车辆", null=True, blank=True, on_delete=models.PROTECT, related_name="movements")
    plate = models.CharField("车牌号", max_length=10, blank=True)
    driver = EncryptedCharField("驾驶员", mask="name", max_length=32)
    source = models.CharField("数据来源", max_length=16, choices=Source.choices)
    source_interface = models.CharField("来源接口", max_length=40, blank=True)
    source_key = models.CharField("来源记录标识", max_length=200, blank=True, help_text="接口的业务主键或导入行号：重复提交据此去重")
    flags = models.JSONField("核验标记", default=list, blank=True)
    manifest = models.ForeignKey("ledger.Manifest", verbose_name="转移联单", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="movements")
    note = models.CharField("备注", max_length=200, blank=True)
    # Kept by the write services (ledger/routes.py): traces join on it instead of matching vehicles and times.
    delivered_in = models.ForeignKey("self", verbose_name="称重入场记录", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="loads", editable=False)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "台账记录"
        verbose_name_plural = "台账记录"
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source_interface", "source_key"], condition=~models.Q(source_key=""),
                                    name="unique_movement_source_key"),
        ]
        indexes = [
            # Aggregates and mass balance read by place and day; traceability by vehicle and time.
            models.Index(fields=["region_code", "day"]),
            models.Index(fields=["origin_code", "day"]),
            models.Index(fields=["to_site", "day"]),
            models.Index(fields=["from_site", "day"]),
            models.Index(fields=["vehicle", "occurred_at"]),
            models.Index(fields=["day", "stage"]),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} {self.net_t} 吨 {self.occurred_at:%Y-%m-%d %H:%M}"
