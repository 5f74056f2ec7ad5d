"""What a new installation starts with: the factor table, the estate rubric and the zero-waste index tree.
All of it is data the city edits (reports.manage); these are only the starting values, each with its source and how
sure we are of it (/work/shared/reference/indicators.md collects the sources)."""

IPCC = "IPCC 2006 国家温室气体清单指南 第 5 卷（废弃物）"
IPCC_LF = IPCC + " 第 3 章 固体废物处置，表 2.4/3.1–3.3"
IPCC_BIO = IPCC + " 第 4 章 生物处理，表 4.1"
IPCC_INC = IPCC + " 第 5 章 焚烧，式 5.1；干物质、碳含量、化石碳比例取第 2 章表 2.4"
WARM = "US EPA WARM v16（美国生命周期口径，短吨换算为吨 ×1.1023）：非中国数据的代用值"
GRID = "生态环境部、国家统计局公布的 2023 年电力二氧化碳排放因子（华东电网）"
AR5 = "IPCC AR5 第 8 章，100 年全球增温潜势"

# (code, group, name, value, unit, source, certainty, note)
FACTORS = [
    ("gwp_ch4", "carbon", "甲烷全球增温潜势 GWP", "28", "tCO2e/tCH4", AR5, "high", ""),
    ("gwp_n2o", "carbon", "氧化亚氮全球增温潜势 GWP", "265", "tCO2e/tN2O", AR5, "high", ""),
    ("docf", "carbon", "可分解 DOC 比例 DOCf", "0.5", "—", IPCC_LF, "medium", ""),
    ("f_ch4", "carbon", "填埋气甲烷体积比 F", "0.5", "—", IPCC_LF, "medium", ""),
    ("mcf", "carbon", "甲烷修正因子 MCF（管理型厌氧填埋）", "1.0", "—", IPCC_LF, "medium", "半好氧 0.5，非管理深层 0.8"),
    ("ox", "carbon", "氧化因子 OX（覆盖良好的管理型填埋场）", "0.1", "—", IPCC_LF, "medium", ""),
    ("lfg_recovery", "carbon", "填埋气回收比例 R", "0.3", "—", "未找到台州填埋场数据", "assumed", "请按填埋场实际回收量修改"),
    ("doc_food", "carbon", "易腐垃圾可降解有机碳 DOC（湿基）", "0.15", "t/t", IPCC_LF, "medium", ""),
    ("doc_residual", "carbon", "其他垃圾可降解有机碳 DOC（湿基）", "0.14", "t/t", "按 IPCC 各组分缺省值估算的混合值", "assumed", ""),
    ("doc_paper", "carbon", "纸类可降解有机碳 DOC（湿基）", "0.40", "t/t", IPCC_LF, "medium", ""),
    ("doc_textile", "carbon", "织物可降解有机碳 DOC（湿基）", "0.24", "t/t", IPCC_LF, "medium", ""),
    ("doc_wood", "carbon", "木制品可降解有机碳 DOC（湿基）", "0.43", "t/t", IPCC_LF, "medium", ""),
    ("fossil_residual", "carbon", "其他垃圾焚烧化石碳排放", "0.40", "tCO2/t", IPCC_INC, "assumed", "按塑料约占 15% 估算"),
    ("fossil_plastic", "carbon", "塑料焚烧化石碳排放", "2.75", "tCO2/t", IPCC_INC, "medium", "dm 1.0 × CF 0.75 × FCF 1.0 × 44/12"),
    ("fossil_textile", "carbon", "织物焚烧化石碳排放", "0.29", "tCO2/t", IPCC_INC, "medium", "dm 0.8 × CF 0.5 × FCF 0.2 × 44/12"),
    ("fossil_paper", "carbon", "纸类焚烧化石碳排放", "0.015", "tCO2/t", IPCC_INC, "medium", "dm 0.9 × CF 0.46 × FCF 0.01 × 44/12"),
    ("kwh_residual", "carbon", "其他垃圾焚烧上网电量", "400", "kWh/t", "国内焚烧厂常见水平", "assumed", "请按焚烧厂运行数据修改"),
    ("kwh_food", "carbon", "易腐垃圾焚烧上网电量", "100", "kWh/t", "含水率高，发电量低", "assumed", ""),
    ("kwh_dry", "carbon", "纸、塑料、织物、木材焚烧上网电量", "800", "kWh/t", "按热值估算", "assumed", ""),
    ("grid_ef", "carbon", "电网排放因子（华东电网）", "0.5500", "tCO2/MWh", GRID, "high", "全国 0.5306"),
    ("ad_ch4", "carbon", "厌氧消化甲烷排放", "0.8", "g CH4/kg", IPCC_BIO, "medium", ""),
    ("compost_ch4", "carbon", "堆肥甲烷排放", "4", "g CH4/kg", IPCC_BIO, "medium", ""),
    ("compost_n2o", "carbon", "堆肥氧化亚氮排放", "0.24", "g N2O/kg", IPCC_BIO, "medium", ""),
    ("perishable_ad_share", "carbon", "易腐垃圾处理厂中厌氧消化比例", "1.0", "—", "台州易腐垃圾处理以厌氧消化为主", "assumed", "其余按堆肥计"),
    ("rec_paper", "carbon", "纸类回收利用减排", "-3.91", "tCO2e/t", WARM + "（混合纸 −3.55）", "low", ""),
    ("rec_plastic", "carbon", "塑料回收利用减排", "-1.15", "tCO2e/t", WARM + "（PET −1.04）", "low", ""),
    ("rec_metal", "carbon", "金属回收利用减排", "-2.02", "tCO2e/t", WARM + "（钢罐 −1.83）", "low", "铝罐 −9.13，单列时另设"),
    ("rec_glass", "carbon", "玻璃回收利用减排", "-0.31", "tCO2e/t", WARM + "（玻璃 −0.28）", "low", ""),
    ("rec_textile", "carbon", "织物回收利用减排", "0", "tCO2e/t", "未找到来源", "assumed", "未计入"),
    ("rec_wood", "carbon", "木制品回收利用减排", "0", "tCO2e/t", "未找到来源", "assumed", "未计入"),
    ("rec_other", "carbon", "未细分可回收物回收利用减排", "-1.0", "tCO2e/t", "低于除玻璃外各 WARM 材料值的保守混合值", "assumed",
     "请按本市可回收物构成修改"),
    ("baseline_landfill_share", "carbon", "分类前混合垃圾填埋比例", "0.5", "—", "分类前基准情景，其余焚烧", "assumed", "请按本市分类前处置结构修改"),
    ("k_incineration", "rate", "资源化利用率：焚烧系数 k焚", "1.0", "—", "未找到官方取值（发改环资〔2021〕642号未给出）", "assumed", "焚烧发电计入资源化"),
    ("k_perishable", "rate", "资源化利用率：易腐处理系数 k易腐", "1.0", "—", "未找到官方取值", "assumed", ""),
    ("k_landfill", "rate", "资源化利用率：填埋系数 k填", "0", "—", "未找到官方取值", "assumed", "填埋不计入资源化"),
]

