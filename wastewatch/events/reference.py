"""The starting dispatch rules, checklists and emergency plans, loaded by a data migration; the city edits them after."""

# (kind, unit level, deadline hours, auto dispatch): drop-off nuisances go to the community, dumping and fire to the
# street (they need the enforcement squad or a fire response); vehicle and facility kinds wait for a person to dispatch.
DISPATCH_RULES = [
    ("", "community", 24, False),
    ("littering", "community", 24, True), ("mixed_dropoff", "community", 24, True), ("overflow", "community", 4, True),
    ("bag_outside", "community", 12, True), ("off_hours", "community", 48, True), ("illegal_dumping", "street", 24, True),
    ("fire", "street", 1, True), ("inspection_problem", "community", 48, True), ("public_report", "community", 24, True),
    ("device_offline", "street", 72, True), ("device_fault", "street", 72, True),
]

CHECKLISTS = {
    "dropoff": ("投放点检查表", [
        ("clean", "点位周边整洁，无垃圾落地", 20), ("bins", "四分类桶齐全、标识清楚", 20), ("full", "桶内未满溢", 15),
        ("sorted", "桶内分类准确，无明显混投", 25), ("supervisor", "投放时段有督导员在岗", 10), ("notice", "公示牌（投放时间、责任人）完好", 10),
    ]),
    "staging": ("集置点检查表", [
        ("clean", "场地整洁、无渗滤液外溢", 30), ("sorted", "分类存放，不混放", 30), ("cleared", "按时清运，无积存", 25), ("closed", "门窗及防蝇设施完好", 15),
    ]),
    "transfer": ("中转站检查表", [
        ("weighing", "进站车辆全部过磅", 30), ("odour", "除臭设施运行，无明显异味", 20), ("leachate", "渗滤液收集处理正常", 25),
        ("records", "台账记录完整", 25),
    ]),
    "outlet": ("可回收物网点检查表", [
        ("prices", "回收价格公示", 30), ("tidy", "物品分类堆放整齐", 30), ("records", "回收台账完整", 40),
    ]),
}

_SECTIONS = {
    "总则": "为及时、有序处置{incident}，最大限度减少对群众生活和环境的影响，依据《浙江省生活垃圾管理条例》等制定本预案。",
    "适用范围": "适用于本区域内生活垃圾投放、收集、运输、处理环节发生的{incident}。",
    "组织体系与职责": "镇街为第一责任主体，社区（村）负责现场先期处置，县级分类办统筹协调，综合执法部门依法查处。",
    "预警与响应": "平台告警后立即核实；确认后按本预案分级响应，30 分钟内报告县级分类办。",
    "处置措施": "{measures}",
    "后期处置": "处置完毕后清理现场、恢复收运秩序，查明原因并整改，形成书面报告。",
    "保障措施": "各单位明确值班人员和联系方式，储备必要的清运车辆和物资，每年至少组织一次演练。",
}


def _sections(incident, measures):
    return {k: v.replace("{incident}", incident).replace("{measures}", measures) for k, v in _SECTIONS.items()}


PLANS = [
    {
        "code": "YA-HZ-01", "name": "垃圾投放点火情应急预案", "incident_kinds": ["fire"], "region_prefix": "", "level": "III",
        "sections": _sections("投放点、集置点火情", "现场人员立即报警（119）并疏散群众；社区组织初期扑救；镇街调派清运车辆清理过火垃圾；排查周边可燃物。"),
        "tasks": [
            {"level": "community", "title": "现场疏散群众、设置警戒，初期扑救", "hours": 1},
            {"level": "street", "title": "调派车辆清理过火垃圾，恢复投放点", "hours": 6},
            {"level": "county", "title": "组织火因调查并排查同类点位隐患", "hours": 72},
        ],
        "messages": [
            {"level": "street", "text": "{time} {place}发生{kind}，已启动火情应急预案，请立即组织处置。"},
            {"level": "county", "text": "{place}发生{kind}（{time}），镇街已响应，请关注。"},
        ],
    },
    {
        "code": "YA-QD-01", "name": "偷倒乱倒垃圾应急预案", "incident_kinds": ["illegal_dumping"], "region_prefix": "", "level": "IV",
        "sections": _sections("偷倒乱倒垃圾事件", "固定证据并移交综合执法；社区组织清理；镇街加强夜间巡查，必要时加装监控。"),
        "tasks": [
            {"level": "community", "title": "固定现场证据，组织清理偷倒垃圾", "hours": 24},
            {"level": "street", "title": "会同综合执法查处偷倒行为", "hours": 72},
        ],
        "messages": [{"level": "street", "text": "{time} {place}发现{kind}，已启动预案，请会同执法部门查处。"}],
    },
]


def reference_load(DispatchRule, Checklist, EmergencyPlan):
    """Add what is missing, leave what the city has edited (the models are passed in: a migration hands its own)."""
    for kind, level, hours, auto in DISPATCH_RULES:
        DispatchRule.objects.get_or_create(kind=kind, region_prefix="", defaults={"unit_level": level, "deadline_hours": hours, "auto_dispatch": auto})
    for site_kind, (name, items) in CHECKLISTS.items():
        Checklist.objects.get_or_create(site_kind=site_kind, defaults={
            "name": name, "items": [{"code": c, "text": t, "points": p} for c, t, p in items]})
    for plan in PLANS:
        EmergencyPlan.objects.get_or_create(code=plan["code"], defaults={k: v for k, v in plan.items() if k != "code"})
