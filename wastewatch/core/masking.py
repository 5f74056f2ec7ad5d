"""Masking of personal data for users without the permission to see it."""


def mask_phone(value: str) -> str:
    if not value:
        return value
    digits = value.strip()
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:]
    return "*" * len(digits)


def mask_name(value: str) -> str:
    if not value:
        return value
    if len(value) <= 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_id_number(value: str) -> str:
    if not value:
        return value
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


MASKERS = {"phone": mask_phone, "name": mask_name, "id_number": mask_id_number}


def mask(kind: str, value: str) -> str:
    return MASKERS[kind](value)


def looks_masked(value) -> bool:
    return isinstance(value, str) and "*" in value
