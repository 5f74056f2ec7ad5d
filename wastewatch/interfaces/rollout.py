"""The rollout plan's deadlines (台分类办〔2022〕7号, annex 2), per county, as data.

Annex 2's tables are printed with merged cells; read as follows (椒江 is the first column):
- subject/drop-off/staging/transfer/sorting interfaces: 椒江 2022-05-31, the others 2022-06-30;
- the six treatment-facility interfaces: 椒江 "/" (not applicable), the others 2022-05-31;
- video devices: 椒江 06-30; 黄岩 路桥 温岭 天台 08-31; 临海 玉环 仙居 三门 台州湾新区 10-31
  (the same pattern as the vehicle row); drop-off and staging cameras everywhere 06-30;
- vehicles: 椒江 04-30; 黄岩 路桥 温岭 天台 06-30; the others 08-31;
- all 22 provincial interfaces: 椒江 07-31; 黄岩 路桥 温岭 天台 09-30; the others 11-30;
- all 35 interfaces: everywhere 2023-06-30 (plan, section 三(五)).
"""
from datetime import date

from django.db import transaction

from wastewatch.core.audit import audit_write
from wastewatch.core.errors import ServiceError

from . import catalogue
from .models import Milestone

EARLY = {"331003", "331004", "331081", "331023"}  # 黄岩 路桥 温岭 天台

BASE = ["estate", "building", "dwelling", "dropoff-point", "staging-point", "staging-job", "transfer-station", "transfer-job",
        "sorting-centre", "sorting-intake", "sorting-output"]
FACILITY = ["facility", "facility-intake", "facility-operation", "facility-monitoring", "facility-output", "output-destination"]
VEHICLE = ["vehicle", "vehicle-gps", "vehicle-operation", "vehicle-alert"]


def _by_pace(county, jiaojiang, early, late):
    if county == "331002":
        return jiaojiang
    return early if county in EARLY else late


def plan_for(county: str):
    """(task, interface codes, deadline or None) of one county (6-digit code)."""
    y = 2022
    return [
        ("投放主体、投放点、集置点、中转站、分拣中心接口形成有效数据流", BASE,
         date(y, 5, 31) if county == "331002" else date(y, 6, 30)),
        ("处置设施 6 项接口形成有效数据流", FACILITY, None if county == "331002" else date(y, 5, 31)),
        ("设备视频监控上报接口形成有效数据流", ["video-device"], _by_pace(county, date(y, 6, 30), date(y, 8, 31), date(y, 10, 31))),
        ("运输车辆 4 项接口形成有效数据流", VEHICLE, _by_pace(county, date(y, 4, 30), date(y, 6, 30), date(y, 8, 31))),
        ("完成 22 个省级接口对接", [s.code for s in catalogue.provincial()], _by_pace(county, date(y, 7, 31), date(y, 9, 30), date(y, 11, 30))),
        ("完成全部 35 个接口对接", [s.code for s in catalogue.all_specs()], date(2023, 6, 30)),
    ]


@transaction.atomic
def load_milestones():
    """Idempotent; a deadline the city office has since changed is kept."""
    from wastewatch.registry.models import Region

    for region in Region.objects.filter(level="county"):
        for task, codes, deadline in plan_for(region.code[:6]):
            Milestone.objects.get_or_create(region=region, task=task, defaults={"interfaces": codes, "deadline": deadline})


def milestone_set_deadline(*, actor, milestone: Milestone, deadline: str) -> Milestone:
    """The city office moves a deadline (or marks it not applicable with an empty date); audited."""
    try:
        new = date.fromisoformat(deadline) if deadline else None
    except ValueError:
        raise ServiceError("截止日期有误", details=[{"field": "deadline", "reason": "日期格式应为 yyyy-MM-dd"}]) from None
    before = {"deadline": milestone.deadline.isoformat() if milestone.deadline else None}
    with transaction.atomic():
        milestone.deadline = new
        milestone.save(update_fields=["deadline"])
        audit_write(actor=actor, source="page", action="update", obj=milestone, region_code=milestone.region_id,
                    before=before, after={"deadline": new.isoformat() if new else None})
    return milestone
