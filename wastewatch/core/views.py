"""The generic pages of every registry type: list, detail, form, enable/disable, export, import."""
import csv
import io
import json
import time
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from . import records, selectors, services, spreadsheets
from .api import export_bytes, file_response
from .errors import ServiceError
from .resources import Resource, get_by_model

PAGE_SIZE = 30
SELECT_LIMIT = 300
IMPORT_DIR = settings.VAR_DIR / "imports"


ACTION_LABELS = {"view": "查看", "add": "新增", "change": "修改", "import": "导入", "export": "导出"}


def _require(request, resource, action):
    if not request.user.can(resource.perm(action)):
        raise PermissionDenied(f"您没有{ACTION_LABELS[action]}“{resource.label}”的权限")


def url_name(resource, view):
    return f"records:{resource.slug}_{view}"


def _detail_url(resource, obj):
    return reverse(url_name(resource, "detail"), args=[records.field_value(resource, obj, resource.natural_key)])


def _page_form(resource: Resource, user, data=None, instance=None):
    """The resource's form with widgets fit for a person: a select where the choices are few, a code box otherwise."""
    form = resource.form_class(data=data, instance=instance)
    for name, key in resource.relation_keys.items():
        field = form.fields[name]
        related_model = resource.model_field(name).related_model
        related = get_by_model(related_model)
        qs = related.scoped(user.scope) if related else related_model.objects.all()
        if related and hasattr(related_model, "is_active"):
            qs = qs.filter(is_active=True)
        if qs.count() <= SELECT_LIMIT:
            field.queryset = qs
            if isinstance(field, forms.ModelMultipleChoiceField):
                field.widget = forms.SelectMultiple(attrs={"class": "form-select", "size": 6})
            else:
                field.widget = forms.Select(attrs={"class": "form-select"})
            field.widget.choices = field.choices
        else:
            field.widget = forms.TextInput(attrs={"class": "form-control", "placeholder": f"填写{related_model._meta.verbose_name}的编码"})
        if instance is not None and data is None:
            # The model form's initial value is the primary key; the fields speak natural keys.
            form.initial[name] = records.field_value(resource, instance, name)
    for name, field in form.fields.items():
        w = field.widget
        if isinstance(w, forms.CheckboxInput):
            w.attrs["class"] = "form-check-input"
        elif isinstance(w, forms.Select):
            w.attrs.setdefault("class", "form-select")
        else:
            w.attrs.setdefault("class", "form-control")
        if name in resource.pii_fields and instance is not None and data is None and not user.can("core.view_personal"):
            form.initial[name] = records.field_value(resource, instance, name)
    return form


def _post_data(resource, request):
    data = {}
    for name in resource.fields:
        f = resource.model_field(name)
        if f.many_to_many:
            data[name] = request.POST.getlist(name)
        elif f.get_internal_type() == "BooleanField":
            data[name] = name in request.POST
        elif name in request.POST:
            data[name] = request.POST.get(name)
    return data


