import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from wastewatch.core.fields import EncryptedCharField
from wastewatch.core.models import TimestampedModel
from wastewatch.core.scope import Scope, region_prefix
from wastewatch.registry.models import Region


class ApiClient(TimestampedModel):
    """A county system allowed to push the data interfaces for its own county."""

    class SignMethod(models.TextChoices):
        SM3 = "HMAC-SM3", "HMAC-SM3"
        SHA256 = "HMAC-SHA256", "HMAC-SHA256"

    name = models.CharField("系统名称", max_length=100)
    region = models.ForeignKey(Region, verbose_name="所属县（市、区）", on_delete=models.PROTECT, db_column="region_code")
    app_key = models.CharField("AppKey", max_length=32, unique=True)
    # The secret keys an HMAC, so it must be recoverable: SM4-encrypted rather than hashed.
    secret = EncryptedCharField("密钥", mask="id_number", max_length=64)
    is_active = models.BooleanField("启用", default=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_push_at = models.DateTimeField("最近推送", null=True, blank=True)

    class Meta:
        verbose_name = "接入系统"
        verbose_name_plural = "接入系统"

    def __str__(self):
        return f"{self.name}（{self.app_key}）"

    # An ApiClient acts as the actor of the writes its pushes cause.
    @property
    def username(self):
        return f"client:{self.app_key}"

    @property
    def scope(self) -> Scope:
        return Scope(region_prefix=region_prefix(self.region_id, "county"))

    def can(self, action):
        return action in {"registry.view", "registry.add", "registry.change"}


class UsedNonce(models.Model):
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE)
    nonce = models.CharField(max_length=64)
    seen_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "nonce"], name="unique_client_nonce")]


class PushBatch(models.Model):
    """One request, archived raw before it is applied or answered."""

    class Status(models.TextChoices):
        RECEIVED = "received", "已接收"
        APPLIED = "applied", "已处理"

    client = models.ForeignKey(ApiClient, verbose_name="接入系统", on_delete=models.PROTECT, related_name="batches")
    interface = models.CharField("接口", max_length=40, db_index=True)
    region_code = models.CharField("县级区划", max_length=12, db_index=True)
    received_at = models.DateTimeField("接收时间", default=timezone.now, db_index=True)
    # Encrypted whole: it carries personal data (officers', residents' names and phones). Searched by `keys`.
    body = EncryptedCharField("原始报文", mask="name")
    keys = models.TextField("记录标识与业务主键", blank=True, help_text="供检索：各记录的 uid 与业务主键，空格分隔")
    digest = models.CharField("报文摘要（SM3）", max_length=64)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.RECEIVED)
    record_count = models.PositiveIntegerField("记录数", default=0)
    accepted = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    deleted = models.PositiveIntegerField("删除", default=0)
    unchanged = models.PositiveIntegerField("无变化", default=0)
    rejected = models.PositiveIntegerField("拒收", default=0)
    results = models.JSONField("逐条结果", default=list)
    replay_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays")

    class Meta:
        verbose_name = "推送批次"
        verbose_name_plural = "推送批次"
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["client", "interface", "digest"])]

    def __str__(self):
        return f"{self.interface} #{self.pk}"


class InterfaceRecord(models.Model):
    """The latest state of every record pushed, by interface and business key.

    References between interfaces are checked against it, and interfaces whose
    domain app is not built yet keep their data here."""

    interface = models.CharField("接口", max_length=40)
    key = models.CharField("业务主键", max_length=200)
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    uid = models.CharField("记录标识", max_length=64)
    data = models.JSONField("数据")
    is_deleted = models.BooleanField("已删除", default=False)
    batch = models.ForeignKey(PushBatch, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField("首次接收", auto_now_add=True)
    updated_at = models.DateTimeField("最近更新", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "接口记录"
        verbose_name_plural = "接口记录"
        constraints = [models.UniqueConstraint(fields=["interface", "key"], name="unique_interface_key")]


class FlowDay(models.Model):
    """Prepared counters of one county's flow on one interface on one day (Asia/Shanghai), kept by every push."""

    region_code = models.CharField("县级区划", max_length=12)
    interface = models.CharField("接口", max_length=40)
    day = models.DateField("日期")
    batches = models.PositiveIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    reference_failures = models.PositiveIntegerField(default=0)
    complete = models.PositiveIntegerField("字段完整的记录", default=0)
    last_record_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region_code", "interface", "day"], name="unique_flow_day")]
        indexes = [models.Index(fields=["interface", "day"])]


class Milestone(models.Model):
    """A rollout deadline of the plan's annex 2: these interfaces, live for this county, by this date."""

    region = models.ForeignKey(Region, verbose_name="县（市、区）", on_delete=models.PROTECT, db_column="region_code")
    task = models.CharField("目标任务", max_length=100)
    interfaces = models.JSONField("接口", default=list)
    deadline = models.DateField("截止日期", null=True, blank=True, help_text="空：不适用（附件 2 中的“/”）")

    class Meta:
        verbose_name = "对接时间节点"
        verbose_name_plural = "对接时间节点"
        ordering = ["region_id", "deadline"]
        constraints = [models.UniqueConstraint(fields=["region", "task"], name="unique_milestone")]


class RelayMessage(models.Model):
    """One record change of a provincial interface, waiting in the outbox to be forwarded to the provincial platform.

    Written in the same transaction as the InterfaceRecord it copies (rule 6), so a change the county was told
    is stored is also queued for the province; sent strictly in order per (interface, key)."""

    class Operation(models.TextChoices):
        INSERT = "I", "新增"
        UPDATE = "U", "修改"
        DELETE = "D", "删除"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        DEAD = "dead", "发送失败"

    message_id = models.UUIDField("消息标识", default=uuid.uuid4, unique=True, editable=False)
    interface = models.CharField("接口", max_length=40)
    key = models.CharField("业务主键", max_length=200)
    region_code = models.CharField("县级区划", max_length=12)
    operation = models.CharField("操作类型", max_length=1, choices=Operation.choices)
    payload = models.JSONField("报文记录")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送时间", default=timezone.now)
    last_error = models.TextField("最近错误", blank=True)
    sent_at = models.DateTimeField("发送成功时间", null=True, blank=True)
    created_at = models.DateTimeField("入队时间", default=timezone.now)
    batch = models.ForeignKey(PushBatch, verbose_name="来源批次", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "省级转发消息"
        verbose_name_plural = "省级转发消息"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="relay_due"),
            models.Index(fields=["interface", "key", "status"], name="relay_key_order"),
            models.Index(fields=["region_code", "status"], name="relay_county_status"),
        ]

    def __str__(self):
        return f"{self.interface} {self.key} {self.operation} #{self.pk}"
