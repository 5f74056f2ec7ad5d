from django.db import models


class Stage(models.TextChoices):
    """Where in the chain a movement happens (投、收、运、处 and the outputs of treatment)."""

    COLLECTION = "collection", "收集（投放点/小区→集置点、收集点）"
    PICKUP = "pickup", "清运（点位→车辆）"
    TRANSFER_IN = "transfer_in", "中转站进站"
    TRANSFER_OUT = "transfer_out", "中转站出站"
    SORTING_IN = "sorting_in", "分拣中心入库"
    SORTING_OUT = "sorting_out", "分拣中心出库"
    FACILITY_IN = "facility_in", "处置设施进场"
    OUTLET_OUT = "outlet_out", "回收网点出货"
    OUTPUT = "output", "处置产物产生"
    OUTPUT_OUT = "output_out", "产物出厂"
    GENERATOR_OUT = "generator_out", "产废单位转移"


class Source(models.TextChoices):
    INTERFACE = "interface", "数据接口"
    PAGE = "page", "页面录入"
    IMPORT = "import", "导入"
    DEVICE = "device", "称重设备"
    MANIFEST = "manifest", "联单"
    DEMO = "demo", "演示数据"


class Flag(models.TextChoices):
    """What the weighbridge checks found; a flagged movement is kept and counted, and shown with its flag."""

    NET_MISMATCH = "net_mismatch", "净重≠毛重−皮重"
    TARE_MISMATCH = "tare_mismatch", "皮重与登记皮重不符"
    OVERLOAD = "overload", "超出车辆核定载重"
    DUPLICATE = "duplicate", "疑似重复过磅"
    UNREGISTERED_VEHICLE = "unregistered_vehicle", "车辆未登记"