def query_without_page(request):
    """The list's filters as a query string, for links to its other pages and its exports."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def list_view(request, resource: Resource):
    _require(request, resource, "view")
    qs = selectors.record_list(resource, user=request.user, params=request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    reveal = request.user.can("core.view_personal")
    rows = [
        (obj, _detail_url(resource, obj), [records.field_value(resource, obj, c, reveal_pii=reveal, labels=True, display=True) for c in resource.list_columns])
        for obj in page.object_list
    ]
    context = {
        "resource": resource, "page": page, "rows": rows,
        "columns": [resource.field_label(c) for c in resource.list_columns],
        "filters": [(f, request.GET.get(f.name, "")) for f in resource.filters],
        "q": request.GET.get("q", ""), "query": query_without_page(request),
        "urls": _urls(resource),
    }
    template = "core/_list_results.html" if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results" else "core/list.html"
    return render(request, template, context)


def _urls(resource):
    return {v: reverse(url_name(resource, v)) for v in ("list", "add", "export", "import", "template")}


@login_required
def detail_view(request, resource: Resource, key):
    _require(request, resource, "view")
    obj = selectors.record_get(resource, user=request.user, key=key)
    reveal = request.user.can("core.view_personal")
    fields = [(resource.field_label(n), records.field_value(resource, obj, n, reveal_pii=reveal, labels=True, display=True)) for n in resource.fields]
    history = selectors.record_history(resource, user=request.user, obj=obj)[:100]
    labels = {n: resource.field_label(n) for n in resource.fields}
    history_rows = [(h, [(labels.get(k, k), b, a) for k, b, a in h.changes()]) for h in history]
    return render(request, "core/detail.html", {
        "resource": resource, "obj": obj, "fields": fields, "history": history_rows, "key": key, "urls": _urls(resource),
        "edit_url": reverse(url_name(resource, "edit"), args=[key]),
        "toggle_url": reverse(url_name(resource, "toggle"), args=[key]),
        "actions": [(label, reverse(name, args=[key])) for label, name, perm in resource.detail_actions if request.user.can(perm)],
    })


@login_required
def form_view(request, resource: Resource, key=None):
    instance = None
    if key is not None:
        _require(request, resource, "change")
        instance = selectors.record_get(resource, user=request.user, key=key)
    else:
        _require(request, resource, "add")
    if request.method == "POST":
        data = _post_data(resource, request)
        try:
            if instance is None:
                obj = services.record_create(actor=request.user, resource=resource, data=data, source="page")
                messages.success(request, f"已新增{resource.label}“{obj}”")
            else:
                obj = services.record_update(actor=request.user, resource=resource, instance=instance, data=data, source="page")
                messages.success(request, f"已保存{resource.label}“{obj}”")
            return redirect(_detail_url(resource, obj))
        except ServiceError as exc:
            if instance is not None:
                instance.refresh_from_db()
            form = _page_form(resource, request.user, data=records.normalise_input(resource, data, instance=instance), instance=instance)
            form.is_valid()
            known = set(form.errors)
            for d in exc.details:
                field = d.get("field") or None
                if field not in form.fields:
                    field = None
                if field is None or field not in known:
                    form.add_error(field, d["reason"])
            messages.error(request, exc.message)
    else:
        form = _page_form(resource, request.user, instance=instance)
    return render(request, "core/form.html", {"resource": resource, "form": form, "obj": instance, "urls": _urls(resource)})


@login_required
@require_POST
def toggle_view(request, resource: Resource, key):
    _require(request, resource, "change")
    obj = selectors.record_get(resource, user=request.user, key=key)
    try:
        services.record_set_active(actor=request.user, resource=resource, instance=obj, active=not obj.is_active, source="page")
        messages.success(request, f"已{'启用' if obj.is_active else '停用'}“{obj}”")
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(_detail_url(resource, obj))


@login_required
def export_view(request, resource: Resource):
    _require(request, resource, "export")
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    qs = selectors.record_list(resource, user=request.user, params=request.GET)
    return file_response(export_bytes(resource, qs, user=request.user, fmt=fmt), f"{resource.label}.{fmt}", fmt)


@login_required
def template_view(request, resource: Resource):
    _require(request, resource, "import")
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    content = spreadsheets.write_xlsx(resource, [], with_notes=True) if fmt == "xlsx" else spreadsheets.write_csv(resource, [])
    return file_response(content, f"{resource.label}导入模板.{fmt}", fmt)


STASH_SECONDS = 24 * 3600


def _stash(request, content, filename):
    """Keep an uploaded file between the preview and the confirmation; day-old uploads are removed."""
    IMPORT_DIR.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STASH_SECONDS
    for old in IMPORT_DIR.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = uuid.uuid4().hex
    (IMPORT_DIR / token).write_bytes(content)
    (IMPORT_DIR / f"{token}.json").write_text(json.dumps({"filename": filename, "user": request.user.pk}))
    return token


def _unstash(request, token):
    if not token or not token.isalnum():
        raise Http404("导入文件已失效，请重新上传")
    meta_path = IMPORT_DIR / f"{token}.json"
    if not meta_path.exists():
        raise Http404("导入文件已失效，请重新上传")
    meta = json.loads(meta_path.read_text())
    if meta["user"] != request.user.pk:
        raise Http404("导入文件已失效，请重新上传")
    return (IMPORT_DIR / token).read_bytes(), meta["filename"]


@login_required
def import_view(request, resource: Resource):
    """Upload → dry-run preview with every error (row, column, reason) → confirm: all rows land or none."""
    _require(request, resource, "import")
    context = {"resource": resource, "urls": _urls(resource), "headers": spreadsheets.headers_for(resource)}
    if request.method == "POST":
        token = request.POST.get("token")
        try:
            if token:
                content, filename = _unstash(request, token)
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise ServiceError("请选择要导入的文件", details=[{"field": "file", "reason": "未选择文件"}])
                content, filename = upload.read(), upload.name
                token = _stash(request, content, filename)
            confirm = request.POST.get("confirm") == "1"
            result = spreadsheets.records_import(
                actor=request.user, resource=resource, content=content, filename=filename, dry_run=not confirm, source="import"
            )
            if result.errors:
                (IMPORT_DIR / f"{token}.errors.json").write_text(json.dumps(result.errors, ensure_ascii=False))
            if result.committed:
                messages.success(request, f"导入完成：新增 {result.created} 条，修改 {result.updated} 条")
                return redirect(reverse(url_name(resource, "list")))
            context.update({"result": result, "token": token, "filename": filename})
        except ServiceError as exc:
            messages.error(request, exc.message)
    return render(request, "core/import.html", context)


@login_required
def import_errors_view(request, resource: Resource, token):
    _require(request, resource, "import")
    _unstash(request, token)
    path = IMPORT_DIR / f"{token}.errors.json"
    if not path.exists():
        raise Http404("该导入文件没有错误报告")
    errors = json.loads(path.read_text())
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["行", "列", "原因"])
    for e in errors:
        writer.writerow([e["row"], e["column"], e["reason"]])
    return file_response(("\ufeff" + buf.getvalue()).encode("utf-8"), f"{resource.label}导入错误报告.csv", "csv")


def resource_urls(resource: Resource):
    prefix = f"{resource.app_label}/{resource.slug}/"
    n = resource.slug
    kw = {"resource": resource}
    return [
        path(prefix, list_view, kw, name=f"{n}_list"),
        path(prefix + "add/", form_view, kw, name=f"{n}_add"),
        path(prefix + "export/", export_view, kw, name=f"{n}_export"),
        path(prefix + "import/", import_view, kw, name=f"{n}_import"),
        path(prefix + "import/<str:token>/errors.csv", import_errors_view, kw, name=f"{n}_import_errors"),
        path(prefix + "template/", template_view, kw, name=f"{n}_template"),
        path(prefix + "<str:key>/", detail_view, kw, name=f"{n}_detail"),
        path(prefix + "<str:key>/edit/", form_view, kw, name=f"{n}_edit"),
        path(prefix + "<str:key>/toggle/", toggle_view, kw, name=f"{n}_toggle"),
    ]

