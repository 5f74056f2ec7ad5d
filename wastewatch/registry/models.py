from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from wastewatch.core.fields import EncryptedCharField
from wastewatch.core.models import TimestampedModel

from . import choices

region_code_validator = RegexValidator(r"^\d{12}$", "区划代码应为 12 位数字")
entity_code_validator = RegexValidator(r"^\d{18}$", "编码应为 18 位数字：所在区划代码 12 位 + 顺序号 6 位")
phone_validator = RegexValidator(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$", "电话号码格式不正确（手机 11 位或带区号的座机）")
credit_code_validator = RegexValidator(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", "统一社会信用代码格式不正确（18 位）")
plate_validator = RegexValidator(
    r"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳]$",
    "车牌号格式不正确，例如 浙J12345 或新能源 浙JD12345",
)
id_number_validator = RegexValidator(r"^\d{17}[\dXx]$", "身份证号应为 18 位")
LON = [MinValueValidator(73), MaxValueValidator(136)]
LAT = [MinValueValidator(3), MaxValueValidator(54)]


class ActiveModel(TimestampedModel):
    is_active = models.BooleanField("启用", default=True, db_index=True)

    class Meta:
        abstract = True


class Region(ActiveModel):
    code = models.CharField("区划代码", max_length=12, primary_key=True, validators=[region_code_validator])
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=choices.RegionLevel.choices)
    parent = models.ForeignKey("self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    is_official = models.BooleanField("国标代码", default=True, help_text="否：本地编制的代码（如台州湾新区），不在 GB/T 2260 中")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def prefix(self):
        from wastewatch.core.scope import region_prefix

        return region_prefix(self.code, self.level)


class WasteCategory(ActiveModel):
    class Group(models.TextChoices):
        HOUSEHOLD = "household", "生活垃圾"
        SPECIAL = "special", "特殊生活垃圾"
        ZERO_WASTE = "zero_waste", "无废城市固废"

    code = models.CharField("分类代码", max_length=8, primary_key=True)
    name = models.CharField("名称", max_length=64)
    parent = models.ForeignKey("self", verbose_name="上级分类", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    group = models.CharField("大类", max_length=16, choices=Group.choices)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "垃圾分类"
        verbose_name_plural = "垃圾分类"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Organisation(ActiveModel):
    kind = models.CharField("单位类型", max_length=24, choices=choices.OrganisationKind.choices, db_index=True)
    code = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[credit_code_validator])
    name = models.CharField("单位名称", max_length=100)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, db_column="region_code")
    address = models.CharField("地址", max_length=200, blank=True)
    contact_name = EncryptedCharField("联系人", mask="name", max_length=32)
    contact_phone = EncryptedCharField("联系电话", mask="phone", max_length=20, validators=[phone_validator])
    licence_no = models.CharField("许可证号", max_length=64, blank=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"

    def __str__(self):
        return self.name


class Estate(ActiveModel):
    code = models.CharField("小区编码", max_length=18, unique=True, validators=[entity_code_validator])
    name = models.CharField("小区名称", max_length=100)
    region = models.ForeignKey(Region, verbose_name="所属社区", on_delete=models.PROTECT, db_column="region_code")
    address = models.CharField("地址", max_length=200)
    lon = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True, validators=LON)
    lat = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True, validators=LAT)
    property_company = models.ForeignKey(
        Organisation, verbose_name="物业公司", null=True, blank=True, on_delete=models.PROTECT, related_name="estates"
    )
    contact_name = EncryptedCharField("负责人", mask="name", max_length=32)
    contact_phone = EncryptedCharField("负责人电话", mask="phone", max_length=20, validators=[phone_validator])
    households = models.PositiveIntegerField("户数", default=0, validators=[MaxValueValidator(100000)])
    population = models.PositiveIntegerField("人口", default=0, validators=[MaxValueValidator(400000)])
    sorting_mode = models.CharField("分类模式", max_length=16, choices=choices.SortingMode.choices, default=choices.SortingMode.SCHEDULED)
    is_high_rise = models.BooleanField("高层小区", default=False)

    class Meta:
        verbose_name = "小区"
        verbose_name_plural = "小区"

    def __str__(self):
        return self.name


