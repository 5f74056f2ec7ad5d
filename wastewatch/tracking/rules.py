"""The vehicle rules' parameters, each documented in Chinese for the supervisor who asks why an alert was raised.

Every value can be set from the environment (settings.TRACKING_RULES, keys as below); the defaults follow the
usual practice of Chinese sanitation supervision platforms.
"""
from dataclasses import dataclass, field, fields

from django.conf import settings


def _param(default, doc: str):
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Rules:
    overspeed_kmh: float = _param(60.0, "超速：车速高于该值（千米/小时）；城区垃圾车限速一般为 60 千米/小时")
    overspeed_s: int = _param(30, "超速持续不少于该秒数才报“超速行驶”")
    idle_m: float = _param(50.0, "停留判定：车辆在该半径（米）内且车速不高于停留速度上限视为停留")
    idle_speed_kmh: float = _param(5.0, "停留速度上限（千米/小时）：GPS 漂移使静止车辆也有几千米/小时的读数")
    idle_s: int = _param(1800, "作业时段内在点位设施以外停留超过该秒数（30 分钟）报“长时间停留”；作业时段外停车不计")
    offline_s: int = _param(900, "收运计划的作业时段内超过该秒数（15 分钟）没有定位报“作业时段离线”")
    shift_margin_s: int = _param(1800, "作业时段：当日计划第一个时间窗开始前、最后一个时间窗结束后各放宽该秒数")
    late_grace_s: int = _param(900, "时间窗结束后等待该秒数再判定：之后到点为“迟到收运”，当日未到点为“漏收点位”")
    off_route_m: float = _param(800.0, "偏离路线：作业时段内离计划路线（依次连接计划点位的折线）超过该距离（米）")
    off_route_s: int = _param(120, "偏离路线持续不少于该秒数才报“偏离路线”")
    visit_min_s: int = _param(60, "在点位围栏内停留不少于该秒数才算一次到点（路过不算）")
    weighing_window_s: int = _param(3600, "到站（厂）前后该秒数内应有该车在该站（厂）的进站过磅记录")
    weighing_grace_s: int = _param(6 * 3600, "离开后等待该秒数再核对过磅记录（区县每日推送，记录可能晚到），仍没有报“进站（厂）未过磅”")
    stop_m: float = _param(50.0, "停留点识别：轨迹所在范围的直径上限（米）")
    stop_s: int = _param(120, "停留点识别：持续时间下限（秒）；两个停留点之间为一趟行程")

    @staticmethod
    def doc() -> list[dict]:
        """Each parameter with its current value and Chinese explanation, for the rules page and the API."""
        current = active()
        return [{"name": f.name, "value": getattr(current, f.name), "doc": f.metadata["doc"]} for f in fields(Rules)]


# Default fence radius per site kind (metres) where a site has no Geofence of its own.
DEFAULT_RADIUS_M = {
    "dropoff": 60, "staging": 80, "collection": 80, "outlet": 60, "transfer": 200, "sorting": 200,
    "incineration": 400, "landfill": 500, "perishable": 300, "hazardous": 300, "recycling": 300,
}
# Sites where a vehicle unloads and is weighed: a visit there without an intake record is "weighing missing".
INTAKE_KINDS = {"transfer": "transfer_in", "sorting": "sorting_in", "incineration": "facility_in", "landfill": "facility_in",
                "perishable": "facility_in", "hazardous": "facility_in", "recycling": "facility_in"}


def active() -> Rules:
    overrides = getattr(settings, "TRACKING_RULES", {}) or {}
    kinds = {f.name: type(f.default) for f in fields(Rules)}
    return Rules(**{k: kinds[k](v) for k, v in overrides.items() if k in kinds})
