from django.conf import settings
from django.db import models

from .alerts import Alert


class EmergencyPlan(models.Model):
    """An emergency plan (应急预案): structured sections, the incidents and area it covers, the tasks and messages
    it sets off. tasks: [{"level": "community|street|county", "title", "hours"}]; messages: [{"level", "text"}],
    where text may name {place}, {kind} and {time}."""

    code = models.CharField("预案编号", max_length=32, unique=True)
    name = models.CharField("预案名称", max_length=100)
    incident_kinds = models.JSONField("适用事件类型", default=list)
    region_prefix = models.CharField("适用区划（前缀）", max_length=12, blank=True, help_text="空：全市")
    level = models.CharField("响应级别", max_length=8, default="IV", choices=[("I", "Ⅰ级"), ("II", "Ⅱ级"), ("III", "Ⅲ级"), ("IV", "Ⅳ级")])
    sections = models.JSONField("正文", default=dict, help_text="总则、组织体系、响应程序、后期处置……")
    tasks = models.JSONField("处置任务", default=list)
    messages = models.JSONField("通知短信", default=list)
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "应急预案"
        verbose_name_plural = "应急预案"
        ordering = ["code"]

    def __str__(self):
        return self.name


class PlanActivation(models.Model):
    plan = models.ForeignKey(EmergencyPlan, on_delete=models.PROTECT, related_name="activations")
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="plan_activations")
    is_drill = models.BooleanField("演练", default=False)
    started_at = models.DateTimeField("启动时间", auto_now_add=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    region_code = models.CharField("区划代码", max_length=12, db_index=True)

    class Meta:
        verbose_name = "预案启动"
        verbose_name_plural = "预案启动"
        ordering = ["-started_at"]