# (code, name, indicator, weight, higher_is_better, best, worst, note)
RUBRIC = [
    ("inspection", "检查考核得分", "sorting_accuracy", 35, True, 95, 60, "专管员巡检检查表得分（百分制）"),
    ("violations", "违规投放", "dropoff_violations", 25, False, 0, 30, "每千户·月违规投放告警次数"),
    ("perishable", "易腐垃圾分出", "perishable_share", 15, True, 35, 10, "易腐垃圾占比越高，分出越充分"),
    ("recyclables", "可回收物分出", "recyclable_share", 10, True, 15, 2, ""),
    ("reduction", "源头减量", "per_capita_kg", 15, False, 0.8, 1.6, "人均日产生量（千克）"),
]

# (code, name, parent, stream, weight, indicator, target, floor, higher_is_better, normalisation, source)
ZWI = "环固体〔2021〕114号《“无废城市”建设指标体系（2021 年版）》一级指标；浙江无废指数的二级指标与权重未取得，按本市需要编辑"
INDEX_TREE = [
    ("reduction", "源头减量", "", "", 20, "", None, None, True, "target", ZWI),
    ("per_capita", "人均生活垃圾日产生量", "reduction", "生活垃圾", 60, "per_capita_kg", 1.0, 1.6, False, "linear", ""),
    ("perishable_out", "易腐垃圾分出率", "reduction", "生活垃圾", 40, "perishable_share", 30, 10, True, "linear", ""),
    ("utilisation", "资源化利用", "", "", 30, "", None, None, True, "target", ZWI),
    ("recycling", "生活垃圾回收利用率", "utilisation", "生活垃圾", 30, "recycling_rate", 35, None, True, "target", "建城〔2020〕93号"),
    ("recovery", "生活垃圾资源化利用率", "utilisation", "生活垃圾", 20, "recovery_rate", 60, None, True, "target", "发改环资〔2021〕642号"),
    ("industrial", "一般工业固废综合利用率", "utilisation", "一般工业固废", 20, "industrial_utilisation_rate", 80, None, True, "target", ""),
    ("construction", "建筑垃圾资源化利用率", "utilisation", "建筑垃圾", 15, "construction_utilisation_rate", 60, None, True, "target", ""),
    ("agricultural", "农业废弃物回收利用率", "utilisation", "农业废弃物", 15, "agricultural_utilisation_rate", 90, None, True, "target", ""),
    ("disposal", "最终处置", "", "", 25, "", None, None, True, "target", ZWI),
    ("safe", "生活垃圾无害化处理率", "disposal", "生活垃圾", 40, "safe_treatment_rate", 100, None, True, "target", ""),
    ("zero_landfill", "原生垃圾填埋占比", "disposal", "生活垃圾", 30, "landfill_share", 0, 20, False, "linear", "发改环资〔2021〕642号"),
    ("hazardous", "危险废物安全处置率", "disposal", "危险废物", 30, "hazardous_safe_rate", 100, None, True, "target", ""),
    ("capacity", "保障能力", "", "", 15, "", None, None, True, "target", ZWI),
    ("usage", "分类设施使用率", "capacity", "生活垃圾", 35, "facility_usage_rate", 90, None, True, "target", ""),
    ("on_time", "收运准时率", "capacity", "生活垃圾", 35, "collection_on_time_rate", 98, None, True, "target", ""),
    ("data_flow", "数据对接健康分", "capacity", "", 30, "data_flow_score", 90, None, True, "target", ""),
    ("satisfaction", "群众获得感", "", "", 10, "", None, None, True, "target", ZWI),
    ("closure", "工单办结率", "satisfaction", "", 50, "work_order_closure_rate", 95, None, True, "target", ""),
    ("alerts_closed", "告警处置率", "satisfaction", "", 50, "alert_closure_rate", 95, None, True, "target", ""),
]


def load(apps=None):
    """Create what is missing; an edited row is left as the city set it."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    Factor = apps.get_model("reports", "Factor")
    RubricItem = apps.get_model("reports", "RubricItem")
    IndexNode = apps.get_model("reports", "IndexNode")
    for code, group, name, value, unit, source, certainty, note in FACTORS:
        Factor.objects.get_or_create(code=code, defaults=dict(group=group, name=name, value=value, unit=unit, source=source,
                                                              certainty=certainty, note=note))
    for order, (code, name, indicator, weight, higher, best, worst, note) in enumerate(RUBRIC):
        RubricItem.objects.get_or_create(code=code, defaults=dict(name=name, indicator=indicator, weight=weight, higher_is_better=higher,
                                                                  best=best, worst=worst, note=note, order=order))
    nodes = {}
    for order, (code, name, parent, stream, weight, indicator, target, floor, higher, norm, source) in enumerate(INDEX_TREE):
        nodes[code], _ = IndexNode.objects.get_or_create(code=code, defaults=dict(
            name=name, parent=nodes.get(parent), stream=stream, weight=weight, indicator=indicator, target=target, floor=floor,
            higher_is_better=higher, normalisation=norm, source=source, order=order))
