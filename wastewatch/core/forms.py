from django import forms
from django.core.exceptions import ObjectDoesNotExist


class RegistryModelForm(forms.ModelForm):
    """Base form of every registry type: rows that sit under a parent record
    (a building under its estate, a device at its site) take the parent's region."""

    def _post_clean(self):
        super()._post_clean()
        parent_field = getattr(self._meta.model, "REGION_FROM", None)
        if parent_field:
            try:
                parent = getattr(self.instance, parent_field)
            except ObjectDoesNotExist:
                parent = None
            if parent is not None:
                self.instance.region_id = parent.region_id


class ServiceForm(forms.Form):
    """A page's form in front of a service: Bootstrap widgets, errors that name their field, and a service's refusal
    put on the field it names, so the page answers in Chinese beside that field and keeps everything typed."""

    # A service's field name → this form's field that carries it.
    aliases: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                continue
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def is_valid(self):
        valid = super().is_valid()
        self._mark_invalid()
        return valid

    def _mark_invalid(self):
        for name in self.errors:
            attrs = self.fields[name].widget.attrs if name in self.fields else None
            if attrs is not None and "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()

    def named_errors(self) -> list[str]:
        """Every problem as "字段：原因", for the summary above the form."""
        out = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            out += [f"{label}：{e}" if label else str(e) for e in errors]
        return out

    def detail_reason(self, detail: dict) -> str:
        """A detail's reason as the page shows it; a form whose rows are lines of a text box says which line."""
        return detail.get("reason") or ""

    def refuse(self, exc) -> None:
        """The service's reasons onto their fields; a reason about something not on this form stays above it."""
        details = exc.details or [{"field": "", "reason": exc.message}]
        for d in details:
            field = self.aliases.get(d.get("field") or "", d.get("field") or "")
            target = field if field in self.fields else None
            reason = self.detail_reason(d) or exc.message
            if target is None and field:
                reason = f"{field}：{reason}"
            self.add_error(target, reason)
        if exc.message and not any(exc.message == d.get("reason") for d in details):
            self.add_error(None, exc.message)
        self._mark_invalid()
