"""Actions a role may grant, per app. A user holds one role."""

ACTIONS = {
    "registry.view": "查看基础档案",
    "registry.add": "新增基础档案",
    "registry.change": "修改、停用/启用基础档案",
    "registry.import": "导入基础档案",
    "registry.export": "导出基础档案",
    "accounts.view": "查看账号",
    "accounts.add": "新增账号",
    "accounts.change": "修改、停用账号",
    "accounts.import": "导入账号",
    "accounts.export": "导出账号",
    "interfaces.view": "查看数据接口推送与健康度",
    "interfaces.manage": "管理接入系统（AppKey）与重放推送",
    "tracking.view": "查看车辆定位、轨迹、到点记录与收运计划执行",
    "tracking.manage": "维护电子围栏、收运计划与车辆规则参数",
    "ledger.view": "查看收运处台账、联单、设施运行与物料平衡",
    "ledger.add": "录入台账、过磅记录与设施数据",
    "ledger.sign": "签署联单（发运、承运、接收）",
    "events.view": "查看告警与工单",
    "events.handle": "办理工单（接单、回单）与巡查打卡",
    "events.dispatch": "确认告警、派单、审核回单、督办",
    "events.manage": "维护派单规则、检查表与应急预案",
    "events.view_faces": "查看未打码的取证图像",
    "events.export_evidence": "导出取证包",
    "reports.view": "查看指标、排名、碳减排与报表",
    "reports.manage": "维护考核细则、碳排放因子与无废指数体系",
    "core.view_personal": "查看未脱敏的个人信息",
    "core.view_audit": "查看变更记录与登录日志",
}

_ALL = list(ACTIONS)
_REGISTRY_ALL = [a for a in _ALL if a.startswith("registry.")]
_ACCOUNTS_ALL = [a for a in _ALL if a.startswith("accounts.")]
_VIEW_CHAIN = ["tracking.view", "ledger.view", "events.view", "reports.view"]

# (code, name, actions, binding) — binding: "region" or "organisation"
DEFAULT_ROLES = [
    ("city_admin", "市级管理员", _ALL, "region"),
    ("county_admin", "县级管理员", [a for a in _ALL if a not in ("interfaces.manage", "events.view_faces")], "region"),
    ("street_staff", "镇街工作人员", ["registry.view", "registry.add", "registry.change", "registry.import", "registry.export",
                                      *_VIEW_CHAIN, "events.handle", "events.dispatch"], "region"),
    ("community_staff", "社区工作人员", ["registry.view", "registry.change", "registry.export", "events.view", "events.handle",
                                         "reports.view"], "region"),
    ("inspector", "专管员", ["registry.view", "events.view", "events.handle"], "region"),
    ("enforcement", "综合执法人员", ["registry.view", "events.view", "events.view_faces", "events.export_evidence"], "region"),
    ("hauler", "收运企业", ["registry.view", "registry.change", "registry.export", "tracking.view", "ledger.view", "ledger.add",
                            "ledger.sign", "events.view"], "organisation"),
    ("facility_operator", "设施运营单位", ["registry.view", "registry.change", "registry.export", "ledger.view", "ledger.add",
                                           "ledger.sign", "events.view"], "organisation"),
    ("generator", "产废单位", ["registry.view", "ledger.view", "ledger.add", "ledger.sign"], "organisation"),
    ("auditor", "只读审计员", ["registry.view", "registry.export", "accounts.view", "interfaces.view", "core.view_audit",
                               *_VIEW_CHAIN], "region"),
]
