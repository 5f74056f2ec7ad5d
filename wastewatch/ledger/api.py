from ninja import Router

router = Router(tags=["收运处台账"])
