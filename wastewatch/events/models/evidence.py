from django.conf import settings
from django.db import models

from wastewatch.registry.models import Device

from ..choices import AlertSource, EvidenceAction, EvidenceKind
from .alerts import Alert, AlertOccurrence


class Evidence(models.Model):
    """One preserved file (取证固证): stored once under its SM3 digest, read-only, never altered.

    Attached to an alert's occurrence, a work order's step or an inspection; a clip the camera platform keeps
    itself is recorded by its URL only. `removed_at` is set by the retention job when the file is deleted."""

    kind = models.CharField("类型", max_length=16, choices=EvidenceKind.choices)
    sm3 = models.CharField("SM3 摘要", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField("字节数", default=0)
    content_type = models.CharField("格式", max_length=64, blank=True)
    url = models.CharField("外部地址", max_length=500, blank=True, help_text="视频片段由摄像平台保存时的地址")
    captured_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    source = models.CharField("来源", max_length=16, choices=AlertSource.choices + [("work_order", "工单回单")])
    device = models.ForeignKey(Device, verbose_name="设备", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    alert = models.ForeignKey(Alert, verbose_name="告警", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_files")
    occurrence = models.ForeignKey(AlertOccurrence, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_files")
    step = models.ForeignKey("events.WorkOrderStep", null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    faces = models.JSONField("人脸区域", null=True, blank=True, default=None,
                             help_text="检测到的人脸框 [x, y, w, h]，显示时打码；空值：图片尚未检测（显示前先检测）")
    stored_at = models.DateTimeField("存证时间", auto_now_add=True, db_index=True)
    retain_until = models.DateTimeField("保存期限", db_index=True)
    removed_at = models.DateTimeField("清除时间", null=True, blank=True)

    class Meta:
        verbose_name = "取证文件"
        verbose_name_plural = "取证文件"
        ordering = ["stored_at", "id"]
        # The face-detection job's queue: images stored but not yet looked at, a handful at any time.
        indexes = [models.Index(fields=["stored_at"], condition=models.Q(faces__isnull=True), name="evidence_faces_pending")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.sm3[:12]}"

    @property
    def is_file(self):
        return self.kind in (EvidenceKind.IMAGE, EvidenceKind.CLIP, EvidenceKind.RAW)


class EvidenceAccess(models.Model):
    """Every look at and every export of evidence, by whom and when (the chain of custody)."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="accesses")
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField("操作人", max_length=150)
    action = models.CharField("动作", max_length=16, choices=EvidenceAction.choices)
    region_code = models.CharField("区划代码", max_length=12, db_index=True)

    class Meta:
        verbose_name = "取证访问记录"
        verbose_name_plural = "取证访问记录"
        ordering = ["at", "id"]


class EvidenceExport(models.Model):
    """An evidence package handed out: its manifest's digest is what a later verification checks against."""

    package_id = models.CharField("取证包编号", max_length=40, unique=True)
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="exports")
    manifest_sm3 = models.CharField("清单 SM3", max_length=64)
    exported_at = models.DateTimeField("导出时间", auto_now_add=True)
    exported_by = models.CharField("导出人", max_length=150)
    region_code = models.CharField("区划代码", max_length=12, db_index=True)

    class Meta:
        verbose_name = "取证包"
        verbose_name_plural = "取证包"


class CameraEvent(models.Model):
    """A camera platform's push, archived raw (as evidence) before its alert is raised; retries answer from here."""

    client = models.ForeignKey("interfaces.ApiClient", on_delete=models.PROTECT, related_name="+")
    event_id = models.CharField("事件编号", max_length=64)
    received_at = models.DateTimeField("接收时间", auto_now_add=True)
    raw = models.ForeignKey(Evidence, verbose_name="原始报文", on_delete=models.PROTECT, related_name="+")
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="camera_events")
    region_code = models.CharField("区划代码", max_length=12, db_index=True)

    class Meta:
        verbose_name = "摄像平台推送"
        verbose_name_plural = "摄像平台推送"
        constraints = [models.UniqueConstraint(fields=["client", "event_id"], name="unique_camera_event")]
