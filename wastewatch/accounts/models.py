from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from wastewatch.core.fields import EncryptedCharField
from wastewatch.core.scope import NOTHING, Scope
from wastewatch.registry.models import Organisation, Region, phone_validator

from .permissions import ACTIONS


class Role(models.Model):
    class Binding(models.TextChoices):
        REGION = "region", "按区划"
        ORGANISATION = "organisation", "按单位"

    NATURAL_KEY = "code"
    code = models.CharField("角色代码", max_length=32, unique=True)
    name = models.CharField("角色名称", max_length=32)
    actions = models.JSONField("授权动作", default=list, help_text="例如 registry.view")
    binding = models.CharField("数据范围", max_length=16, choices=Binding.choices, default=Binding.REGION)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering = ["id"]

    def __str__(self):
        return self.name

    def action_labels(self):
        return [ACTIONS.get(a, a) for a in self.actions]


class User(AbstractUser):
    first_name = None
    last_name = None
    real_name = EncryptedCharField("姓名", mask="name", max_length=32)
    phone = EncryptedCharField("手机号", mask="phone", max_length=20, validators=[phone_validator])
    role = models.ForeignKey(Role, verbose_name="角色", null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    region = models.ForeignKey(
        Region, verbose_name="所属区划", null=True, blank=True, on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"

    def __str__(self):
        return self.username

    @property
    def is_active_value(self):
        return self.is_active

    @property
    def scope(self) -> Scope:
        """The data this user may see: a region subtree, narrowed to an organisation for haulers and operators."""
        if not self.is_active or self.role_id is None:
            return NOTHING
        if self.role.binding == Role.Binding.ORGANISATION:
            if self.organisation_id is None:
                return NOTHING
            return Scope(region_prefix="", organisation_id=self.organisation_id)
        if self.region_id is None:
            return NOTHING
        return Scope(region_prefix=self.region.prefix)

    def can(self, action: str) -> bool:
        return self.is_active and self.role_id is not None and action in self.role.actions


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=64)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=8)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("到期时间")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    @property
    def usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


class LoginEvent(models.Model):
    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        BAD_PASSWORD = "bad_password", "密码错误"
        LOCKED = "locked", "账号锁定"
        INACTIVE = "inactive", "账号停用"
        UNKNOWN_USER = "unknown_user", "账号不存在"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    username = models.CharField("账号", max_length=150, db_index=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="login_events")
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    user_agent = models.CharField("客户端", max_length=300, blank=True)
    channel = models.CharField("方式", max_length=16, default="page")
    region_code = models.CharField(max_length=12, blank=True, db_index=True)

    class Meta:
        verbose_name = "登录日志"
        verbose_name_plural = "登录日志"
        ordering = ["-at"]
