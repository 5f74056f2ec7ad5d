"""The knobs: deliberately bad records (--bad-rate) and late data (--late-rate).

Bad records are the mistakes county systems really make; each one is rejected by the platform with a Chinese
reason, and the valid records beside it still land. Only records no other interface references are spoiled:
a broken estate or vehicle would reject every record that refers to it, hiding the knob behind reference failures.
"""
import re
from datetime import datetime, timedelta

from wastewatch.interfaces.catalogue import codes
from wastewatch.interfaces.catalogue.spec import Weighing

from .values import SHANGHAI, TIME_FORMAT

TIME_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
IDENTITY = ("uid", "operation")


def missing_field(spec, record, rng) -> bool:
    """A required field left out."""
    required = [n for n, f in spec.record.model_fields.items() if f.is_required() and n not in IDENTITY and n in record]
    if not required:
        return False
    del record[rng.choice(required)]
    return True


def bad_code(spec, record, rng) -> bool:
    """A value outside its code table."""
    coded = [n for n, f in spec.record.model_fields.items()
             if any(isinstance(m, codes.CodeTable) for m in f.metadata) and n in record]
    if not coded:
        return False
    record[rng.choice(coded)] = "99"
    return True


def net_mismatch(spec, record, rng) -> bool:
    """A weighing whose net weight is not gross − tare."""
    if not issubclass(spec.record, Weighing) or "weight" not in record:
        return False
    record["weight"] = round(float(record["weight"]) + rng.uniform(0.5, 2), 2)
    return True


def outside_county(spec, record, rng) -> bool:
    """Longitude and latitude swapped, a classic vendor bug: the point lies far outside the county (and China)."""
    if "lon" not in record or "lat" not in record:
        return False
    record["lon"], record["lat"] = record["lat"], record["lon"]
    return True


DEFECTS = (missing_field, bad_code, net_mismatch, outside_county)


def spoil(spec, record: dict, rng) -> str:
    """Make the record invalid with one of the defects that applies to it; returns the defect's name."""
    for defect in rng.sample(DEFECTS, len(DEFECTS)):
        if defect(spec, record, rng):
            return defect.__name__
    return ""


def referenced_codes(specs) -> set[str]:
    return {ref.spec_code for spec in specs for ref in spec.references}


def delay(record: dict, rng) -> None:
    """Late data: every event time of the record moved 2 to 12 hours into the past, as if sent long after the fact."""
    shift = timedelta(minutes=rng.randrange(120, 720))
    for name, value in record.items():
        if isinstance(value, str) and TIME_VALUE.match(value):
            moment = datetime.strptime(value, TIME_FORMAT).replace(tzinfo=SHANGHAI) - shift
            record[name] = moment.strftime(TIME_FORMAT)
