"""The interface catalogue: the 35 data interfaces of the Taizhou list, each a record model plus its metadata.

    from wastewatch.interfaces import catalogue
    catalogue.get("estate"), catalogue.all_specs(), catalogue.provincial(), catalogue.push_order(specs), catalogue.CATALOGUE

Importing the package registers every interface. Note that `catalogue.provincial` is the function (the 22
provincial specs), not the submodule; import the submodule's names with `from .provincial import ...`.
"""
from . import local, provincial  # noqa: F401  (registers the specs)
from .spec import CATALOGUE, InterfaceSpec, Record, Reference, all_specs, get, push_order
from .spec import provincial  # noqa: F811  (the function replaces the submodule attribute on purpose)

__all__ = ["CATALOGUE", "InterfaceSpec", "Record", "Reference", "all_specs", "get", "provincial", "push_order"]
