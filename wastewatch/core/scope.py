"""Data scope: a user sees the subtree of one region node, or one organisation's records.

Region codes are 12-digit statistical codes; a node's subtree is every code that
starts with its significant prefix (province 2, city 4, county 6, street 9 digits).
"""
from dataclasses import dataclass

LEVEL_DIGITS = {"province": 2, "city": 4, "county": 6, "street": 9, "community": 12}


def region_prefix(code: str, level: str) -> str:
    return code[: LEVEL_DIGITS[level]]


@dataclass(frozen=True)
class Scope:
    """'' as region_prefix means the whole platform. organisation_id narrows to one organisation."""

    region_prefix: str = ""
    organisation_id: int | None = None
    nothing: bool = False

    def covers_region(self, code: str | None) -> bool:
        return not self.nothing and (code or "").startswith(self.region_prefix)


EVERYTHING = Scope()
NOTHING = Scope(nothing=True)
