"""The forms a plant operator, a hauler, a generator or a clerk fills in on the ledger's pages. They check what a form
can check (numbers, dates, required fields) and hand the rest to the services; a service's refusal comes back onto
the field it names, so the page answers in Chinese next to that field and keeps everything typed."""
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone

from wastewatch.core.forms import ServiceForm
from wastewatch.registry.choices import GENERATOR_KINDS, TREATMENT_KINDS, OrganisationKind
from wastewatch.registry.models import Organisation, Site, WasteCategory

from .models import FacilityOutput, MonitoringLimit
from .services.manifests import MANIFEST_GROUPS

RUN_STATES = [("1", "1 正常运行"), ("2", "2 计划检修"), ("3", "3 故障停机"), ("4", "4 停运")]
MAX_T = Decimal("100000")


def tonnes(label, *, required=True, max_value=MAX_T, min_value=Decimal("0")):
    return forms.DecimalField(label=label, required=required, min_value=min_value, max_value=max_value, decimal_places=3,
                              max_digits=12, widget=forms.TextInput(attrs={"inputmode": "decimal"}))


def moment(label="时间", *, required=True):
    return forms.DateTimeField(label=label, required=required, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))


# -- facility data ----------------------------------------------------------------------------------------------------

class OperationForm(ServiceForm):
    at = moment("数据时间")
    run_state = forms.ChoiceField(label="运行状态", choices=RUN_STATES)
    treated_t = tonnes("当日累计处理量（吨）")
    power_kwh = forms.DecimalField(label="当日累计发电量（千瓦时）", required=False, min_value=0, max_digits=14, decimal_places=1)
    power_grid_kwh = forms.DecimalField(label="当日累计上网电量（千瓦时）", required=False, min_value=0, max_digits=14, decimal_places=1)
    line_count = forms.IntegerField(label="生产线数", required=False, min_value=0, max_value=50)
    running_lines = forms.IntegerField(label="运行线数", required=False, min_value=0, max_value=50)
    stock_t = tonnes("垃圾池存量（吨）", required=False)

    def clean(self):
        data = super().clean()
        if data.get("line_count") is not None and data.get("running_lines") is not None and data["running_lines"] > data["line_count"]:
            self.add_error("running_lines", "运行线数不能多于生产线数")
        if data.get("power_kwh") is not None and data.get("power_grid_kwh") is not None and data["power_grid_kwh"] > data["power_kwh"]:
            self.add_error("power_grid_kwh", "上网电量不能多于发电量")
        if data.get("at") and data["at"] > timezone.now() + timezone.timedelta(minutes=10):
            self.add_error("at", "数据时间不能晚于当前时间")
        return data


class ReadingForm(ServiceForm):
    at = moment("监测时间（小时均值的整点）")
    point = forms.CharField(label="监测点位", max_length=32, initial="L1", help_text="如 1# 炉出口 L1")
    item = forms.ChoiceField(label="监测指标")
    value = forms.DecimalField(label="监测值", max_digits=12, decimal_places=3, min_value=Decimal("-1000"), max_value=Decimal("100000000"))
    limit_value = forms.DecimalField(label="适用限值（无配置限值时填写）", required=False, max_digits=10, decimal_places=3)

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        limits = {}
        for row in MonitoringLimit.objects.filter(site_kind=site.kind).order_by("item", "averaging"):
            limits.setdefault(row.item, row)
        choices = [(item, f"{row.name}（{row.unit}，{row.get_bound_display()} {row.value}）") for item, row in limits.items()]
        self.fields["item"].choices = choices + [(item, name) for item, name in OTHER_ITEMS if item not in limits]

    def clean(self):
        data = super().clean()
        if data.get("at") and data["at"] > timezone.now() + timezone.timedelta(minutes=10):
            self.add_error("at", "监测时间不能晚于当前时间")
        return data


# Items a plant may report without a configured limit for its kind (the sender states the limit).
OTHER_ITEMS = [("LEACHATE", "渗滤液产生量"), ("COD", "化学需氧量"), ("NH3N", "氨氮"), ("TEMP", "炉膛温度"), ("SO2", "二氧化硫"),
               ("NOX", "氮氧化物"), ("PM", "颗粒物"), ("HCL", "氯化氢"), ("CO", "一氧化碳")]


