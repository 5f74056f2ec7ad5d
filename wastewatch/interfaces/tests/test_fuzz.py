"""Fuzzing the push API from its own OpenAPI document (schemathesis): no input makes it answer a 5xx.

The schema is loaded from the application through WSGI and narrowed to the push operations
(one per interface of the catalogue). Every generated case (schemathesis' positive and negative
bodies) is sent twice, in-process:
  - signed correctly (HMAC-SM3 over method, path, timestamp, nonce and the exact body bytes),
    so that it reaches the body checks, validation, the reference checks and landing;
  - unsigned, with whatever headers schemathesis generated: it must be refused with 401.
Every answer must be below 500, and every 4xx must carry the one error body
{"code", "message", "details"} (DESIGN rule 7). A 5xx, or an exception escaping the view,
fails the test with the case and its traceback.

Random records almost never belong to the client's county or reference records that exist,
so every other record of a generated batch is "localised" before sending: moved into one
community of the demo city (its orgCode, its own codes re-prefixed, its point), its references pointed
at records the test pushes first (the interfaces' examples, localised the same way). Those
records get past the county and reference checks into landing (the registry services or
InterfaceRecord); the others exercise the rejections.

Deterministic (derandomize), and small: a few random cases per operation, and schemathesis'
coverage cases (boundaries, wrong types, missing fields) for two operations. Strings that
hypothesis never generates (NUL, lone surrogates) are tried explicitly.
"""
import copy
import json
import typing

import pytest
import schemathesis
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.core import NotSet
from schemathesis.transport.serialization import Binary

from wastewatch.config.wsgi import application
from wastewatch.interfaces import catalogue, clients, signing
from wastewatch.interfaces.catalogue.spec import Format
from wastewatch.registry.models import Organisation, Region

pytestmark = pytest.mark.django_db
PREFIX = "/api/v1/push/"
COUNTY, COMMUNITY = "331002000000", "331002001001"  # 椒江区 and one of its communities in the small demo city
MAX_EXAMPLES = 5  # random cases per operation (about 1 s each)


def load(phases, path_regex):
    """The push operations matching path_regex (one include: a second one would widen, not narrow), with these phases."""
    config = schemathesis.Config.from_dict({"phases": {p: {"enabled": p in phases} for p in ("examples", "coverage", "fuzzing", "stateful")}})
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config).include(path_regex=path_regex)


# Every interface: random positive and negative bodies.
every_interface = load(["fuzzing"], rf"^{PREFIX}")
# Schemathesis' coverage cases (about 150 per operation) for the interface that lands in the registry through its
# services, and the one whose references depend on another field.
boundaries = load(["coverage"], rf"^{PREFIX}(estate|haul-away)$")


def _formats(annotation):
    """The Format rules inside a field's annotation (Annotated[...], also inside X | None)."""
    found = [m for m in getattr(annotation, "__metadata__", ()) if isinstance(m, Format)]
    for arg in typing.get_args(annotation):
        found += _formats(arg)
    return found


def own_code_fields(spec):
    """The fields holding the record's own code, which must start with its orgCode."""
    return [
        name for name, info in spec.record.model_fields.items()
        if any(f.within_org for f in [*(m for m in info.metadata if isinstance(m, Format)), *_formats(info.annotation)])
    ]


def referenced_specs(spec, seen=None):
    """The interfaces `spec` references, directly or not, each after those it references."""
    seen = [] if seen is None else seen
    for ref in spec.references:
        target = catalogue.get(ref.spec_code)
        if target not in seen and target is not spec:
            referenced_specs(target, seen)
            seen.append(target)
    return seen


def localise(spec, record):
    """The record moved into COMMUNITY (code prefixes, coordinates), its references pointing at the localised examples."""
    if not isinstance(record, dict):
        return record
    record = {**record, "orgCode": COMMUNITY}
    if "lon" in record and "lat" in record:  # a point inside the county (its coordinate system left as generated)
        record.update(lon=catalogue.get("estate").example["lon"], lat=catalogue.get("estate").example["lat"])
    for field in own_code_fields(spec):
        value = record.get(field)
        if isinstance(value, str) and len(value) >= len(COMMUNITY):
            record[field] = COMMUNITY + value[len(COMMUNITY):]
    for ref in spec.references:
        if ref.applies(record):
            target = catalogue.get(ref.spec_code)
            record[ref.field] = localise(target, target.example)[target.business_key[0]]
    return record


def example_of(spec):
    """The interface's example, localised; a vehicle's company one the demo city has (the registry requires it)."""
    record = localise(spec, copy.deepcopy(spec.example))
    if spec.code == "vehicle":
        record["operationUnit"] = Organisation.objects.filter(kind="hauler", region__code__startswith=COUNTY[:6]).order_by("id").first().name
    return record


