from django.db import models

from .crypto import sm4_decrypt, sm4_encrypt


class EncryptedCharField(models.TextField):
    """Personal data, SM4-encrypted at rest. `mask` names how it is masked on screen.

    The cipher text is random per write, so these fields cannot be filtered on in the database.
    """

    def __init__(self, *args, mask="name", max_length=None, **kwargs):
        self.mask = mask
        self.plain_max_length = max_length
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["mask"] = self.mask
        if self.plain_max_length:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return sm4_decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value or ""
        return sm4_encrypt(value)

    def formfield(self, **kwargs):
        from django import forms

        kwargs.setdefault("form_class", forms.CharField)
        kwargs.setdefault("max_length", self.plain_max_length)
        kwargs["widget"] = forms.TextInput
        return super().formfield(**kwargs)
