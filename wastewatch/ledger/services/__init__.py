"""Every write to the ledger. Import services from here: the modules split them by subject."""
from .movements import (  # noqa: F401
    WEIGHBRIDGE,
    movement_record,
    movement_record_by_codes,
    movement_record_many,
    movement_remove,
    movement_remove_many,
)
from .manifests import (  # noqa: F401
    manifest_cancel,
    manifest_correct,
    manifest_create,
    manifest_pickup,
    manifest_receive,
    manifest_schedule,
    manifest_sign,
)