class Building(ActiveModel):
    REGION_FROM = "estate"
    code = models.CharField("建筑物编码", max_length=24, unique=True)
    name = models.CharField("名称", max_length=64)
    estate = models.ForeignKey(Estate, verbose_name="所属小区", on_delete=models.PROTECT, related_name="buildings")
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, db_column="region_code")
    floors = models.PositiveSmallIntegerField("层数", default=1, validators=[MinValueValidator(1), MaxValueValidator(200)])
    households = models.PositiveIntegerField("户数", default=0, validators=[MaxValueValidator(5000)])

    class Meta:
        verbose_name = "建筑物"
        verbose_name_plural = "建筑物"

    def __str__(self):
        return self.name


class Dwelling(ActiveModel):
    REGION_FROM = "building"
    code = models.CharField("房屋编码", max_length=32, unique=True)
    building = models.ForeignKey(Building, verbose_name="所属建筑物", on_delete=models.PROTECT, related_name="dwellings")
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, db_column="region_code")
    room_no = models.CharField("房号", max_length=16)
    area_m2 = models.DecimalField("面积（平方米）", max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(1)])
    population = models.PositiveSmallIntegerField("常住人口", default=0, validators=[MaxValueValidator(50)])

    class Meta:
        verbose_name = "房屋住宅"
        verbose_name_plural = "房屋住宅"

    def __str__(self):
        return self.code


class Site(ActiveModel):
    """Every place where waste is dropped off, gathered, transferred, sorted, treated or produced."""

    kind = models.CharField("点位类型", max_length=16, choices=choices.SiteKind.choices, db_index=True)
    code = models.CharField("点位编码", max_length=18, unique=True, validators=[entity_code_validator])
    name = models.CharField("名称", max_length=100)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, db_column="region_code")
    address = models.CharField("地址", max_length=200, blank=True)
    lon = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True, validators=LON)
    lat = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True, validators=LAT)
    estate = models.ForeignKey(Estate, verbose_name="所属小区", null=True, blank=True, on_delete=models.PROTECT, related_name="sites")
    operator = models.ForeignKey(
        Organisation, verbose_name="运营单位", null=True, blank=True, on_delete=models.PROTECT, related_name="sites"
    )
    capacity_tpd = models.DecimalField(
        "设计能力（吨/日）", max_digits=9, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    categories = models.ManyToManyField(WasteCategory, verbose_name="接收垃圾类别", blank=True, related_name="sites")
    hours = models.CharField("开放/收运时间", max_length=100, blank=True, help_text="例如 06:30-09:00,18:00-20:00")
    status = models.CharField("运行状态", max_length=16, choices=choices.SiteStatus.choices, default=choices.SiteStatus.RUNNING)
    contact_name = EncryptedCharField("负责人", mask="name", max_length=32)
    contact_phone = EncryptedCharField("负责人电话", mask="phone", max_length=20, validators=[phone_validator])
    has_video = models.BooleanField("视频监控", default=False)
    has_weighing = models.BooleanField("称重计量", default=False)
    declared_annual_t = models.DecimalField(
        "年申报产生量（吨）", max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="无废城市产生单位的动态申报量",
    )

    class Meta:
        verbose_name = "点位设施"
        verbose_name_plural = "点位设施"
        indexes = [models.Index(fields=["kind", "region"])]

    def __str__(self):
        return self.name


class Vehicle(ActiveModel):
    plate = models.CharField("车牌号", max_length=10, unique=True, validators=[plate_validator])
    vehicle_type = models.CharField("车辆类型", max_length=16, choices=choices.VehicleType.choices)
    fuel_type = models.CharField("能源类型", max_length=16, choices=choices.FuelType.choices, default=choices.FuelType.DIESEL)
    category = models.ForeignKey(WasteCategory, verbose_name="运输垃圾类别", on_delete=models.PROTECT, related_name="vehicles")
    capacity_t = models.DecimalField("核定载重（吨）", max_digits=6, decimal_places=2, validators=[MinValueValidator(0.1), MaxValueValidator(60)])
    tare_t = models.DecimalField("皮重（吨）", max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0.1), MaxValueValidator(40)])
    hauler = models.ForeignKey(Organisation, verbose_name="收运企业", on_delete=models.PROTECT, related_name="vehicles")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, db_column="region_code")
    terminal_id = models.CharField("GPS 终端号", max_length=20, blank=True, db_index=True)
    terminal_phone = models.CharField("终端手机号", max_length=20, blank=True, db_index=True, help_text="JT/T 808 终端 SIM 卡号")
    has_video = models.BooleanField("车载视频", default=False)
    bought_on = models.DateField("购置日期", null=True, blank=True)

    class Meta:
        verbose_name = "运输车辆"
        verbose_name_plural = "运输车辆"

    def __str__(self):
        return self.plate


