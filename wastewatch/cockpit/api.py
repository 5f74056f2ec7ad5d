from ninja import Router

router = Router(tags=["驾驶舱"])