class OutputForm(ServiceForm):
    aliases = {"to_org": "destination_code", "to_label": "destination", "net_t": "dispatched_t", "occurred_at": "at", "category": "kind"}
    at = moment("统计时刻")
    kind = forms.ChoiceField(label="产物类型", choices=FacilityOutput.Kind.choices)
    amount = forms.DecimalField(label="产生量", min_value=Decimal("0.001"), max_value=Decimal("100000000"), max_digits=14, decimal_places=3)
    stock = forms.DecimalField(label="厂内暂存量", required=False, min_value=0, max_digits=14, decimal_places=3)
    dispatched_t = tonnes("本次出厂量（吨）", required=False)
    destination = forms.CharField(label="去向单位", max_length=100, required=False, help_text="接收产物的单位名称，如填埋场、综合利用企业")
    destination_code = forms.CharField(label="去向单位统一社会信用代码", max_length=18, required=False)
    plate = forms.CharField(label="运输车牌号", max_length=16, required=False)

    def clean(self):
        from .limits import OUTPUT_CATEGORY

        data = super().clean()
        dispatched, destination = data.get("dispatched_t"), (data.get("destination") or "").strip()
        if dispatched and not destination:
            self.add_error("destination", "填写了出厂量，须填写去向单位")
        if destination and not dispatched and "dispatched_t" not in self.errors:
            self.add_error("dispatched_t", "填写了去向单位，须填写出厂量")
        if dispatched and data.get("kind") and OUTPUT_CATEGORY.get(data["kind"]) is None:
            self.add_error("dispatched_t", "沼气、电等非实物产物不按吨出厂，请勿填写出厂量")
        if data.get("at") and data["at"] > timezone.now() + timezone.timedelta(minutes=10):
            self.add_error("at", "统计时刻不能晚于当前时间")
        return data


# -- manifests ----------------------------------------------------------------------------------------------------------

def manifest_categories():
    return (WasteCategory.objects.filter(Q(code__in=MANIFEST_GROUPS) | Q(parent_id__in=MANIFEST_GROUPS)).order_by("code"))


class ManifestForm(ServiceForm):
    category = forms.ChoiceField(label="废物类别")
    waste_name = forms.CharField(label="废物名称", max_length=100, required=False)
    generator = forms.ChoiceField(label="产生单位")
    hauler = forms.ChoiceField(label="运输单位")
    receiver = forms.ChoiceField(label="接收单位（设施）")
    shipped_t = tonnes("发运重量（吨）", max_value=Decimal("1000"))
    planned_on = forms.DateField(label="计划转移日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    plate = forms.CharField(label="运输车牌号", max_length=16, required=False)

    def __init__(self, *args, generators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "请选择")] + [(c.code, f"{c.code} {c.name}") for c in manifest_categories()]
        self.fields["generator"].choices = [("", "请选择")] + [(s.code, s.name) for s in generators.filter(kind__in=GENERATOR_KINDS).order_by("code")]
        haulers = Organisation.objects.filter(kind__in=(OrganisationKind.HAULER, OrganisationKind.HAZARDOUS_RECYCLER)).order_by("code")
        self.fields["hauler"].choices = [("", "请选择")] + [(o.code, o.name) for o in haulers]
        receivers = Site.objects.filter(kind__in=TREATMENT_KINDS, is_active=True).order_by("code")
        self.fields["receiver"].choices = [("", "请选择")] + [(s.code, s.name) for s in receivers]


class PickupForm(ServiceForm):
    aliases = {"hauled_t": "weight_t"}
    weight_t = tonnes("承运确认重量（吨）", max_value=Decimal("1000"))
    plate = forms.CharField(label="运输车牌号", max_length=16, required=False)


class ReceiveForm(ServiceForm):
    aliases = {"received_t": "weight_t"}
    weight_t = tonnes("接收过磅重量（吨）", max_value=Decimal("1000"))
    rejected_t = tonnes("拒收重量（吨）", required=False, max_value=Decimal("1000"))
    rejection_reason = forms.CharField(label="拒收原因", max_length=200, required=False)


class CorrectForm(ServiceForm):
    shipped_t = tonnes("发运重量（吨）", required=False, max_value=Decimal("1000"))
    hauled_t = tonnes("承运确认重量（吨）", required=False, max_value=Decimal("1000"))
    received_t = tonnes("接收过磅重量（吨）", required=False, max_value=Decimal("1000"))
    rejected_t = tonnes("拒收重量（吨）", required=False, max_value=Decimal("1000"))
    waste_name = forms.CharField(label="废物名称", max_length=100, required=False)
    reason = forms.CharField(label="更正原因", max_length=200)



def correction_changes(data: dict, manifest) -> dict:
    """Only what differs from the manifest now: an empty field means "leave it"."""
    out = {}
    for name in ("shipped_t", "hauled_t", "received_t", "rejected_t", "waste_name"):
        value = data.get(name)
        if value not in (None, "") and value != getattr(manifest, name):
            out[name] = value
    return out


class CancelForm(ServiceForm):
    reason = forms.CharField(label="作废原因", max_length=200)
