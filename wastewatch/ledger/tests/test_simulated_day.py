"""The simulator's day, pushed through the real interfaces: a tonne collected at an estate can be followed to the
incinerator's bottom ash and its destination; every site's mass balance closes within tolerance except the one
planted leak, which is flagged; a hazardous-waste manifest with a short delivery raises its alert.

One test, since playing the city's day is the expensive part."""
from datetime import timedelta

from django.utils import timezone

from wastewatch.events.models import Alert
from wastewatch.ledger.models import Movement
from wastewatch.registry.models import Site
from wastewatch.simulator.feed import chain


def bottom_ash_link(client, day):
    """The first estate (by code) whose waste reached an incinerator's bottom ash: that link onward."""
    incinerators = set(Site.objects.filter(kind="incineration").values_list("code", flat=True))
    estates = Movement.objects.filter(day=day, stage="pickup").exclude(from_estate=None).values_list("from_estate__code", flat=True)
    for code in sorted(set(estates)):
        graph = client.get("/api/v1/ledger/trace/forward", {"estate": code, "day_from": day, "day_to": day}).json()
        for link in graph["links"]:
            kind, plant, category = (link["source_id"].split(":") + ["", ""])[:3]
            if kind == "output" and plant in incinerators and category == "1003":
                return link
    return None


def test_the_simulated_day_traces_closes_its_balances_but_the_leak_and_flags_the_short_manifest(api_client, city_admin):
    day = timezone.localdate() - timedelta(days=1)
    result = chain.play_day(day)
    assert result["rejected"] == 0, result["reasons"]

    leak = chain.leak_station({s.code: s for s in Site.objects.filter(kind="transfer")})
    assert result["flagged"] == [leak] and result["sites"] > 5
    assert Alert.objects.filter(kind="mass_imbalance", site__code=leak).count() == 1
    assert result["outputs_unaccounted"] == 0

    link = bottom_ash_link(api_client(city_admin), day)
    assert link is not None, "no estate's waste reached an incinerator's bottom ash"
    assert link["target_id"] == "label:台州市建材综合利用有限公司" and link["tonnes"] > 0

    assert len(result["manifests"]) == 2
    alert = Alert.objects.get(kind="manifest_discrepancy")
    assert result["manifests"][1] in alert.title and "短少 0.400 吨" in alert.title

    before = (Movement.objects.count(), Alert.objects.count())
    chain.play_day(day)  # a replay changes nothing
    assert (Movement.objects.count(), Alert.objects.count()) == before
