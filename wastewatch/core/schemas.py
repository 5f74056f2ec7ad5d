"""Pydantic schemas generated from a Resource, so the OpenAPI document shows every field."""
import datetime
from decimal import Decimal
from typing import Any, Optional

from django import forms
from pydantic import BaseModel, ConfigDict, Field, create_model

from .resources import Resource, choices_of


def _python_type(form_field):
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return list[str]
    if isinstance(form_field, forms.ModelChoiceField):
        return str
    if isinstance(form_field, forms.BooleanField):
        return bool
    if isinstance(form_field, (forms.DecimalField, forms.FloatField)):  # both subclass IntegerField
        return Decimal
    if isinstance(form_field, forms.IntegerField):
        return int
    if isinstance(form_field, forms.DateTimeField):
        return datetime.datetime
    if isinstance(form_field, forms.DateField):
        return datetime.date
    return str


def _description(resource: Resource, name, form_field):
    parts = [resource.field_label(name)]
    if form_field.required:
        parts.append("必填")
    choices = choices_of(resource, name)
    if choices:
        parts.append("取值：" + "，".join(f"{code}={label}" for code, label in choices))
    if name in resource.relation_keys:
        parts.append(f"填写{resource.model_field(name).related_model._meta.verbose_name}的 {resource.relation_keys[name]}")
    if name in resource.pii_fields:
        parts.append("个人信息：加密保存，无权限者看到脱敏值")
    if form_field.help_text:
        parts.append(str(form_field.help_text))
    return "；".join(parts)


def input_schema(resource: Resource):
    form = resource.form_class()
    fields = {}
    for name in resource.fields:
        ff = form.fields[name]
        fields[name] = (Optional[_python_type(ff)], Field(None, description=_description(resource, name, ff)))
    return create_model(f"{resource.model.__name__}In", __config__=ConfigDict(extra="forbid"), **fields)


def output_schema(resource: Resource):
    form = resource.form_class()
    fields = {"id": (Any, Field(..., description="内部编号"))}
    for name in resource.fields:
        ff = form.fields[name]
        fields[name] = (Optional[_python_type(ff)] if not isinstance(ff, forms.DecimalField) else Optional[float],
                        Field(None, description=_description(resource, name, ff)))
    fields["is_active"] = (bool, Field(True, description="启用"))
    return create_model(f"{resource.model.__name__}Out", **fields)


class ErrorDetail(BaseModel):
    index: Optional[int] = None
    row: Optional[int] = None
    field: str = ""
    reason: str


class ErrorOut(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail] = []


class ImportOut(BaseModel):
    total: int
    created: int
    updated: int
    committed: bool
    errors: list[dict]


class HistoryOut(BaseModel):
    at: datetime.datetime
    actor: str
    source: str
    action: str
    before: Optional[dict] = None
    after: Optional[dict] = None
