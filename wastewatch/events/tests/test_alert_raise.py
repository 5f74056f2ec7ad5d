from datetime import timedelta

import pytest
from django.utils import timezone

from wastewatch.core.errors import ServiceError
from wastewatch.core.audit import audit_history
from wastewatch.events.models import Alert
from wastewatch.events.services import alert_raise
from wastewatch.registry.models import Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def point():
    return Site.objects.filter(kind="dropoff").order_by("code").first()


def _raise(site, at, **kw):
    return alert_raise(actor=None, kind="overflow", source="camera", at=at, title=f"{site.name} 满溢", site=site, **kw)


def test_a_repeat_at_the_same_place_within_the_window_is_counted_on_the_open_alert(point):
    now = timezone.now()
    first = _raise(point, now)
    again = _raise(point, now + timedelta(minutes=10))
    assert again.pk == first.pk
    again.refresh_from_db()
    assert again.count == 2 and again.occurrences.count() == 2
    assert again.region_code == point.region_id
    assert [r.action for r in audit_history(first)] == ["create"]


def test_a_repeat_after_the_window_or_after_closing_is_a_new_alert(point):
    now = timezone.now()
    first = _raise(point, now)
    assert _raise(point, now + timedelta(hours=2)).pk != first.pk
    Alert.objects.filter(pk=first.pk).update(status="resolved")
    later = _raise(point, now + timedelta(minutes=5))
    assert later.pk != first.pk


def test_a_retried_source_event_is_recorded_once(point):
    now = timezone.now()
    a = _raise(point, now, source_ref="camera:demo:1")
    b = _raise(point, now, source_ref="camera:demo:1")
    assert a.pk == b.pk and a.occurrences.count() == 1


def test_an_alert_needs_a_known_kind_and_a_region():
    with pytest.raises(ServiceError) as bad_kind:
        alert_raise(actor=None, kind="nonsense", source="camera", at=timezone.now(), title="x", region_code="331002001001")
    assert bad_kind.value.details[0]["field"] == "kind"
    with pytest.raises(ServiceError) as no_region:
        alert_raise(actor=None, kind="fire", source="public", at=timezone.now(), title="x", lon=121.4, lat=28.6)
    assert no_region.value.details[0]["field"] == "region_code"
