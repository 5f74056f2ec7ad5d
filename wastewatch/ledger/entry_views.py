"""Pages that enter data into the ledger: a plant's daily figures, readings and outputs; a manifest from its draft to
its signature and corrections. Thin: forms check the input, services write, selectors scope every read (outside the
user's scope: 404). A refusal re-renders the page with the typed values and the reason beside its field."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wastewatch.core.errors import ServiceError
from wastewatch.core.pages import require_action, show_refusal
from wastewatch.registry.choices import TREATMENT_KINDS

from . import forms, selectors, services
from .manifest_presenter import manifest_dict
from .models import FacilityOperation, FacilityOutput, MonitoringReading
from .refs import Refs
from .services import facilities

ENTRY_FORMS = {"operation": forms.OperationForm, "reading": forms.ReadingForm, "output": forms.OutputForm}
ENTRY_DONE = {"operation": "运行数据", "reading": "监测数据", "output": "产物及去向"}


def _plant(request, code):
    site = selectors.site_get(user=request.user, code=code)
    if site.kind not in TREATMENT_KINDS:
        raise Http404(f"“{site.name}”不是处置设施，不填报运行与监测数据")
    return site


def _entry_form(name, site, data=None):
    kwargs = {"site": site} if name == "reading" else {}
    return ENTRY_FORMS[name](data, prefix=name, **kwargs)


@login_required
def facility_entry(request, code):
    """设施数据填报: one page with the three forms a plant operator fills in; each posts here with its name."""
    require_action(request, "ledger.add")
    site = _plant(request, code)
    now = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
    bound = request.POST.get("form") if request.method == "POST" else None
    if bound is not None and bound not in ENTRY_FORMS:
        raise Http404("不支持的填报内容")
    entry = {name: _entry_form(name, site, request.POST if name == bound else None) for name in ENTRY_FORMS}
    for name, form in entry.items():
        if name != bound:
            form.initial.setdefault("at", now.replace(minute=0) if name != "operation" else now)
    if bound is not None:
        form = entry[bound]
        if form.is_valid():
            try:
                _enter(bound, request.user, site, form.cleaned_data)
            except ServiceError as exc:
                form.refuse(exc)
            else:
                messages.success(request, f"{site.name}：{ENTRY_DONE[bound]}已保存")
                return redirect("ledger:facility_entry", code=site.code)
    return render(request, "ledger/facility_entry.html", {
        "site": site, "forms": entry, "bound": bound,
        "recent": {
            "operation": FacilityOperation.objects.filter(site=site).order_by("-at")[:5],
            "reading": MonitoringReading.objects.filter(site=site).order_by("-at", "item")[:8],
            "output": FacilityOutput.objects.filter(site=site).order_by("-at")[:5],
        },
    }, status=400 if bound and entry[bound].errors else 200)


def _enter(name, actor, site, d):
    at = d["at"]  # aware, in Asia/Shanghai as typed
    base = {"site": site, "region_code": site.region_id, "at": at, "day": timezone.localdate(at)}
    if name == "operation":
        return facilities.operation_record_many(actor=actor, audit_source="page", rows=[FacilityOperation(
            **base, run_state=d["run_state"], treated_t=d["treated_t"], power_kwh=d["power_kwh"],
            power_grid_kwh=d["power_grid_kwh"], line_count=d["line_count"], running_lines=d["running_lines"],
            stock_t=d["stock_t"], source_interface="page")])
    if name == "reading":
        return facilities.reading_record_many(actor=actor, audit_source="page", rows=[MonitoringReading(
            **base, point=d["point"].strip(), item=d["item"], value=d["value"], limit_value=d["limit_value"])])
    return facilities.output_enter(actor=actor, site=site, kind=d["kind"], at=at, amount=d["amount"], stock=d["stock"],
                                   dispatched_t=d["dispatched_t"], destination=d["destination"].strip(),
                                   destination_code=d["destination_code"].strip(), plate=d["plate"].strip().upper())


# -- manifests ----------------------------------------------------------------------------------------------------------

@login_required
def manifest_new(request):
    """开具联单: the generator (or the office of its area) drafts a manifest."""
    require_action(request, "ledger.add")
    form = forms.ManifestForm(request.POST or None, generators=selectors.sites_visible(user=request.user))
    if request.method == "POST" and form.is_valid():
        d, refs = form.cleaned_data, Refs()
        vehicle = refs.vehicle(d["plate"]) if d["plate"] else None
        try:
            if d["plate"] and vehicle is None:
                raise ServiceError("联单信息有误，未保存", details=[{"field": "plate", "reason": f"车辆“{d['plate']}”未登记"}])
            m = services.manifest_create(actor=request.user, category=d["category"], waste_name=d["waste_name"],
                                         generator=refs.site(d["generator"]), hauler=refs.org(d["hauler"]),
                                         receiver=refs.site(d["receiver"]), shipped_t=d["shipped_t"],
                                         planned_on=d["planned_on"], vehicle=vehicle)
        except ServiceError as exc:
            form.refuse(exc)
        else:
            messages.success(request, f"已开具联单 {m.number}（草稿），请产生单位确认发运")
            return redirect("ledger:manifest", number=m.number)
    return render(request, "ledger/manifest_new.html", {"form": form}, status=400 if form.errors else 200)


STEP_FORMS = {"pickup": forms.PickupForm, "receive": forms.ReceiveForm, "correct": forms.CorrectForm, "cancel": forms.CancelForm}
STEP_DONE = {"schedule": "产生单位已确认发运", "pickup": "运输单位已签收起运", "receive": "接收单位已过磅接收", "sign": "接收单位已签收办结",
             "correct": "已更正（更正前后记录见联单记录）", "cancel": "已作废"}


def manifest_page(request, manifest, *, bound=None, form=None, status=200):
    m = manifest_dict(manifest, with_events=True)
    step_forms = {name: (form if name == bound else cls(prefix=name)) for name, cls in STEP_FORMS.items()}
    return render(request, "ledger/manifest.html", {"m": m, "manifest": manifest, "forms": step_forms, "bound": bound,
                                                    "can_sign": request.user.can("ledger.sign"),
                                                    "can_correct": request.user.can("ledger.add")}, status=status)


@login_required
@require_POST
def manifest_step(request, number, step):
    """A party signs its step (确认发运、起运、接收、签收), or a correction or a cancellation; a refusal comes back
    on the manifest's page with what was typed."""
    require_action(request, "ledger.view")
    manifest = selectors.manifest_get(user=request.user, number=number)
    if step not in STEP_DONE:
        raise Http404("不支持的操作")
    form = STEP_FORMS[step](request.POST, prefix=step) if step in STEP_FORMS else None
    if form is not None and not form.is_valid():
        return manifest_page(request, manifest, bound=step, form=form, status=400)
    try:
        _step(request.user, manifest, step, form.cleaned_data if form is not None else {})
    except ServiceError as exc:
        if form is None:
            show_refusal(request, exc)
            return manifest_page(request, manifest, status=exc.status if exc.status in (400, 403, 409) else 400)
        form.refuse(exc)
        return manifest_page(request, manifest, bound=step, form=form, status=400)
    messages.success(request, f"联单 {number} {STEP_DONE[step]}")
    return redirect("ledger:manifest", number=number)


def _step(actor, m, step, d):
    if step == "schedule":
        return services.manifest_schedule(actor=actor, manifest=m)
    if step == "pickup":
        vehicle = Refs().vehicle(d["plate"]) if d.get("plate") else None
        if d.get("plate") and vehicle is None:
            raise ServiceError("车辆未登记", details=[{"field": "plate", "reason": f"车辆“{d['plate']}”未登记"}])
        return services.manifest_pickup(actor=actor, manifest=m, hauled_t=d["weight_t"], vehicle=vehicle)
    if step == "receive":
        return services.manifest_receive(actor=actor, manifest=m, received_t=d["weight_t"], rejected_t=d["rejected_t"],
                                         rejection_reason=d["rejection_reason"])
    if step == "sign":
        return services.manifest_sign(actor=actor, manifest=m)
    if step == "cancel":
        return services.manifest_cancel(actor=actor, manifest=m, reason=d["reason"])
    changes = forms.correction_changes(d, m)
    if not changes:
        raise ServiceError("没有需要更正的内容", details=[{"field": "shipped_t", "reason": "请至少修改一项与当前不同的数值"}])
    return services.manifest_correct(actor=actor, manifest=m, changes=changes, reason=d["reason"])
