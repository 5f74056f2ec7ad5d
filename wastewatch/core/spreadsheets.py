"""Excel and CSV in and out for every registry type: template, export, import.

An import is validated row by row (row, column, reason); either every row
lands, in one transaction, or none does.
"""
import csv
import io
from dataclasses import dataclass, field

import openpyxl
from django.db import transaction
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .audit import audit_write
from .errors import ServiceError
from .models import AuditRecord
from .records import audit_snapshot, merge_for_update, normalise_input, to_dict
from .resources import Resource, choices_of, is_multi
from .services import _validated

MAX_IMPORT_ROWS = 50_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def headers_for(resource: Resource):
    return [resource.field_label(name) for name in resource.fields]


def field_notes(resource: Resource):
    form = resource.form_class()
    notes = []
    for name in resource.fields:
        ff = form.fields[name]
        hint = []
        choices = choices_of(resource, name)
        if choices:
            hint.append("可选值：" + "、".join(f"{label}" for _, label in choices))
        if name in resource.relation_keys:
            related = resource.model_field(name).related_model._meta.verbose_name
            hint.append(f"填写{related}的编码" + ("，多个用逗号分隔" if is_multi(resource, name) else ""))
        if resource.model_field(name).get_internal_type() == "BooleanField":
            hint.append("填 是 或 否")
        if name in resource.pii_fields:
            hint.append("个人信息，加密保存")
        notes.append((resource.field_label(name), name, "是" if ff.required else "否", "；".join(hint), str(ff.help_text or "")))
    return notes


def rows_for_export(resource: Resource, queryset, *, reveal_pii):
    for obj in queryset.iterator(chunk_size=2000) if not resource.multi_fields else queryset:
        data = to_dict(resource, obj, reveal_pii=reveal_pii, labels=True, extra=False)
        yield [data[name] for name in resource.fields]


