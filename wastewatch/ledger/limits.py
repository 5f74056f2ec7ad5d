"""Limits of the applicable national standards, loaded into MonitoringLimit (editable there afterwards).

Flue gas of municipal solid-waste incineration: GB 18485-2014《生活垃圾焚烧污染控制标准》, table 4 (1-hour and 24-hour
averages, mg/m³ at 11% O2, standard state) and 6.1/table 1 (furnace temperature at least 850 ℃ with flue-gas
residence of at least 2 s). Leachate discharged by landfills and plants: GB 16889-2008《生活垃圾填埋场污染控制标准》,
table 2 (mg/L, daily average). Output kinds and their ledger categories follow the interface code table 产物类型."""
from decimal import Decimal

GB18485 = "GB 18485-2014 生活垃圾焚烧污染控制标准"
GB16889 = "GB 16889-2008 生活垃圾填埋场污染控制标准"

# (site kind, item, name, unit, bound, value, averaging, standard)
LIMITS = [
    ("incineration", "PM", "颗粒物", "mg/m³", "max", "30", "1h", GB18485),
    ("incineration", "PM", "颗粒物", "mg/m³", "max", "20", "24h", GB18485),
    ("incineration", "NOX", "氮氧化物", "mg/m³", "max", "300", "1h", GB18485),
    ("incineration", "NOX", "氮氧化物", "mg/m³", "max", "250", "24h", GB18485),
    ("incineration", "SO2", "二氧化硫", "mg/m³", "max", "100", "1h", GB18485),
    ("incineration", "SO2", "二氧化硫", "mg/m³", "max", "80", "24h", GB18485),
    ("incineration", "HCL", "氯化氢", "mg/m³", "max", "60", "1h", GB18485),
    ("incineration", "HCL", "氯化氢", "mg/m³", "max", "50", "24h", GB18485),
    ("incineration", "CO", "一氧化碳", "mg/m³", "max", "100", "1h", GB18485),
    ("incineration", "CO", "一氧化碳", "mg/m³", "max", "80", "24h", GB18485),
    ("incineration", "TEMP", "炉膛温度", "℃", "min", "850", "1h", GB18485),
    ("landfill", "COD", "化学需氧量", "mg/L", "max", "100", "24h", GB16889),
    ("landfill", "BOD5", "五日生化需氧量", "mg/L", "max", "30", "24h", GB16889),
    ("landfill", "SS", "悬浮物", "mg/L", "max", "30", "24h", GB16889),
    ("landfill", "TN", "总氮", "mg/L", "max", "40", "24h", GB16889),
    ("landfill", "NH3N", "氨氮", "mg/L", "max", "25", "24h", GB16889),
    ("landfill", "TP", "总磷", "mg/L", "max", "3", "24h", GB16889),
]

# Output kind → (ledger category, unit); None: not a mass, kept in FacilityOutput only.
OUTPUT_CATEGORY = {"01": "HW18", "02": "1003", "03": None, "04": "1602", "05": "1601", "06": None, "07": "1603"}
OUTPUT_UNIT = {"01": "吨", "02": "吨", "03": "立方米", "04": "吨", "05": "吨", "06": "千瓦时", "07": "吨"}


def limits_load(apps=None):
    """Create the standard limits that are missing; an office's edits are kept."""
    from django.apps import apps as global_apps

    model = (apps or global_apps).get_model("ledger", "MonitoringLimit")
    for kind, item, name, unit, bound, value, averaging, standard in LIMITS:
        model.objects.get_or_create(site_kind=kind, item=item, averaging=averaging, defaults={
            "name": name, "unit": unit, "bound": bound, "value": Decimal(value), "standard": standard})
