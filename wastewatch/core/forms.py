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
