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
    "core.view_personal": "查看未脱敏的个人信息",
    "core.view_audit": "查看变更记录与登录日志",
}

_ALL = list(ACTIONS)
_REGISTRY_ALL = [a for a in _ALL if a.startswith("registry.")]
_ACCOUNTS_ALL = [a for a in _ALL if a.startswith("accounts.")]

# (code, name, actions, binding) — binding: "region" or "organisation"
DEFAULT_ROLES = [
    ("city_admin", "市级管理员", _ALL, "region"),
    ("county_admin", "县级管理员", [a for a in _ALL if a != "interfaces.manage"], "region"),
    ("street_staff", "镇街工作人员", ["registry.view", "registry.add", "registry.change", "registry.import", "registry.export"], "region"),
    ("community_staff", "社区工作人员", ["registry.view", "registry.change", "registry.export"], "region"),
    ("inspector", "专管员", ["registry.view"], "region"),
    ("hauler", "收运企业", ["registry.view", "registry.change", "registry.export"], "organisation"),
    ("facility_operator", "设施运营单位", ["registry.view", "registry.change", "registry.export"], "organisation"),
    ("auditor", "只读审计员", ["registry.view", "registry.export", "accounts.view", "interfaces.view", "core.view_audit"], "region"),
]
