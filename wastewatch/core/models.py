from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class TimestampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class AuditRecord(models.Model):
    """Who changed what, when, from which path, with the state before and after."""

    class Source(models.TextChoices):
        PAGE = "page", "页面"
        API = "api", "接口"
        IMPORT = "import", "导入"
        INTERFACE = "interface", "数据接口"
        SYSTEM = "system", "系统"
        DEMO = "demo", "演示数据"

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        ENABLE = "enable", "启用"
        DISABLE = "disable", "停用"
        DELETE = "delete", "删除"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField("操作人账号", max_length=150, blank=True)
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    action = models.CharField("动作", max_length=16, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, verbose_name="对象类型", on_delete=models.PROTECT)
    object_pk = models.CharField("对象编号", max_length=64)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    region_code = models.CharField("区划代码", max_length=12, blank=True, db_index=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)

    class Meta:
        verbose_name = "变更记录"
        verbose_name_plural = "变更记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_pk"])]

    def __str__(self):
        return f"{self.actor_label} {self.get_action_display()} {self.object_repr}"

    def changes(self):
        """(field, before, after) for each field that differs."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
