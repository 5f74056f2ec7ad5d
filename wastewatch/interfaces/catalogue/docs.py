"""The Chinese integration guide, generated from the catalogue: field tables, code tables, examples, error codes.

Pages: `index_context()` for templates/interfaces/docs/index.html, `interface_context(spec)` for interface.html;
`render_guide()` is the whole guide as one standalone HTML document.
"""
import copy
import json
from itertools import groupby

from django.template.loader import render_to_string
from pydantic import ValidationError

from wastewatch.core.pydantic_zh import translate_errors
from wastewatch.interfaces import push, signing

from .codes import TABLES, CodeTable
from .spec import FREQUENCIES, InterfaceSpec, Record, all_specs, get, rule_of

PUSH_PATH = "/api/v1/push/{code}"
# Fixed values of the worked examples, so that a vendor can recompute every signature shown.
DEMO_APP_KEY, DEMO_SECRET = "ww0123456789abcdef0123", "demo-secret-仅用于验算示例"
DEMO_TIMESTAMP, DEMO_NONCE = "1745550000000", "5f2b9c0e8d7a4e61b3c2a1f0e9d8c7b6"
DEMO_BATCH_ID = "1024"
BROKEN = "错误 编码"  # a value no code, time or number accepts, for the rejected example


def _ordered_fields(model: type[Record]) -> list[str]:
    """Common fields first, then the interface's own, then those of its mixins."""
    common = list(Record.model_fields)
    own = [f for f in vars(model).get("__annotations__", {}) if f in model.model_fields]
    return common + own + [f for f in model.model_fields if f not in common and f not in own]


def field_rows(spec: InterfaceSpec) -> list[dict]:
    rows = []
    for name in _ordered_fields(spec.record):
        info = spec.record.model_fields[name]
        rule, literals = rule_of(info)
        table = rule if isinstance(rule, CodeTable) else None
        rows.append({
            "name": name,
            "type": rule.kind if rule else "字符串",
            "required": "是" if info.is_required() else "否",
            "description": info.description,
            "rule": rule.rule() if rule else "取值：" + "、".join(literals) + ("" if info.is_required() else f"，缺省为 {info.default}"),
            "allowed": table.allowed() if table else "、".join(literals),
            "pattern": getattr(rule, "pattern", ""),
            "code_table": table.name if table else "",
        })
    return rows


def table_anchor(table: CodeTable) -> str:
    return f"code-{TABLES.index(table) + 1}"


def code_tables(spec: InterfaceSpec) -> list[dict]:
    """The code tables the interface's fields use, in the order of codes.TABLES, with their anchors in the guide."""
    used = {rule_of(info)[0] for info in spec.record.model_fields.values()}
    return [{"anchor": table_anchor(t), "table": t} for t in TABLES if t in used]


def _condition(spec: InterfaceSpec, ref) -> str:
    if ref.when:
        return f"{ref.when[0]} 为 {ref.when[1]} 时"
    return "" if spec.record.model_fields[ref.field].is_required() else "填写时"


def reference_rows(spec: InterfaceSpec) -> list[dict]:
    rows = []
    for ref in spec.references:
        target = get(ref.spec_code)
        rows.append({
            "field": ref.field, "target": target, "key": target.business_key[0], "condition": _condition(spec, ref),
        })
    return rows


def _body_text(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, indent=2)


def example_request(spec: InterfaceSpec) -> dict:
    """The signed batch request a county system sends: one record, the demo app key, a fixed timestamp and nonce."""
    path = PUSH_PATH.format(code=spec.code)
    body = {"records": [copy.deepcopy(spec.example)]}
    text = _body_text(body)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        **signing.headers_for(DEMO_APP_KEY, DEMO_SECRET, "POST", path, text.encode("utf-8"), nonce=DEMO_NONCE, timestamp=DEMO_TIMESTAMP),
    }
    return {"method": "POST", "path": path, "headers": headers, "body": body, "body_text": text}


def example_response(spec: InterfaceSpec, *, rejected: bool = False) -> dict:
    """The answer to example_request; `rejected`: the answer when the record's first business-key field is wrong."""
    record = copy.deepcopy(spec.example)
    errors = []
    if rejected:
        record[spec.business_key[0]] = BROKEN
        try:
            spec.record.model_validate(record)
        except ValidationError as exc:
            errors = translate_errors(exc.errors())
    status = "rejected" if errors else "accepted"
    counts = {s: int(s == status) for s in ("accepted", "updated", "deleted", "unchanged", "rejected")}
    result = {"index": 0, "uid": record["uid"], "status": status, "errors": errors}
    return {"batchId": DEMO_BATCH_ID, **counts, "results": [result]}