def encode(body) -> bytes:
    """The exact bytes to send (and sign): generated JSON as UTF-8, raw payloads as they are, no body as nothing."""
    if isinstance(body, NotSet):
        return b""
    if isinstance(body, Binary):
        return body.data
    if isinstance(body, bytes):
        return body
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def send(path, body: bytes, headers: dict):
    """One request, in a savepoint: on PostgreSQL a database error would otherwise spoil the test's transaction
    for every later case. An exception escaping the view (a 500) is raised here, with the case named."""
    try:
        with transaction.atomic():
            return Client().post(path, body, content_type="application/json", **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
    except Exception as exc:
        raise AssertionError(f"HTTP 500, {type(exc).__name__}: {exc} for {path} body={body[:1500]!r}") from exc


def signed(system, path, body: bytes):
    api_client, secret = system
    return send(path, body, signing.headers_for(api_client.app_key, secret, "POST", path, body))


def assert_clean(response, case_text):
    assert response.status_code < 500, f"HTTP {response.status_code} for {case_text}: {response.content[:2000]!r}"
    if 400 <= response.status_code < 500:
        body = response.json()
        assert set(body) == {"code", "message", "details"}, f"error body {body!r} for {case_text}"
        assert isinstance(body["code"], str) and body["code"] and isinstance(body["message"], str) and body["message"]
        assert isinstance(body["details"], list) and all(isinstance(d, dict) for d in body["details"])


@pytest.fixture
def prepared(city_admin):
    """A county system of 椒江区, and for an operation: the examples of the interfaces it references, pushed first."""
    system = clients.api_client_create(actor=city_admin, name="fuzz", region=Region.objects.get(code=COUNTY))
    pushed = set()

    def prepare(spec):
        for target in referenced_specs(spec):
            if target.code not in pushed:
                response = signed(system, PREFIX + target.code, encode({"records": [example_of(target)]}))
                assert response.status_code == 200, response.content
                assert response.json()["rejected"] == 0, f"{target.code}: {response.json()['results']}"
                pushed.add(target.code)
        return system

    return prepare


def check_case(case, prepared):
    spec = catalogue.get(case.path[len(PREFIX):])
    system = prepared(spec)
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("records"), list):
        body = {**body, "records": [localise(spec, r) if i % 2 == 0 else r for i, r in enumerate(body["records"])]}
    raw = encode(body)
    text = f"{spec.code} body={raw[:1500]!r}"

    response = signed(system, case.path, raw)
    assert_clean(response, "signed " + text)
    if response.status_code == 200:
        answer = response.json()
        assert len(answer["results"]) == len(body["records"])
        assert sum(answer[k] for k in ("accepted", "updated", "deleted", "unchanged", "rejected")) == len(body["records"])

    unsigned_headers = {k: str(v) for k, v in (case.headers or {}).items() if k.lower() not in ("content-type", "content-length")}
    response = send(case.path, raw, unsigned_headers)
    assert response.status_code == 401, f"unsigned {text}: HTTP {response.status_code}"
    assert_clean(response, "unsigned " + text)


FUZZ = settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None, print_blob=True,
                suppress_health_check=list(HealthCheck))


@every_interface.parametrize()
@FUZZ
def test_random_pushes_never_fail(case, prepared):
    check_case(case, prepared)


@boundaries.parametrize()
@FUZZ
def test_boundary_pushes_never_fail(case, prepared):
    check_case(case, prepared)


# Strings JSON can carry but no database column can hold: PostgreSQL refuses NUL in text and jsonb, and a lone
# surrogate cannot be encoded to UTF-8 at all. Hypothesis' text never contains either, so they are listed here.
HOSTILE = {
    "NUL in the uid": ("uid", "est-\x00"),
    "NUL in free text": ("unitName", "东海花园\x00"),
    "NUL in the business key": ("unitCode", COMMUNITY + "00000\x00"),
    "lone surrogate in the uid": ("uid", "est-\ud800"),
    "lone surrogate in free text": ("unitName", "东海花园\udfff"),
}


@pytest.mark.parametrize("field, value", HOSTILE.values(), ids=HOSTILE.keys())
def test_strings_no_database_can_hold_are_refused(prepared, field, value):
    """Refused, the batch with 400 or the record in the results, on SQLite as on PostgreSQL: never a 500."""
    spec = catalogue.get("estate")
    system = prepared(spec)
    body = json.dumps({"records": [{**example_of(spec), field: value}]}).encode("ascii")  # \u0000, \ud800 escapes
    response = signed(system, PREFIX + spec.code, body)
    assert_clean(response, f"estate {field}={value!r}")
    assert response.status_code == 400 or response.json()["rejected"] == 1, response.content


def test_every_referenced_example_lands_once_localised(prepared):
    """The records the fuzzed ones point at can all be pushed: otherwise the fuzzing would never reach landing."""
    for spec in catalogue.all_specs():
        prepared(spec)


def test_localise_moves_a_record_into_the_community():
    spec = catalogue.get("dropoff-point")
    record = copy.deepcopy(spec.example)
    record.update(orgCode="330100000000", dumpCode="330100000000000999", unitCode="330100000000000001")
    moved = localise(spec, record)
    assert moved["orgCode"] == COMMUNITY
    assert moved["dumpCode"] == COMMUNITY + "000999"
    assert moved["unitCode"] == localise(catalogue.get("estate"), catalogue.get("estate").example)["unitCode"]
    assert own_code_fields(catalogue.get("estate")) == ["unitCode"]
