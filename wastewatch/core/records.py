"""One representation of a registry record for the API, export, import and audit.

Relations are written by their natural key (codes, plates), several values
joined by commas, choices by code (or by their Chinese label in spreadsheets),
personal data masked unless the reader may see it.
"""
import datetime
import decimal
import re

from .masking import looks_masked, mask
from .resources import Resource

TRUE_WORDS = {"1", "true", "是", "y", "yes", "启用", "√"}
FALSE_WORDS = {"0", "false", "否", "n", "no", "停用", ""}
MULTI_SPLIT = re.compile(r"[,，、;；\s]+")


def _plain(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def field_value(resource: Resource, obj, name, *, reveal_pii=False, labels=False, display=False):
    """`labels`: choices and flags in Chinese (spreadsheets); `display`: related records by name (pages)."""
    f = resource.model_field(name)
    if f.many_to_many:
        key = resource.relation_keys.get(name, "pk")
        related = list(getattr(obj, name).all())
        if display:
            return "、".join(str(o) for o in related)
        values = [getattr(o, key) for o in related]
        return ",".join(str(v) for v in values) if labels else values
    if f.is_relation:
        related = getattr(obj, name)
        if related is None:
            return None
        return str(related) if display else getattr(related, resource.relation_keys.get(name, "pk"))
    value = getattr(obj, name)
    if name in resource.pii_fields and value and not reveal_pii:
        return mask(resource.pii_fields[name], value)
    if labels and f.choices:
        return dict(f.flatchoices).get(value, value)
    if labels and isinstance(value, bool):
        return "是" if value else "否"
    return _plain(value)


def to_dict(resource: Resource, obj, *, reveal_pii=False, labels=False, extra=True):
    data = {}
    if extra:
        data["id"] = obj.pk
    for name in resource.fields:
        data[name] = field_value(resource, obj, name, reveal_pii=reveal_pii, labels=labels)
    if extra and hasattr(obj, "is_active"):
        data["is_active"] = obj.is_active
    return data


def audit_snapshot(resource: Resource, obj):
    """Audit rows keep personal data masked so that the trail itself leaks nothing."""
    snap = to_dict(resource, obj, reveal_pii=False, labels=False, extra=False)
    if hasattr(obj, "is_active"):
        snap["is_active"] = obj.is_active
    return snap


def normalise_input(resource: Resource, raw: dict, *, instance=None):
    """Turn API or spreadsheet values into form data.

    Accepts Chinese labels for choices, 是/否 for flags, comma lists for
    several relations. A masked value of personal data (from an export) keeps
    what is stored.
    """
    data = {}
    for name in resource.fields:
        if name not in raw:
            continue
        value = raw[name]
        f = resource.model_field(name)
        if isinstance(value, str):
            value = value.strip()
        if f.many_to_many:
            if isinstance(value, str):
                value = [v for v in MULTI_SPLIT.split(value) if v]
            elif value is None:
                value = []
            value = [str(v) for v in value]
        elif f.choices and isinstance(value, str):
            by_label = {str(label): code for code, label in f.flatchoices}
            value = by_label.get(value, value)
        elif f.get_internal_type() == "BooleanField":
            if isinstance(value, str):
                low = value.lower()
                value = True if low in TRUE_WORDS else False if low in FALSE_WORDS else value
        elif name in resource.pii_fields and looks_masked(value) and instance is not None:
            value = getattr(instance, name)
        elif isinstance(value, float) and value.is_integer() and f.get_internal_type() not in ("DecimalField", "FloatField"):
            # Spreadsheets hand integers over as floats: 300.0 households, a code typed as a number.
            value = int(value)
        if value is None:
            value = ""
        if value == "" and name in resource.defaulted_fields:
            continue  # omitted: the model's default on create, the stored value on update
        data[name] = value
    return data


def merge_for_update(resource: Resource, instance, data: dict):
    """A partial update: fields not given keep their stored value."""
    full = to_dict(resource, instance, reveal_pii=True, labels=False, extra=False)
    full.update(data)
    return {k: ("" if v is None else v) for k, v in full.items()}
