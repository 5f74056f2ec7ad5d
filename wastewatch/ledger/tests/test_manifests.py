"""A hazardous-waste manifest goes from the hospital through the hauler to the disposal centre, each party signing
for its own step; a short delivery raises its alert; a correction keeps the history."""
import pytest

from wastewatch.accounts.models import User
from wastewatch.events.models import Alert
from wastewatch.ledger.models import Movement
from wastewatch.registry.models import Site

URL = "/api/v1/ledger/manifests"


@pytest.fixture
def parties(db, password):
    hospital = Site.objects.filter(kind="hospital").order_by("code").first()
    centre = Site.objects.filter(kind="hazardous").order_by("code").first()
    hauler_user = User.objects.get(username="hauler")
    generator_user = User.objects.get(username="generator")
    receiver_user = User.objects.get(username="hazardous_operator")
    assert generator_user.organisation_id == hospital.operator_id and receiver_user.organisation_id == centre.operator_id

    class Parties:
        pass

    Parties.hospital, Parties.centre, Parties.hauler = hospital, centre, hauler_user.organisation
    Parties.generator_user, Parties.hauler_user, Parties.receiver_user = generator_user, hauler_user, receiver_user
    return Parties


def open_manifest(client, p, shipped=1.2):
    response = client.post(URL, {"category": "HW01", "waste_name": "感染性医疗废物", "generator": p.hospital.code,
                                 "hauler": p.hauler.code, "receiver": p.centre.code, "shipped_t": shipped},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["number"]


def step(client, number, name, **body):
    return client.post(f"{URL}/{number}/{name}", body, content_type="application/json")


def test_each_party_signs_its_step_and_the_delivery_becomes_one_ledger_movement(api_client, parties):
    generator, hauler, receiver = (api_client(parties.generator_user), api_client(parties.hauler_user),
                                   api_client(parties.receiver_user))
    number = open_manifest(generator, parties)
    assert step(generator, number, "schedule").json()["status"] == "scheduled"
    assert step(hauler, number, "pickup", weight_t=1.2).json()["status"] == "in_transit"
    assert step(receiver, number, "receive", weight_t=1.19).json()["status"] == "received"
    done = step(receiver, number, "sign").json()
    assert done["status"] == "signed" and not done["discrepancy"]
    assert [e["action"] for e in done["events"]] == ["create", "schedule", "pickup", "receive", "sign"]
    movement = Movement.objects.get(manifest__number=number)
    assert movement.from_site == parties.hospital and movement.to_site == parties.centre and float(movement.net_t) == 1.19
    assert not Alert.objects.filter(kind="manifest_discrepancy").exists()


def test_only_the_partys_own_user_may_sign_its_step(api_client, parties):
    generator, hauler = api_client(parties.generator_user), api_client(parties.hauler_user)
    number = open_manifest(generator, parties)
    response = step(hauler, number, "schedule")
    assert response.status_code == 403 and "产生单位" in response.json()["details"][0]["reason"]
    step(generator, number, "schedule")
    response = step(generator, number, "receive", weight_t=1)
    assert response.status_code == 409  # not in transit yet


def test_a_short_delivery_raises_a_manifest_discrepancy_alert(api_client, parties):
    generator, hauler, receiver = (api_client(parties.generator_user), api_client(parties.hauler_user),
                                   api_client(parties.receiver_user))
    number = open_manifest(generator, parties, shipped=2.0)
    step(generator, number, "schedule")
    step(hauler, number, "pickup", weight_t=2.0)
    body = step(receiver, number, "receive", weight_t=1.6).json()
    assert body["discrepancy"]
    alert = Alert.objects.get(kind="manifest_discrepancy")
    assert number in alert.title and "短少 0.400 吨" in alert.title and alert.site == parties.centre


def test_a_partial_rejection_books_only_what_was_accepted_and_a_full_one_books_nothing(api_client, parties):
    generator, hauler, receiver = (api_client(parties.generator_user), api_client(parties.hauler_user),
                                   api_client(parties.receiver_user))
    numbers = [open_manifest(generator, parties) for _ in range(2)]
    for number in numbers:
        step(generator, number, "schedule")
        step(hauler, number, "pickup", weight_t=1.2)
    missing_reason = step(receiver, numbers[0], "receive", weight_t=1.2, rejected_t=0.2)
    assert missing_reason.status_code == 400 and missing_reason.json()["details"][0]["field"] == "rejection_reason"
    step(receiver, numbers[0], "receive", weight_t=1.2, rejected_t=0.2, rejection_reason="包装破损")
    assert float(Movement.objects.get(manifest__number=numbers[0]).net_t) == 1.0
    full = step(receiver, numbers[1], "receive", weight_t=1.2, rejected_t=1.2, rejection_reason="与申报类别不符").json()
    assert full["status"] == "rejected" and not Movement.objects.filter(source_key=numbers[1]).exists()


def test_a_correction_keeps_the_figures_before_it_and_rejudges_the_delivery(api_client, city_admin, parties):
    generator, hauler, receiver = (api_client(parties.generator_user), api_client(parties.hauler_user),
                                   api_client(parties.receiver_user))
    number = open_manifest(generator, parties, shipped=2.0)
    step(generator, number, "schedule")
    step(hauler, number, "pickup", weight_t=1.6)
    step(receiver, number, "receive", weight_t=1.6)
    office = api_client(city_admin)
    body = office.post(f"{URL}/{number}/correct", {"reason": "产生单位过磅录入错误", "shipped_t": 1.6},
                       content_type="application/json").json()
    assert body["version"] == 2 and not body["discrepancy"]
    correction = body["events"][-1]
    assert correction["action"] == "correct" and correction["before"]["shipped_t"] == "2.000" and correction["after"]["shipped_t"] == "1.600"


def test_manifests_of_other_organisations_answer_404(api_client, parties):
    number = open_manifest(api_client(parties.generator_user), parties)
    other = User.objects.get(username="plant_operator")
    assert api_client(other).get(f"{URL}/{number}").status_code == 404
    assert api_client(parties.hauler_user).get(f"{URL}/{number}").status_code == 200
