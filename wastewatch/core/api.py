"""The generic API of a registry type: list, detail, create, update, enable/disable,
history, export, template and import, all under one router per type."""
from typing import Literal

from django.http import HttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from . import records, selectors, services, spreadsheets
from .resources import Resource
from .schemas import ErrorOut, HistoryOut, ImportOut, input_schema, output_schema

MAX_PAGE_SIZE = 200


def require(request, action):
    if not request.auth.can(action):
        from wastewatch.accounts.permissions import ACTIONS

        raise HttpError(403, f"您没有“{ACTIONS.get(action, action)}”的权限")


def file_response(content: bytes, filename: str, fmt: str):
    content_type = spreadsheets.XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def export_bytes(resource: Resource, queryset, *, user, fmt):
    rows = spreadsheets.rows_for_export(resource, queryset, reveal_pii=user.can("core.view_personal"))
    if fmt == "csv":
        return spreadsheets.write_csv(resource, rows)
    return spreadsheets.write_xlsx(resource, rows)


def build_router(resource: Resource) -> Router:
    router = Router(tags=[resource.label])
    oid = resource.slug.replace("-", "_")
    In = input_schema(resource)
    Out = output_schema(resource)
    filter_fields = {f.name: (str | None, None) for f in resource.filters}

    class Page(Schema):
        count: int
        page: int
        page_size: int
        items: list[Out]

    Page.__name__ = f"{resource.model.__name__}Page"
    Filters = type(
        f"{resource.model.__name__}Filter",
        (Schema,),
        {"__annotations__": {"q": str | None, "page": int, "page_size": int, **{k: v[0] for k, v in filter_fields.items()}},
         "q": None, "page": 1, "page_size": 50, **{k: None for k in filter_fields}},
    )

    def view(request, obj):
        return records.to_dict(resource, obj, reveal_pii=request.auth.can("core.view_personal"))

    @router.get("/", response={200: Page, 403: ErrorOut}, summary=f"{resource.label}列表", operation_id=f"{oid}_list")
    def list_records(request, filters: Query[Filters]):
        require(request, resource.perm("view"))
        params = filters.dict()
        qs = selectors.record_list(resource, user=request.auth, params=params)
        size = max(1, min(params["page_size"], MAX_PAGE_SIZE))
        page = max(1, params["page"])
        count = qs.count()
        items = [view(request, o) for o in qs[(page - 1) * size: page * size]]
        return {"count": count, "page": page, "page_size": size, "items": items}

    @router.get("/export", summary=f"导出{resource.label}（按筛选条件）", operation_id=f"{oid}_export")
    def export(request, filters: Query[Filters], format: Literal["xlsx", "csv"] = "xlsx"):
        require(request, resource.perm("export"))
        qs = selectors.record_list(resource, user=request.auth, params=filters.dict())
        return file_response(export_bytes(resource, qs, user=request.auth, fmt=format), f"{resource.label}.{format}", format)

    @router.get("/template", summary=f"{resource.label}导入模板", operation_id=f"{oid}_template")
    def template(request, format: Literal["xlsx", "csv"] = "xlsx"):
        require(request, resource.perm("import"))
        content = spreadsheets.write_xlsx(resource, [], with_notes=True) if format == "xlsx" else spreadsheets.write_csv(resource, [])
        return file_response(content, f"{resource.label}导入模板.{format}", format)

    @router.post("/import", response={200: ImportOut, 400: ErrorOut, 403: ErrorOut}, summary=f"导入{resource.label}", operation_id=f"{oid}_import")
    def import_records(request, file: File[UploadedFile], dry_run: bool = True):
        """dry_run=true 只校验不写入；有任何一行出错则整份文件都不写入，errors 给出行、列和原因。"""
        require(request, resource.perm("import"))
        result = spreadsheets.records_import(
            actor=request.auth, resource=resource, content=file.read(), filename=file.name, dry_run=dry_run, source="api"
        )
        return result.as_dict()

    @router.get("/{key}", response={200: Out, 403: ErrorOut, 404: ErrorOut}, summary=f"{resource.label}详情", operation_id=f"{oid}_get")
    def get_record(request, key: str):
        require(request, resource.perm("view"))
        return view(request, selectors.record_get(resource, user=request.auth, key=key))

    @router.get("/{key}/history", response={200: list[HistoryOut], 403: ErrorOut, 404: ErrorOut}, summary="变更记录", operation_id=f"{oid}_history")
    def history(request, key: str):
        require(request, resource.perm("view"))
        obj = selectors.record_get(resource, user=request.auth, key=key)
        return [
            {"at": r.at, "actor": r.actor_label, "source": r.source, "action": r.action, "before": r.before, "after": r.after}
            for r in selectors.record_history(resource, user=request.auth, obj=obj)
        ]

    @router.post("/", response={201: Out, 400: ErrorOut, 403: ErrorOut}, summary=f"新增{resource.label}", operation_id=f"{oid}_create")
    def create(request, payload: In):
        require(request, resource.perm("add"))
        obj = services.record_create(actor=request.auth, resource=resource, data=payload.model_dump(exclude_unset=True), source="api")
        return Status(201, view(request, obj))

    @router.patch("/{key}", response={200: Out, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary=f"修改{resource.label}", operation_id=f"{oid}_update")
    def update(request, key: str, payload: In):
        require(request, resource.perm("change"))
        obj = selectors.record_get(resource, user=request.auth, key=key)
        obj = services.record_update(
            actor=request.auth, resource=resource, instance=obj, data=payload.model_dump(exclude_unset=True), source="api"
        )
        return view(request, obj)

    def toggler(active):
        def toggle(request, key: str):
            require(request, resource.perm("change"))
            obj = selectors.record_get(resource, user=request.auth, key=key)
            obj = services.record_set_active(actor=request.auth, resource=resource, instance=obj, active=active, source="api")
            return view(request, obj)

        return toggle

    if resource.can_toggle:
        for verb, active, label in (("enable", True, "启用"), ("disable", False, "停用")):
            router.add_api_operation(
                f"/{{key}}/{verb}", ["POST"], toggler(active), response={200: Out, 403: ErrorOut, 404: ErrorOut},
                summary=f"{label}{resource.label}", operation_id=f"{oid}_{verb}",
            )
    return router
