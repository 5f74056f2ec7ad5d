"""Every read of a registry record goes through here, with the caller's data scope applied."""
from functools import reduce
from operator import or_

from django.db.models import Q
from django.http import Http404

from .audit import audit_history
from .resources import Resource


def record_list(resource: Resource, *, user, params=None):
    params = params or {}
    qs = resource.scoped(user.scope)
    for flt in resource.filters:
        value = (params.get(flt.name) or "").strip()
        if not value:
            continue
        if flt.lookup == "is_active":
            value = value in ("1", "true", "True")
        qs = qs.filter(**{flt.lookup: value})
        if "__" in flt.lookup and flt.lookup.split("__")[0] in resource.multi_fields:
            qs = qs.distinct()
    q = (params.get("q") or "").strip()
    if q and resource.search_fields:
        qs = qs.filter(reduce(or_, (Q(**{f"{f}__icontains": q}) for f in resource.search_fields)))
    return qs


def record_get(resource: Resource, *, user, key):
    """The record by its natural key, or 404 when it does not exist or lies outside the caller's scope."""
    obj = resource.scoped(user.scope).filter(**{resource.natural_key: key}).first()
    if obj is None:
        raise Http404(f"{resource.label}“{key}”不存在或不在您的数据权限范围内")
    return obj


def record_get_by_pk(resource: Resource, *, user, pk):
    obj = resource.scoped(user.scope).filter(pk=pk).first()
    if obj is None:
        raise Http404(f"{resource.label}不存在或不在您的数据权限范围内")
    return obj


def record_history(resource: Resource, *, user, obj):
    return audit_history(obj)


def region_scoped(queryset, *, user, lookups=("region_code",), organisation_lookups=()):
    """The rows of the user's data scope (DESIGN rule 2), for tables that carry a region code.

    A row is in scope when any of `lookups` lies in the user's region subtree; for a user bound to an
    organisation (a hauler, a plant's operator), when any of `organisation_lookups` is that organisation —
    with none given, such a user sees nothing of the table."""
    scope = user.scope
    if scope.nothing:
        return queryset.none()
    if scope.organisation_id is not None:
        if not organisation_lookups:
            return queryset.none()
        return queryset.filter(reduce(or_, (Q(**{lookup: scope.organisation_id}) for lookup in organisation_lookups)))
    if not scope.region_prefix:
        return queryset
    return queryset.filter(reduce(or_, (Q(**{f"{lookup}__startswith": scope.region_prefix}) for lookup in lookups)))
