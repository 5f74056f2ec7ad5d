"""The cockpit's data endpoints: one per themed dashboard, scoped to the caller's region (outside: 404)."""
from ninja import Router

from wastewatch.core.api import require
from wastewatch.core.errors import ServiceError
from wastewatch.core.schemas import ErrorOut
from wastewatch.reports.selectors import parse_window, region_visible

from . import data
from .areas import areas_geojson

router = Router(tags=["驾驶舱"])


@router.get("/areas", response={200: dict, 403: ErrorOut, 404: ErrorOut}, summary="下钻地图：镇街（社区）示意范围")
def areas(request, region: str = ""):
    """The indicative areas of a county's streets (a street's communities): GeoJSON for the drill-down map."""
    require(request, "reports.view")
    return areas_geojson(region_visible(user=request.auth, code=region))


@router.get("/{theme}", response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="主题舱数据（预计算汇总）")
def theme_data(request, theme: str, region: str = "", at: str = ""):
    require(request, "reports.view")
    if theme not in data.BUILDERS:
        raise ServiceError("没有这个主题舱", status=404, code="not_found",
                           details=[{"field": "theme", "reason": f"应为 {'、'.join(data.THEMES)} 之一"}])
    r = region_visible(user=request.auth, code=region)
    return {"theme": theme, "title": data.THEMES[theme], "region": {"code": r.code, "name": r.name, "level": r.level},
            **data.BUILDERS[theme](r, request.auth, parse_window("month", at))}
