from django.conf import settings
from django.db import models

from wastewatch.registry.choices import SiteKind
from wastewatch.registry.models import Estate, Site

from .evidence import Evidence


class Checklist(models.Model):
    """What an inspector checks at a kind of site; items: [{"code", "text", "points"}], points adding up to 100."""

    site_kind = models.CharField("点位类型", max_length=16, choices=SiteKind.choices, unique=True)
    name = models.CharField("名称", max_length=100)
    items = models.JSONField("检查项", default=list)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "检查表"
        verbose_name_plural = "检查表"

    def __str__(self):
        return self.name


class Inspection(models.Model):
    """A patrol check-in (巡检打卡) at a site: where and when the inspector stood, the photo, the checklist's answers."""

    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(Site, verbose_name="点位", on_delete=models.PROTECT, related_name="inspections")
    estate = models.ForeignKey(Estate, verbose_name="小区", null=True, blank=True, on_delete=models.PROTECT, related_name="inspections")
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    at = models.DateTimeField("打卡时间", db_index=True)
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    distance_m = models.FloatField("距点位（米）")
    photo = models.ForeignKey(Evidence, verbose_name="现场照片", on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField("检查结果", default=dict, help_text="检查项代码 → 是否合格")
    score = models.DecimalField("得分", max_digits=5, decimal_places=1)
    problems = models.PositiveSmallIntegerField("问题数", default=0)
    note = models.CharField("备注", max_length=500, blank=True)

    class Meta:
        verbose_name = "巡检打卡"
        verbose_name_plural = "巡检打卡"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["estate", "at"])]
