from django.db import models

from wastewatch.core.fields import EncryptedCharField
from wastewatch.registry.models import Estate, Site

from ..choices import AlertKind
from .alerts import Alert, AlertOccurrence


class PublicReport(models.Model):
    """A resident's report (群众举报) from the public page or API: it raises an alert with source "public" and is
    answered with a receipt code, by which the resident follows its status (and nothing else) without an account.

    The phone is personal data: SM4-encrypted, shown masked. The rate limit counts reports per sender by keyed
    digests of the address and the phone, so neither is kept in the clear for that purpose."""

    receipt = models.CharField("回执码", max_length=16, unique=True)
    kind = models.CharField("问题类型", max_length=32, choices=AlertKind.choices)
    description = models.CharField("问题描述", max_length=500, blank=True)
    phone = EncryptedCharField("联系电话", mask="phone", max_length=20)
    phone_key = models.CharField("电话摘要", max_length=64, blank=True, db_index=True)
    sender_key = models.CharField("来源地址摘要", max_length=64, db_index=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    located_by = models.CharField("定位方式", max_length=16, choices=[("position", "手机定位"), ("estate", "选择小区")])
    estate = models.ForeignKey(Estate, verbose_name="小区", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(Site, verbose_name="点位", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    alert = models.ForeignKey(Alert, verbose_name="告警", on_delete=models.PROTECT, related_name="public_reports")
    occurrence = models.OneToOneField(AlertOccurrence, on_delete=models.PROTECT, related_name="public_report")
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "群众举报"
        verbose_name_plural = "群众举报"
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"{self.receipt} {self.get_kind_display()}"
