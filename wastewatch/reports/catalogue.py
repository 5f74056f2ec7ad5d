"""The indicator catalogue: each indicator's Chinese name, formula, unit, data source, official target, and the
function that evaluates it over the prepared measures (refresh.py) of one place and period.

Tonnages are attributed to where the waste came from (Movement.origin_code). The symbols of the formulas:
- 可回收物回收量 R = 分拣中心入库的可回收物 + 直接进资源化利用设施（不经分拣中心）的可回收物
- 易腐垃圾资源化处理量 P = 进易腐垃圾处理厂的易腐垃圾
- 清运处置量 C = 进处置设施（焚烧、填埋、易腐、危废、资源化）的易腐、其他、有害垃圾
- 产生量 G = C + R（清运量代替产生量，按国家通行口径）
- 焚烧量 I、填埋量 L = 进焚烧厂、填埋场的生活垃圾
- 源头清运量 S = 投放点、小区环节收集、清运记录的吨数（小区一级只有这一口径）
"""
from dataclasses import dataclass, field
from typing import Callable

HOUSEHOLD_CATS = ("01", "02", "03")
TREATMENT = ("incineration", "landfill", "perishable", "hazardous", "recycling")
DROPOFF_VIOLATIONS = ("littering", "mixed_dropoff", "bag_outside", "off_hours", "illegal_dumping")


class Measures:
    """Sums of one place and period, read by pattern."""

    def __init__(self, values: dict[str, float]):
        self.values = values
        self._parsed = [(k.split("|"), v) for k, v in values.items() if k.startswith("t|")]

    def t(self, *, stage=None, to=None, not_from=None, cats=None) -> float:
        total = 0.0
        for (_, s, to_kind, from_kind, cat), value in self._parsed:
            if stage is not None and s not in ((stage,) if isinstance(stage, str) else stage):
                continue
            if to is not None and to_kind not in ((to,) if isinstance(to, str) else to):
                continue
            if not_from is not None and from_kind == not_from:
                continue
            if cats is not None and cat[:2] not in cats:
                continue
            total += value
        return total

    def get(self, key) -> float:
        return self.values.get(key, 0.0)

    def prefixed(self, prefix) -> float:
        return sum(v for k, v in self.values.items() if k.startswith(prefix))

    # The symbols of the module docstring.
    def R(self):
        return self.t(stage="sorting_in", cats=("04",)) + self.t(stage="facility_in", to="recycling", not_from="sorting", cats=("04",))

    def P(self):
        return self.t(stage="facility_in", to="perishable", cats=("01",))

    def C(self):
        return self.t(stage="facility_in", to=TREATMENT, cats=HOUSEHOLD_CATS)

    def G(self):
        return self.C() + self.R()

    def S(self, cats=None):
        return self.t(stage=("collection", "pickup"), cats=cats)


@dataclass
class Context:
    """What an indicator needs besides the measures: the place's registry figures and the period's length."""

    measures: Measures
    days: int
    population: int
    households: int
    points: int
    factors: dict[str, float] = field(default_factory=dict)
    is_estate: bool = False


def _ratio(num, den, scale=100.0):
    return None if not den else round(num / den * scale, 2)


def _generated(c: Context) -> float:
    return c.measures.S() if c.is_estate else c.measures.G()


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    formula: str
    source: str
    compute: Callable[[Context], float | None]
    target: float | None = None
    target_source: str = ""
    higher_is_better: bool = True
    estate: bool = True  # meaningful for a single estate


def _stream_rate(cat2):
    def compute(c: Context):
        total = c.measures.t(stage="generator_out", cats=(cat2,))
        return _ratio(c.measures.t(stage="generator_out", to=("recycling",), cats=(cat2,)), total)
    return compute


