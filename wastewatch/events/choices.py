from django.db import models


class AlertSource(models.TextChoices):
    CAMERA = "camera", "AI 视频识别"
    VEHICLE = "vehicle", "车辆规则"
    LEDGER = "ledger", "台账核验"
    FACILITY = "facility", "设施监测"
    DEVICE = "device", "设备状态"
    INSPECTION = "inspection", "巡查检查"
    PUBLIC = "public", "群众举报"
    INTERFACE = "interface", "区县系统推送"


class AlertKind(models.TextChoices):
    # At drop-off points, mostly from cameras and inspectors
    LITTERING = "littering", "乱扔垃圾"
    MIXED_DROPOFF = "mixed_dropoff", "混合投放"
    OVERFLOW = "overflow", "垃圾满溢"
    ILLEGAL_DUMPING = "illegal_dumping", "偷倒乱倒"
    BAG_OUTSIDE = "bag_outside", "垃圾袋落地"
    OFF_HOURS = "off_hours", "非投放时段投放"
    FIRE = "fire", "火情烟雾"
    # Vehicles
    OVERSPEED = "overspeed", "超速行驶"
    IDLE = "idle", "长时间停留"
    OFFLINE = "offline", "作业时段离线"
    MISSED_POINT = "missed_point", "漏收点位"
    LATE_POINT = "late_point", "迟到收运"
    OFF_ROUTE = "off_route", "偏离路线"
    WEIGHING_MISSING = "weighing_missing", "进站（厂）未过磅"
    MIXED_HAULING = "mixed_hauling", "混收混运"
    UNREGISTERED_VEHICLE = "unregistered_vehicle", "未登记车辆进场"
    TERMINAL_ALARM = "terminal_alarm", "车载终端报警"
    # Weights and manifests
    WEIGHING_ANOMALY = "weighing_anomaly", "称重异常"
    MANIFEST_DISCREPANCY = "manifest_discrepancy", "联单数量不符"
    MASS_IMBALANCE = "mass_imbalance", "物料不平衡"
    # Facilities
    EMISSION_EXCEEDED = "emission_exceeded", "排放超标"
    FURNACE_TEMPERATURE = "furnace_temperature", "炉温低于限值"
    OVER_CAPACITY = "over_capacity", "超设计能力运行"
    OUTPUT_UNACCOUNTED = "output_unaccounted", "产物去向不明"
    # Devices, people
    DEVICE_OFFLINE = "device_offline", "设备离线"
    DEVICE_FAULT = "device_fault", "设备故障"
    INSPECTION_PROBLEM = "inspection_problem", "巡查发现问题"
    PUBLIC_REPORT = "public_report", "群众举报"
    OTHER = "other", "其他"


class Severity(models.TextChoices):
    LOW = "low", "一般"
    MEDIUM = "medium", "较重"
    HIGH = "high", "严重"
    CRITICAL = "critical", "特别严重"


class AlertStatus(models.TextChoices):
    NEW = "new", "新告警"
    CONFIRMED = "confirmed", "已确认"
    FALSE_POSITIVE = "false_positive", "误报"
    DISPATCHED = "dispatched", "已派单"
    RESOLVED = "resolved", "已办结"


OPEN_STATUSES = (AlertStatus.NEW, AlertStatus.CONFIRMED, AlertStatus.DISPATCHED)


class EvidenceKind(models.TextChoices):
    IMAGE = "image", "图片"
    CLIP = "clip", "视频片段"
    CLIP_URL = "clip_url", "视频片段地址"
    RAW = "raw", "原始报文"


class EvidenceAction(models.TextChoices):
    STORE = "store", "存证"
    VIEW = "view", "查看（打码）"
    VIEW_ORIGINAL = "view_original", "查看原图"
    EXPORT = "export", "导出取证包"
    EXPIRE = "expire", "到期清除"


class UnitLevel(models.TextChoices):
    COUNTY = "county", "县（市、区）"
    STREET = "street", "镇街"
    COMMUNITY = "community", "社区/村"


class WorkOrderStatus(models.TextChoices):
    PENDING = "pending", "待派单"
    DISPATCHED = "dispatched", "已派单"
    ACCEPTED = "accepted", "已接单"
    IN_PROGRESS = "in_progress", "处置中"
    REPORTED = "reported", "已回单"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "审核通过"
    CLOSED = "closed", "已办结"


# Orders the unit still has to act on: these run against the deadline and escalate when it passes.
WORKING_STATUSES = (WorkOrderStatus.DISPATCHED, WorkOrderStatus.ACCEPTED, WorkOrderStatus.IN_PROGRESS, WorkOrderStatus.RETURNED)
DONE_STATUSES = (WorkOrderStatus.APPROVED, WorkOrderStatus.CLOSED)


class StepAction(models.TextChoices):
    CREATE = "create", "生成工单"
    DISPATCH = "dispatch", "派单"
    ACCEPT = "accept", "接单"
    START = "start", "开始处置"
    REPORT = "report", "回单"
    APPROVE = "approve", "审核通过"
    SEND_BACK = "send_back", "退回重办"
    CLOSE = "close", "办结"
    ESCALATE = "escalate", "超期督办"
    COMMENT = "comment", "备注"


class Channel(models.TextChoices):
    PLATFORM = "platform", "平台消息"
    WEBHOOK = "webhook", "Webhook"
    SMS = "sms", "短信"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
