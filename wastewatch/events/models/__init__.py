from .alerts import Alert, AlertOccurrence
from .evidence import CameraEvent, Evidence, EvidenceAccess, EvidenceExport
from .inspections import Checklist, Inspection
from .plans import EmergencyPlan, PlanActivation
from .public import PublicReport
from .workorders import DispatchRule, Notification, WorkOrder, WorkOrderStep

__all__ = [
    "Alert", "AlertOccurrence", "CameraEvent", "Evidence", "EvidenceAccess", "EvidenceExport", "Checklist", "Inspection",
    "EmergencyPlan", "PlanActivation", "PublicReport", "DispatchRule", "Notification", "WorkOrder", "WorkOrderStep",
]