INDICATORS = [
    Indicator("generated_t", "生活垃圾产生量", "吨", "G = C + R（小区：S）", "收运处台账：处置设施进场、分拣中心入库（小区：收集、清运）",
              lambda c: round(_generated(c), 3), higher_is_better=False),
    Indicator("recycling_rate", "回收利用率", "%", "(R + P) ÷ G × 100%", "收运处台账：分拣中心入库、处置设施进场",
              lambda c: _ratio(c.measures.R() + c.measures.P(), c.measures.G()),
              target=35.0, target_source="《关于进一步推进生活垃圾分类工作的若干意见》（建城〔2020〕93号）：2025 年底城市生活垃圾回收利用率达到 35% 以上",
              estate=False),
    Indicator("recovery_rate", "资源化利用率", "%", "(R + I·k焚 + P·k易腐 + L·k填) ÷ G × 100%，系数见因子表",
              "收运处台账；系数 k 为可编辑因子（未找到官方取值）",
              lambda c: _ratio(c.measures.R() + c.factors.get("k_incineration", 1) * c.measures.t(stage="facility_in", to="incineration", cats=HOUSEHOLD_CATS)
                               + c.factors.get("k_perishable", 1) * c.measures.P()
                               + c.factors.get("k_landfill", 0) * c.measures.t(stage="facility_in", to="landfill", cats=HOUSEHOLD_CATS),
                               c.measures.G()),
              target=60.0, target_source="《“十四五”城镇生活垃圾分类和处理设施发展规划》（发改环资〔2021〕642号）：2025 年底资源化利用率达到 60% 左右",
              estate=False),
    Indicator("safe_treatment_rate", "无害化处理率", "%", "C ÷ 清运环节（收集、清运）的易腐、其他、有害垃圾 × 100%",
              "收运处台账：收集清运与处置设施进场",
              lambda c: _ratio(c.measures.C(), c.measures.S(cats=HOUSEHOLD_CATS)), target=100.0,
              target_source="城市生活垃圾无害化处理率保持 100%（浙江省现行口径，待以原文核对）", estate=False),
    Indicator("landfill_share", "原生垃圾填埋占比", "%", "L ÷ G × 100%", "收运处台账：填埋场进场",
              lambda c: _ratio(c.measures.t(stage="facility_in", to="landfill", cats=HOUSEHOLD_CATS), c.measures.G()),
              target=0.0, target_source="发改环资〔2021〕642号：基本实现原生生活垃圾“零填埋”", higher_is_better=False, estate=False),
    Indicator("perishable_share", "易腐垃圾占比", "%", "易腐垃圾 ÷ 产生量 × 100%（源头清运口径 S）",
              "收运处台账：收集、清运（投放点、智能桶称重）",
              lambda c: _ratio(c.measures.S(cats=("01",)), c.measures.S())),
    Indicator("recyclable_share", "可回收物占比", "%", "可回收物 ÷ 产生量 × 100%（源头清运口径 S）", "收运处台账：收集、清运",
              lambda c: _ratio(c.measures.S(cats=("04",)), c.measures.S())),
    Indicator("per_capita_kg", "人均日产生量", "千克/人·日", "产生量 × 1000 ÷ 常住人口 ÷ 天数", "收运处台账；人口取小区档案",
              lambda c: None if not c.population or not c.days else round(_generated(c) * 1000 / c.population / c.days, 3),
              higher_is_better=False),
    Indicator("sorting_accuracy", "分类准确率", "%", "巡检打卡检查得分之和 ÷ 巡检次数（百分制）", "巡检打卡（专管员检查表）",
              lambda c: _ratio(c.measures.get("insp_score"), c.measures.get("insp_n"), 1.0)),
    Indicator("dropoff_accuracy", "投放准确率", "%", "无问题巡检次数 ÷ 巡检次数 × 100%", "巡检打卡",
              lambda c: _ratio(c.measures.get("insp_ok"), c.measures.get("insp_n"))),
    Indicator("dropoff_violations", "违规投放率", "次/千户·月", "违规投放告警次数（乱扔、混投、落地、非时段、偷倒）× 1000 ÷ 户数 ÷ 天数 × 30",
              "AI 视频识别与巡查告警",
              lambda c: None if not c.households or not c.days else round(
                  sum(c.measures.get(f"alert|{k}") for k in DROPOFF_VIOLATIONS) * 1000 / c.households / c.days * 30, 2),
              higher_is_better=False),
    Indicator("facility_usage_rate", "设施使用率", "%", "Σ每日有投放收集记录的投放点 ÷ (在用投放点数 × 天数) × 100%",
              "收运处台账（投放点称重、智能桶）；点位取设施档案",
              lambda c: _ratio(c.measures.get("pts"), c.points * c.days)),
    Indicator("collection_on_time_rate", "收运准时率", "%", "按时收运的计划点位 ÷ 已评价的计划点位 × 100%（迟到、漏收为不准时）",
              "车辆收运监管：收运计划执行结果（车辆轨迹到点记录对照计划时间窗）",
              lambda c: _ratio(c.measures.get("plan|on_time"), c.measures.get("plan_n"))),
    Indicator("work_order_closure_rate", "工单办结率", "%", "期内派出的工单（不含演练）中已办结（审核通过或办结）数 ÷ 派出工单数 × 100%",
              "派单处置（工单），与工单统计同一口径", lambda c: _ratio(c.measures.get("wo_closed"), c.measures.get("wo_n")), estate=False),
    Indicator("alert_closure_rate", "告警处置率", "%", "期内告警中已办结或判定误报数 ÷ 期内告警数 × 100%", "告警",
              lambda c: _ratio(c.measures.get("alerts_closed"), c.measures.get("alerts"))),
    Indicator("industrial_utilisation_rate", "一般工业固废综合利用率", "%", "产废单位转移至资源化利用设施的一般工业固废 ÷ 转移总量 × 100%",
              "收运处台账：产废单位转移", _stream_rate("10"), estate=False),
    Indicator("construction_utilisation_rate", "建筑垃圾资源化利用率", "%", "转移至资源化利用设施的建筑垃圾 ÷ 转移总量 × 100%",
              "收运处台账：产废单位转移", _stream_rate("12"), estate=False),
    Indicator("agricultural_utilisation_rate", "农业废弃物回收利用率", "%", "转移至资源化利用设施的农业废弃物 ÷ 转移总量 × 100%",
              "收运处台账：产废单位转移", _stream_rate("13"), estate=False),
    Indicator("hazardous_safe_rate", "危险废物安全处置率", "%", "转移至危险废物处置设施或资源化利用设施的危险废物 ÷ 转移总量 × 100%",
              "收运处台账：产废单位转移",
              lambda c: _ratio(c.measures.t(stage="generator_out", to=("hazardous", "recycling"), cats=("11",)),
                               c.measures.t(stage="generator_out", cats=("11",))), target=100.0, estate=False),
]
# Read from the interfaces app's prepared flow counters, not from the aggregates (see selectors.data_flow_score).
DATA_FLOW = Indicator("data_flow_score", "数据对接健康分", "分", "35 个接口每日得分 100×(0.4 及时 + 0.3 完整 + 0.3 有效) 的期内均值",
                      "数据接口健康度（interfaces/health.py）", lambda c: None, estate=False)
BY_CODE = {i.code: i for i in [*INDICATORS, DATA_FLOW]}


def get(code: str) -> Indicator:
    return BY_CODE[code]


def evaluate(context: Context) -> dict[str, float | None]:
    return {i.code: (i.compute(context) if i.estate or not context.is_estate else None) for i in INDICATORS}
