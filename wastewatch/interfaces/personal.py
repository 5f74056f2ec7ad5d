"""Personal data inside interface records (DESIGN rule 8): names and phone numbers of officers, contacts,
drivers and residents are SM4-encrypted wherever a record is kept (the record store, the relay outbox; the
raw archive is encrypted whole) and masked on screen for anyone without core.view_personal."""
from wastewatch.core.crypto import PREFIX, sm4_decrypt, sm4_encrypt
from wastewatch.core.masking import mask


def seal(spec, data: dict) -> dict:
    personal = spec.personal_fields
    return {k: sm4_encrypt(str(v)) if k in personal and v not in (None, "") and not str(v).startswith(PREFIX) else v
            for k, v in data.items()}


def unseal(spec, data: dict) -> dict:
    personal = spec.personal_fields
    return {k: sm4_decrypt(v) if k in personal and isinstance(v, str) else v for k, v in data.items()}


def masked(spec, record: dict) -> dict:
    personal = spec.personal_fields
    return {k: mask(personal[k], str(v)) if k in personal and v not in (None, "") else v for k, v in record.items()}
