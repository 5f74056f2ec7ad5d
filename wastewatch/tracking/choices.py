from django.db import models


class FixSource(models.TextChoices):
    JT808 = "jt808", "JT/T 808 终端"
    INTERFACE = "interface", "车辆运行数据接口"


class FenceShape(models.TextChoices):
    CIRCLE = "circle", "圆形"
    POLYGON = "polygon", "多边形"


class PointStatus(models.TextChoices):
    ON_TIME = "on_time", "按时收运"
    LATE = "late", "迟到收运"
    MISSED = "missed", "漏收"
