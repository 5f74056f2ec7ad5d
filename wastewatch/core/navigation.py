"""The menu: each app registers its pages in its AppConfig.ready(); the menu shows a user only what they may open."""
from dataclasses import dataclass

from django.urls import reverse

ORDER = ["基础档案", "收运监管", "台账与设施", "告警与工单", "统计考核", "数据接口", "系统管理"]


@dataclass(frozen=True)
class Entry:
    group: str
    label: str
    url_name: str
    permission: str


ENTRIES: list[Entry] = []


def register(group: str, permission: str, items: list[tuple[str, str]]) -> None:
    """items: (label, url name) pairs shown in `group` to users holding `permission`."""
    if group not in ORDER:
        raise ValueError(f"menu group {group!r} is not in navigation.ORDER")
    for label, url_name in items:
        if not any(e.url_name == url_name for e in ENTRIES):
            ENTRIES.append(Entry(group, label, url_name, permission))


def visible(user) -> dict[str, list[tuple[str, str, str]]]:
    groups: dict[str, list] = {}
    for entry in ENTRIES:
        if user.can(entry.permission):
            groups.setdefault(entry.group, []).append((entry.label, reverse(entry.url_name), entry.url_name))
    return groups
