"""The push API: one operation per interface of the catalogue, signed by the county system."""
from typing import Literal

from ninja import Field, Router, Schema

from wastewatch.core.errors import ServiceError
from wastewatch.core.schemas import ErrorOut

from . import catalogue, push
from .clients import SignatureAuth

router = Router(tags=["数据接口推送"], auth=SignatureAuth())


class FieldError(Schema):
    field: str = Field(description="出错的字段名；空表示整条记录")
    reason: str = Field(description="中文原因")


class RecordResult(Schema):
    index: int = Field(description="记录在本批 records 中的序号，从 0 开始")
    uid: str
    status: Literal["accepted", "updated", "deleted", "unchanged", "rejected"] = Field(
        description="accepted 新增、updated 更新、deleted 删除、unchanged 与上次相同、rejected 拒收")
    code: str | None = Field(None, description="拒收时的错误码：" + "、".join(push.RECORD_CODES))
    errors: list[FieldError]


class PushOut(Schema):
    batchId: str
    accepted: int
    updated: int
    deleted: int
    unchanged: int
    rejected: int
    results: list[RecordResult]


def _operation(spec):
    def receive(request):
        batch = push.push_receive(client=request.auth, spec=spec, body=request.body)
        return push.batch_answer(batch)

    receive.__doc__ = (
        f"{spec.number}. {spec.name}（{'省级' if spec.provincial else '市级'}接口，{'实时' if spec.frequency == 'realtime' else '每日'}报送）。"
        f"请求体 {{\"records\": [...]}}，每批最多 {push.MAX_RECORDS} 条；逐条返回结果，合法记录不因同批其他记录出错而被拒。"
    )
    return receive


def _inline(node, defs):
    """The record schema with its $defs resolved in place, so it can sit inside the OpenAPI document."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(defs[node["$ref"].rsplit("/", 1)[1]], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


for spec in catalogue.all_specs():
    raw = spec.record.model_json_schema()
    schema = _inline(raw, raw.get("$defs", {}))
    router.add_api_operation(
        f"/{spec.code}", ["POST"], _operation(spec),
        response={200: PushOut, 400: ErrorOut, 401: ErrorOut, 413: ErrorOut},
        summary=f"{spec.number}. {spec.name}", operation_id=f"push_{spec.code.replace('-', '_')}",
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["records"],
            "properties": {"records": {"type": "array", "minItems": 1, "maxItems": push.MAX_RECORDS, "items": schema}},
        }}}}},
    )


@router.post("/{interface}", response={404: ErrorOut}, summary="未知接口", include_in_schema=False)
def unknown(request, interface: str):
    raise ServiceError(f"没有名为“{interface}”的接口，请查阅 /docs/interfaces/", code="unknown_interface", status=404)
