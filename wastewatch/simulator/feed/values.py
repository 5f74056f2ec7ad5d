"""Small value helpers shared by the record builders: interface time format, flags, numbers, code-table positions."""
from datetime import datetime
from zoneinfo import ZoneInfo

from wastewatch.registry import choices

SHANGHAI = ZoneInfo("Asia/Shanghai")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
PHOTO = "https://img.example.com/tz/"
VIDEO = "https://video.example.com/live/"
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
STATE = {choices.SiteStatus.RUNNING: "1", choices.SiteStatus.SUSPENDED: "2", choices.SiteStatus.BUILDING: "3",
         choices.SiteStatus.PLANNED: "4"}
PROCESS_TYPE = {choices.SiteKind.INCINERATION: "1", choices.SiteKind.LANDFILL: "2", choices.SiteKind.PERISHABLE: "3",
                choices.SiteKind.HAZARDOUS: "4", choices.SiteKind.RECYCLING: "5"}
# Two-digit waste type of the interfaces for a top-level category of the registry.
WASTE_TYPE = {"0100": "01", "0200": "02", "0300": "03", "0400": "04"}


def when(moment: datetime) -> str:
    """An aware moment as the interfaces write it: Beijing time, to the second."""
    return moment.astimezone(SHANGHAI).strftime(TIME_FORMAT)


def stamp(moment: datetime) -> str:
    """Beijing time as digits, for bill numbers and file names."""
    return moment.astimezone(SHANGHAI).strftime("%Y%m%d%H%M%S")


def day(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d")


def flag(value) -> str:
    return "1" if value else "0"


def tonnes(value, places: int = 2) -> float:
    return round(float(value), places)


def position(choice_class, value, default: str = "1") -> str:
    """The interface code of a registry choice: code tables number the registry's choices in the same order."""
    values = list(choice_class.values)
    return str(values.index(value) + 1) if value in values else default


def category(code: str | None) -> str:
    """The top-level category (0X00) of a registry category code; residual waste when unknown."""
    top = (code or "")[:2] + "00"
    return top if top in WASTE_TYPE else "0200"


def credit_code(county6: str, serial: int) -> str:
    return "91" + county6 + f"{serial:09d}" + CREDIT_CHARS[serial % len(CREDIT_CHARS)]


def outside_plate(rng) -> str:
    """A plate of a receiver's own truck, which the interfaces take without a vehicle record."""
    return "浙J" + rng.choice(PLATE_LETTERS) + f"{rng.randrange(10000):04d}"
