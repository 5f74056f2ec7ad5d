from ninja import Router

router = Router(tags=["车辆监管"])
