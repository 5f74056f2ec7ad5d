from .dropoffs import Dropoff  # noqa: F401
from .facilities import FacilityOperation, FacilityOutput, MonitoringLimit, MonitoringReading  # noqa: F401
from .manifests import Manifest, ManifestEvent  # noqa: F401
from .movements import Movement  # noqa: F401
