"""A Resource describes one registry type once; the generic pages, API, import,
export, filters and the standard tests are all driven by it (as NetBox's
generic views and ViewSets are driven by a model and its forms/tables)."""
from dataclasses import dataclass, field

from django import forms
from django.db import models
from django.utils.functional import cached_property

from .fields import EncryptedCharField

_RESOURCES: dict[str, "Resource"] = {}


@dataclass
class ListFilter:
    """A filter on the list page and API: `name` is the query parameter."""

    name: str
    label: str
    lookup: str
    choices: list | None = None  # None: free text; a callable is evaluated per request

    def get_choices(self):
        return self.choices() if callable(self.choices) else (self.choices or [])


@dataclass
class Resource:
    slug: str  # URL segment, plural: "estates"
    model: type
    fields: list[str]  # editable fields, in form / import / export order
    list_columns: list[str]
    search_fields: list[str]
    natural_key: str = "code"
    filters: list[ListFilter] = field(default_factory=list)
    region_field: str = "region_id"
    organisation_field: str | None = None
    app_label: str = "registry"
    nav_group: str = "基础档案"
    multi_fields: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ("-id",)
    select_related: tuple[str, ...] = ()
    form_base: type = None
    clean_hook: object = None  # callable(cleaned_data, instance) -> {field: reason}
    can_toggle: bool = True
    detail_actions: list = field(default_factory=list)  # (label, url name taking the natural key, permission)

    def __post_init__(self):
        _RESOURCES[self.slug] = self

    @property
    def verbose_name(self):
        return self.model._meta.verbose_name

    @property
    def label(self):
        return str(self.model._meta.verbose_name)

    def perm(self, action):
        return f"{self.app_label}.{action}"

    def model_field(self, name):
        return self.model._meta.get_field(name)

    def field_label(self, name):
        try:
            return str(self.model_field(name).verbose_name)
        except Exception:
            return name

    @cached_property
    def pii_fields(self) -> dict[str, str]:
        return {f.name: f.mask for f in self.model._meta.fields if isinstance(f, EncryptedCharField)}

    @cached_property
    def relation_keys(self) -> dict[str, str]:
        """Relational field -> the natural key by which it is written in imports and the API."""
        keys = {}
        for name in self.fields:
            f = self.model_field(name)
            if f.is_relation:
                related = get_by_model(f.related_model)
                keys[name] = related.natural_key if related else getattr(f.related_model, "NATURAL_KEY", "pk")
        return keys

    @cached_property
    def form_class(self):
        overrides = {}
        for name, key in self.relation_keys.items():
            f = self.model_field(name)
            # Django's "选择一个有效的选项" says nothing to someone typing a code into a sheet or an interface.
            key_label = f.related_model._meta.get_field(key).verbose_name
            missing = f"“%(value)s”不存在：请填写平台已登记的{f.related_model._meta.verbose_name}（{key_label}）"
            field_class = forms.ModelMultipleChoiceField if f.many_to_many else forms.ModelChoiceField
            overrides[name] = field_class(
                queryset=f.related_model.objects.all(), to_field_name=key, required=not f.blank, label=f.verbose_name,
                error_messages={"invalid_choice": missing, "invalid_pk_value": missing},
            )
        meta = type("Meta", (), {"model": self.model, "fields": self.fields})
        from .forms import RegistryModelForm

        form = type(f"{self.model.__name__}Form", (self.form_base or RegistryModelForm,), {"Meta": meta, **overrides})
        for name in self.defaulted_fields:
            # Left out, the model's default applies (an interface or spreadsheet need not say households=0).
            form.base_fields[name].required = False
        return form

    @cached_property
    def defaulted_fields(self) -> set[str]:
        return {
            name for name in self.fields
            if (f := self.model_field(name)).has_default() and not f.many_to_many and f.get_internal_type() != "BooleanField"
        }

    def base_queryset(self):
        qs = self.model.objects.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return qs.order_by(*self.ordering)

    def scoped(self, scope):
        """The records `scope` may see. Reference data (region_field None) is visible to all;
        organisation_field "" means the type is not owned by organisations."""
        if scope.nothing:
            return self.model.objects.none()
        qs = self.base_queryset()
        if self.region_field and scope.region_prefix:
            # region_id__startswith is refused by Django; region__code trims to the same column without a join.
            lookup = self.region_field.removesuffix("_id") + "__code" if self.region_field.endswith("_id") else self.region_field
            qs = qs.filter(**{f"{lookup}__startswith": scope.region_prefix})
        if scope.organisation_id is not None and self.organisation_field != "":
            if self.organisation_field is None:
                return qs.none()
            qs = qs.filter(**{self.organisation_field: scope.organisation_id})
        return qs

    def region_code_of(self, obj) -> str:
        return (getattr(obj, self.region_field) if self.region_field else "") or ""

    def organisation_of(self, obj):
        """The organisation id that owns obj, following a path such as site__operator_id."""
        value = obj
        for part in self.organisation_field.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def key_of(self, obj):
        return getattr(obj, self.natural_key)


def get(slug) -> Resource:
    return _RESOURCES[slug]


def all_resources() -> list[Resource]:
    return list(_RESOURCES.values())


def get_by_model(model) -> Resource | None:
    for r in _RESOURCES.values():
        if r.model is model:
            return r
    return None


def is_multi(resource, name):
    f = resource.model_field(name)
    return f.many_to_many


def choices_of(resource, name):
    f = resource.model_field(name)
    return list(f.choices) if getattr(f, "choices", None) else None


def is_bool(resource, name):
    return isinstance(resource.model_field(name), models.BooleanField)
