from ninja import Router

router = Router(tags=["告警与工单"])