REQUEST_ERRORS = (
    ("unauthenticated", 401, "缺少签名请求头，或 X-App-Key 不存在"),
    ("bad_signature", 401, "签名不正确、X-Sign-Method 不受支持，或 X-Nonce 超过 64 个字符"),
    ("expired_timestamp", 401, "X-Timestamp 不是毫秒时间戳，或与服务器时间相差超过 {window} 秒"),
    ("replayed_nonce", 401, "X-Nonce 在 {nonce_hours} 小时内已用过（疑似重放）；重试时请换新的 X-Nonce 并重新签名"),
    ("client_revoked", 401, "接入系统（AppKey）已被市分类办吊销"),
    ("unknown_interface", 404, "路径中的接口编码不存在"),
    ("too_many_records", 413, "一批超过 {max_records} 条记录"),
    ("invalid_body", 400, "请求体不是 UTF-8 编码的 JSON，或不是 {{\"records\": [...]}}，或 records 为空"),
)
RECORD_ERRORS = (
    ("invalid_record", "记录不符合字段定义：缺字段、格式、代码表取值、数值范围或字段间规则不满足"),
    ("out_of_county", "orgCode 不属于本接入系统所在的县（市、区），只能推送本县的记录"),
    ("reference_missing", "引用的编码（如小区编码、车牌号）尚未经对应接口推送，或已被删除；请先推送被引用的记录"),
    ("key_conflict", "业务主键（如小区编码）已被其他县（市、区）的记录使用"),
    ("record_not_found", "要删除（operation=D）的记录不存在或已删除"),
)


def error_codes() -> list[dict]:
    """Every error code with its HTTP status and Chinese meaning; record-level ones reject one record, not the batch."""
    values = {"window": signing.WINDOW_SECONDS, "nonce_hours": signing.NONCE_HOURS, "max_records": push.MAX_RECORDS}
    return [
        *({"code": c, "status": s, "scope": "整批", "meaning": m.format(**values)} for c, s, m in REQUEST_ERRORS),
        *({"code": c, "status": 200, "scope": "单条记录", "meaning": m} for c, m in RECORD_ERRORS),
    ]


def _worked_example() -> dict:
    """The signature of the estate example, step by step."""
    request = example_request(get("estate"))
    body = request["body_text"].encode("utf-8")
    text = signing.string_to_sign("POST", request["path"], DEMO_TIMESTAMP, DEMO_NONCE, body)
    return {
        **request, "timestamp": DEMO_TIMESTAMP, "nonce": DEMO_NONCE, "string_to_sign": text, "body_sm3": text.rsplit("\n", 1)[1],
        "signature": request["headers"]["X-Signature"], "sha256": signing.sign(DEMO_SECRET, text, "HMAC-SHA256"),
    }


def general_context() -> dict:
    return {
        "push_path": PUSH_PATH.format(code="{接口编码}"), "max_records": push.MAX_RECORDS,
        "window": signing.WINDOW_SECONDS, "nonce_hours": signing.NONCE_HOURS, "sign_methods": signing.METHODS,
        "demo_app_key": DEMO_APP_KEY, "demo_secret": DEMO_SECRET, "worked": _worked_example(),
        "error_codes": error_codes(), "frequencies": FREQUENCIES,
        "tables": [{"anchor": table_anchor(t), "table": t} for t in TABLES],
    }


def _groups(specs: list[InterfaceSpec]) -> list[tuple[str, list[InterfaceSpec]]]:
    return [(group, list(members)) for group, members in groupby(specs, key=lambda s: s.group)]


def interface_doc(spec: InterfaceSpec) -> dict:
    """Everything the guide says about one interface."""
    return {
        "spec": spec, "fields": field_rows(spec), "code_tables": code_tables(spec), "references": reference_rows(spec),
        "rules": spec.rules(), "request": example_request(spec), "response_text": _body_text(example_response(spec)),
        "rejected_text": _body_text(example_response(spec, rejected=True)),
    }


def interface_context(spec: InterfaceSpec) -> dict:
    return {"doc": interface_doc(spec), "max_records": push.MAX_RECORDS}


def index_context() -> dict:
    specs = all_specs()
    provincial_count = sum(s.provincial for s in specs)
    return {
        **general_context(), "groups": _groups(specs), "total": len(specs),
        "provincial_count": provincial_count, "local_count": len(specs) - provincial_count,
    }


def render_guide() -> str:
    """The whole guide as one standalone HTML document, for download."""
    context = {**index_context(), "interfaces": [interface_doc(spec) for spec in all_specs()]}
    return render_to_string("interfaces/docs/guide.html", context)