class Device(ActiveModel):
    REGION_FROM = "site"
    kind = models.CharField("设备类型", max_length=16, choices=choices.DeviceKind.choices, db_index=True)
    code = models.CharField("设备编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    site = models.ForeignKey(Site, verbose_name="所在点位", on_delete=models.PROTECT, related_name="devices")
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, db_column="region_code")
    stream_url = models.CharField("视频流地址", max_length=300, blank=True, help_text="rtsp://、http(s):// 或 GB/T 28181 通道")
    status = models.CharField("设备状态", max_length=16, choices=choices.DeviceStatus.choices, default=choices.DeviceStatus.ONLINE)

    class Meta:
        verbose_name = "设备"
        verbose_name_plural = "设备"

    def __str__(self):
        return self.name


class Staff(ActiveModel):
    code = models.CharField("人员编号", max_length=32, unique=True)
    name = EncryptedCharField("姓名", mask="name", max_length=32, blank=False)
    phone = EncryptedCharField("手机号", mask="phone", max_length=20, validators=[phone_validator])
    id_number = EncryptedCharField("身份证号", mask="id_number", max_length=18, validators=[id_number_validator])
    role = models.CharField("岗位", max_length=16, choices=choices.StaffRole.choices)
    organisation = models.ForeignKey(Organisation, verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    site = models.ForeignKey(Site, verbose_name="负责点位", null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, db_column="region_code")

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"

    def __str__(self):
        return self.code


class Declaration(ActiveModel):
    """A generator's declared annual amount of one waste category (无废城市 动态申报): what the ledger's movements
    out of the generator are compared with."""

    REGION_FROM = "site"
    site = models.ForeignKey(Site, verbose_name="产生单位", on_delete=models.PROTECT, related_name="declarations")
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, db_column="region_code")
    year = models.PositiveSmallIntegerField("申报年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    category = models.ForeignKey(WasteCategory, verbose_name="废物类别", on_delete=models.PROTECT, related_name="+",
                                 help_text="危险废物填 HW 代码")
    declared_t = models.DecimalField("年申报产生量（吨）", max_digits=12, decimal_places=3, validators=[MinValueValidator(0)])
    disposal = models.CharField("利用处置方式", max_length=100, blank=True)

    class Meta:
        verbose_name = "产废申报"
        verbose_name_plural = "产废申报"
        ordering = ["-year", "site_id", "category_id"]
        constraints = [models.UniqueConstraint(fields=["site", "year", "category"], name="unique_declaration")]

    def __str__(self):
        return f"{self.site} {self.year} {self.category_id}"


class DisposalPermit(ActiveModel):
    """A construction site's permit to dispose of its construction waste (建筑垃圾处置核准): where to and how much."""

    REGION_FROM = "site"
    permit_no = models.CharField("核准文号", max_length=64, unique=True)
    site = models.ForeignKey(Site, verbose_name="建筑工地", on_delete=models.PROTECT, related_name="disposal_permits")
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, db_column="region_code")
    destination = models.ForeignKey(Site, verbose_name="消纳/利用场所", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="permits_received")
    destination_name = models.CharField("消纳场所名称", max_length=100, blank=True)
    approved_t = models.DecimalField("核准处置量（吨）", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止")

    class Meta:
        verbose_name = "建筑垃圾处置核准"
        verbose_name_plural = "建筑垃圾处置核准"
        ordering = ["-valid_to"]

    def __str__(self):
        return self.permit_no
