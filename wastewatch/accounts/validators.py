import re

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """Government systems' usual rule: letters, digits and symbols, at least three kinds."""

    def validate(self, password, user=None):
        kinds = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
        if kinds < 3:
            raise ValidationError("密码须包含大写字母、小写字母、数字、符号中的至少三种", code="password_too_simple")

    def get_help_text(self):
        return "密码须包含大写字母、小写字母、数字、符号中的至少三种"