def write_xlsx(resource: Resource, rows, *, with_notes=False) -> bytes:
    wb = openpyxl.Workbook(write_only=not with_notes)
    ws = wb.create_sheet(resource.label) if not with_notes else wb.active
    if with_notes:
        ws.title = resource.label
    ws.append(headers_for(resource))
    for row in rows:
        ws.append(row)
    if with_notes:
        bold = Font(bold=True)
        for i, _ in enumerate(resource.fields, start=1):
            cell = ws.cell(row=1, column=i)
            cell.font = bold
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            column = ws.column_dimensions[get_column_letter(i)]
            column.width = 16
            # Text cells, so that 18-digit codes are not turned into rounded numbers by Excel.
            column.number_format = "@"
        notes = wb.create_sheet("填写说明")
        notes.append(["列名", "字段", "必填", "说明", "提示"])
        for row in field_notes(resource):
            notes.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_csv(resource: Resource, rows) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers_for(resource))
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    # BOM so that Excel on Windows opens the Chinese text correctly.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def read_table(content: bytes, filename: str):
    """(headers, rows) of the first sheet of an .xlsx or of a .csv (UTF-8 or GBK)."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        try:
            wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise ServiceError("无法读取该 Excel 文件，请使用下载的模板（.xlsx）", code="bad_file") from exc
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
    elif name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ServiceError("CSV 文件编码无法识别，请保存为 UTF-8", code="bad_file")
        rows = [tuple(r) for r in csv.reader(io.StringIO(text))]
    else:
        raise ServiceError("只支持 .xlsx 和 .csv 文件", code="bad_file")
    rows = [r for r in rows if any(v not in (None, "") for v in r)]
    if not rows:
        raise ServiceError("文件是空的：第一行应为列名", code="bad_file")
    headers = [("" if h is None else str(h)).strip().rstrip("*") for h in rows[0]]
    return headers, rows[1:]


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)
    committed: bool = False
    preview: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def as_dict(self):
        return {
            "total": self.total, "created": self.created, "updated": self.updated,
            "committed": self.committed, "errors": self.errors,
        }


def _column_map(resource: Resource, headers, result):
    by_label = {resource.field_label(n): n for n in resource.fields}
    mapping = {}
    for col, header in enumerate(headers):
        if not header:
            continue
        name = by_label.get(header) or (header if header in resource.fields else None)
        if name is None:
            result.errors.append({"row": 1, "column": header, "field": "", "reason": f"未知的列“{header}”，请使用模板中的列名"})
        elif name in mapping.values():
            result.errors.append({"row": 1, "column": header, "field": name, "reason": "列名重复"})
        else:
            mapping[col] = name
    form = resource.form_class()
    for name in resource.fields:
        if form.fields[name].required and name not in mapping.values():
            result.errors.append({"row": 1, "column": resource.field_label(name), "field": name, "reason": "缺少必填列"})
    return mapping


def records_import(*, actor, resource: Resource, content: bytes, filename: str, dry_run: bool, source="import"):
    headers, rows = read_table(content, filename)
    result = ImportResult(total=len(rows))
    if len(rows) > MAX_IMPORT_ROWS:
        raise ServiceError(f"一次最多导入 {MAX_IMPORT_ROWS} 行，本文件有 {len(rows)} 行", code="too_many_rows")
    mapping = _column_map(resource, headers, result)
    if result.errors:
        return result
    key = resource.natural_key
    keys = [row[col] for row in rows for col, name in mapping.items() if name == key]
    existing = {}
    if key in mapping.values():
        wanted = {str(k).strip() for k in keys if k not in (None, "")}
        model = resource.model
        for start in range(0, len(wanted), 900):
            chunk = list(wanted)[start:start + 900]
            for obj in model.objects.filter(**{f"{key}__in": chunk}):
                existing[str(getattr(obj, key))] = obj
    visible = set()
    if existing:
        visible = set(resource.scoped(actor.scope).filter(pk__in=[o.pk for o in existing.values()]).values_list("pk", flat=True))

    label_of = {n: resource.field_label(n) for n in resource.fields}
    seen = {}
    pending = []
    for i, row in enumerate(rows):
        rowno = i + 2
        raw = {name: (row[col] if col < len(row) else None) for col, name in mapping.items()}
        k = str(raw.get(key) or "").strip()
        if k and k in seen:
            result.errors.append({"row": rowno, "column": label_of.get(key, key), "field": key, "reason": f"与第 {seen[k]} 行重复"})
            continue
        if k:
            seen[k] = rowno
        instance = existing.get(k)
        if instance is not None and instance.pk not in visible:
            result.errors.append({"row": rowno, "column": label_of.get(key, key), "field": key, "reason": "该编码已被您数据权限范围以外的记录使用"})
            continue
        data = normalise_input(resource, raw, instance=instance)
        before = None
        if instance is not None:
            before = audit_snapshot(resource, instance)
            data = merge_for_update(resource, instance, data)
        form, problems = _validated(resource, actor=actor, data=data, instance=instance)
        for p in problems:
            result.errors.append({"row": rowno, "column": label_of.get(p["field"], p["field"]), "field": p["field"], "reason": p["reason"]})
        if not problems:
            pending.append((form, before))
            if len(result.preview) < 20:
                result.preview.append({"row": rowno, "action": "修改" if instance else "新增", "values": [raw.get(n) for n in resource.fields]})
    result.created = sum(1 for _, b in pending if b is None)
    result.updated = len(pending) - result.created
    if dry_run or result.errors:
        return result
    with transaction.atomic():
        audits = []
        for form, before in pending:
            obj = form.save()
            after = audit_snapshot(resource, obj)
            if before == after:
                continue
            audits.append(audit_write.prepare(
                actor=actor, source=source, action="update" if before else "create", obj=obj,
                region_code=resource.region_code_of(obj), before=before, after=after,
            ))
        AuditRecord.objects.bulk_create(audits, batch_size=1000)
    result.committed = True
    return result
