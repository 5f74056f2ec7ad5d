from django.urls import path

from . import entry_views, views

app_name = "ledger"

# (label, url name) of the pages shown in the menu group 台账与设施.
MENU = [("收运处台账", "ledger:movements"), ("物料平衡", "ledger:balance"), ("来源去向追溯", "ledger:trace"),
        ("转移联单", "ledger:manifests"), ("设施运行与监测", "ledger:facilities")]
# For those who may enter data (ledger.add); a plant's figures are entered from its row on 设施运行与监测.
ENTRY_MENU = [("开具转移联单", "ledger:manifest_new")]

urlpatterns = [
    path("movements/", views.movement_list, name="movements"),
    path("movements/add", views.movement_add, name="movement_add"),
    path("balance/", views.balance, name="balance"),
    path("trace/", views.trace, name="trace"),
    path("manifests/", views.manifest_list, name="manifests"),
    path("manifests/new", entry_views.manifest_new, name="manifest_new"),
    path("manifests/<str:number>/", views.manifest_detail, name="manifest"),
    path("manifests/<str:number>/<str:step>", entry_views.manifest_step, name="manifest_step"),
    path("facilities/", views.facilities, name="facilities"),
    path("facilities/<str:code>/entry", entry_views.facility_entry, name="facility_entry"),
    path("dossier/<str:code>/", views.dossier, name="dossier"),
]
