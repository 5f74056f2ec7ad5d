from django.db import models

from wastewatch.registry.models import Estate, Site, WasteCategory


class Dropoff(models.Model):
    """One drop-off reported by a smart bin or a collection point (resident drop, point drop). The ledger books the
    day's sum per point and category as one collection movement; the single drops stay here for accuracy figures."""

    interface = models.CharField("来源接口", max_length=40)
    key = models.CharField("业务主键", max_length=200)
    site = models.ForeignKey(Site, verbose_name="投放点/收集点", on_delete=models.PROTECT, related_name="+")
    estate = models.ForeignKey(Estate, verbose_name="小区", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划", max_length=12)
    category = models.ForeignKey(WasteCategory, verbose_name="垃圾类别", on_delete=models.PROTECT, related_name="+")
    weight_t = models.DecimalField("重量（吨）", max_digits=10, decimal_places=5)
    at = models.DateTimeField("投放时间")
    day = models.DateField("日期（北京时间）")
    is_correct = models.BooleanField("分类正确", null=True)
    grade = models.CharField("质量等级", max_length=2, blank=True)

    class Meta:
        verbose_name = "投放记录"
        verbose_name_plural = "投放记录"
        constraints = [models.UniqueConstraint(fields=["interface", "key"], name="unique_dropoff_key")]
        indexes = [models.Index(fields=["site", "day", "category"]), models.Index(fields=["region_code", "day"])]
