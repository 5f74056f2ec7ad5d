from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/map/", views.alert_map, name="alert_map"),
    path("alerts/points.json", views.alert_points, name="alert_points"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/act/", views.alert_act, name="alert_act"),
    path("alerts/<int:pk>/package.zip", views.alert_package, name="alert_package"),
    path("evidence/verify/", views.verify, name="verify"),
    path("orders/", views.order_list, name="orders"),
    path("orders/mine/", views.my_orders, name="my_orders"),
    path("orders/<str:number>/", views.order_detail, name="order"),
    path("orders/<str:number>/act/", views.order_act, name="order_act"),
    path("stats/", views.stats, name="stats"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_edit, name="plan_new"),
    path("plans/<str:code>/", views.plan_edit, name="plan"),
    path("rules/", views.rules, name="rules"),
    path("checklists/", views.checklists, name="checklists"),
    path("report/", views.public_report, name="public_report"),
    path("report/places.json", views.public_places, name="public_places"),
    path("report/status/", views.public_receipt, name="public_status"),
    path("report/<str:receipt>/", views.public_receipt, name="public_receipt"),
]
