"""Registry references by their codes (site and estate codes, credit codes, plates), looked up once per batch.

Interfaces and forms name places by code; the ledger links rows. An unknown code is kept as a label, never a
reason to lose the record."""
from wastewatch.registry.models import Estate, Organisation, Site, Vehicle, WasteCategory


class Refs:
    def __init__(self):
        self._cache = {Site: {}, Estate: {}, Organisation: {}, Vehicle: {}, WasteCategory: {}}

    _KEYS = {Site: "code", Estate: "code", Organisation: "code", Vehicle: "plate", WasteCategory: "code"}

    def preload(self, model, codes):
        cache, key = self._cache[model], self._KEYS[model]
        wanted = [c for c in {str(c).strip() for c in codes if c} if c not in cache]
        for start in range(0, len(wanted), 900):
            chunk = wanted[start:start + 900]
            found = {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": chunk})}
            for code in chunk:
                cache[code] = found.get(code)

    def get(self, model, code):
        code = str(code or "").strip()
        if not code:
            return None
        if code not in self._cache[model]:
            self.preload(model, [code])
        return self._cache[model][code]

    def site(self, code):
        return self.get(Site, code)

    def estate(self, code):
        return self.get(Estate, code)

    def org(self, code):
        return self.get(Organisation, code)

    def vehicle(self, plate):
        return self.get(Vehicle, str(plate or "").strip().upper())

    def category(self, code):
        return self.get(WasteCategory, code)

    def preload_sites(self, codes):
        self.preload(Site, codes)

    def preload_vehicles(self, plates):
        self.preload(Vehicle, {str(p).strip().upper() for p in plates if p})

    def preload_orgs(self, codes):
        self.preload(Organisation, codes)

    def sites_by_pk(self, pks):
        cached = {s.pk: s for s in self._cache[Site].values() if s is not None}
        missing = set(pks) - set(cached)
        if missing:
            for s in Site.objects.filter(pk__in=missing):
                self._cache[Site][s.code] = cached[s.pk] = s
        return [cached[pk] for pk in pks if pk in cached]

    def site_named(self, name, *, kind, county=""):
        """A site named in free text (a weighbridge's sender field), if exactly one of that kind bears the name."""
        name = (name or "").strip()
        if not name:
            return None
        key = (name, kind, county)
        named = self._cache.setdefault("named", {})
        if key not in named:
            found = list(Site.objects.filter(name=name, kind=kind, region__code__startswith=county)[:2])
            named[key] = found[0] if len(found) == 1 else None
        return named[key]
