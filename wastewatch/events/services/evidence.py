"""Evidence (取证固证): files stored once under their SM3 digest, read-only; every access and export logged; packages
for the enforcement bureau that can be verified later; retention by alert kind."""
import io
import json
import logging
import os
import secrets
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wastewatch.core.audit import audit_write
from wastewatch.core.crypto import hmac_sm3_hex, sm3_hex
from wastewatch.core.errors import ServiceError

from .. import faces
from ..choices import AlertKind, EvidenceAction, EvidenceKind
from ..models import Evidence, EvidenceAccess, EvidenceExport

logger = logging.getLogger(__name__)
MAX_BYTES = 8 * 1024 * 1024
IMAGE_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
# Days a kind's evidence is kept: what may go to enforcement (dumping, fire, hauling violations) for three years,
# everyday drop-off nuisances for half a year; raw payloads as long as the push archive.
RETENTION_DAYS = {
    AlertKind.ILLEGAL_DUMPING: 3 * 365, AlertKind.FIRE: 3 * 365, AlertKind.MIXED_HAULING: 3 * 365,
    AlertKind.EMISSION_EXCEEDED: 3 * 365, AlertKind.MANIFEST_DISCREPANCY: 3 * 365,
    AlertKind.LITTERING: 180, AlertKind.BAG_OUTSIDE: 180, AlertKind.OFF_HOURS: 180, AlertKind.OVERFLOW: 180,
    AlertKind.MIXED_DROPOFF: 180,
}
DEFAULT_RETENTION_DAYS = 365


def root() -> Path:
    return Path(settings.EVIDENCE_ROOT)


def file_path(digest: str) -> Path:
    return root() / digest[:2] / digest


def image_type(content: bytes) -> str:
    return next((t for magic, t in IMAGE_TYPES.items() if content.startswith(magic)), "")


def retention_days(kind: str) -> int:
    return RETENTION_DAYS.get(kind, DEFAULT_RETENTION_DAYS)


def _write_once(digest: str, content: bytes) -> None:
    """Content-addressed and read-only: the same bytes are one file, and a file is never rewritten."""
    path = file_path(digest)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{digest}.{secrets.token_hex(4)}")
    with open(temporary, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(temporary, 0o444)
    os.replace(temporary, path)


def _log(evidence, actor, action):
    is_user = actor is not None and actor._meta.label == settings.AUTH_USER_MODEL
    return EvidenceAccess(evidence=evidence, user=actor if is_user else None, action=action, region_code=evidence.region_code,
                          actor_label=getattr(actor, "username", "") or "system")


def evidence_store(*, actor, content: bytes, kind: str, source: str, region_code: str, alert_kind: str = "",
                   captured_at: datetime | None = None, device=None, alert=None, occurrence=None, step=None,
                   field: str = "images", index: int | None = None) -> Evidence:
    """Preserve one file; images must be JPEG or PNG. An image's faces are looked for after the push is answered
    (evidence_faces_detect, by the periodic job or by the first display, whichever comes first): `faces` stays
    null until then, and a null never reaches a viewer unblurred."""
    if not content:
        raise ServiceError("取证文件为空", details=[{"field": field, "reason": "文件内容为空", **({"index": index} if index is not None else {})}])
    if len(content) > MAX_BYTES:
        raise ServiceError("取证文件过大", details=[{"field": field, "reason": f"单个文件不超过 {MAX_BYTES // 1024 // 1024} MB",
                                                  **({"index": index} if index is not None else {})}])
    content_type = "application/octet-stream"
    if kind == EvidenceKind.IMAGE:
        content_type = image_type(content)
        if not content_type or not faces.decodable(content):
            raise ServiceError("图片格式不支持", details=[{"field": field, "reason": "仅支持 JPEG 或 PNG 图片",
                                                       **({"index": index} if index is not None else {})}])
    elif kind == EvidenceKind.RAW:
        content_type = "application/json" if content[:1] in (b"{", b"[") else "multipart/form-data"
    digest = sm3_hex(content)
    now = timezone.now()
    with transaction.atomic():
        _write_once(digest, content)
        evidence = Evidence.objects.create(
            kind=kind, sm3=digest, size=len(content), content_type=content_type, captured_at=captured_at, source=source,
            device=device, region_code=region_code, alert=alert, occurrence=occurrence, step=step,
            faces=None if kind == EvidenceKind.IMAGE else [], retain_until=now + timedelta(days=retention_days(alert_kind)),
        )
        _log(evidence, actor, EvidenceAction.STORE).save()
    return evidence


def evidence_faces_detect(*, evidence: Evidence) -> list[list[int]]:
    """Find the faces of a stored image once and record them. No audit row: the boxes are derived from the preserved
    original, which stays as it was, and can be found again from it at any time."""
    if evidence.faces is not None:
        return evidence.faces
    boxes = faces.detect(read_original(evidence))
    # A concurrent detection of the same image found the same boxes: whichever update lands first is kept.
    Evidence.objects.filter(pk=evidence.pk, faces__isnull=True).update(faces=boxes)
    evidence.faces = boxes
    return boxes


def evidence_faces_detect_pending(*, limit: int = 200) -> int:
    """The face-detection job: the images stored since its last run, oldest first."""
    pending = Evidence.objects.filter(faces__isnull=True, kind=EvidenceKind.IMAGE, removed_at__isnull=True).order_by("stored_at")[:limit]
    done = 0
    for evidence in pending:
        try:
            evidence_faces_detect(evidence=evidence)
            done += 1
        except (ServiceError, OSError):
            # A file missing or altered on disk: display refuses it anyway (read_original); the next images go on.
            logger.exception("face detection failed for evidence %s", evidence.pk)
    return done


def evidence_link(*, actor, url: str, source: str, region_code: str, alert_kind: str = "", captured_at=None, device=None,
                  alert=None, occurrence=None) -> Evidence:
    """A clip the camera platform keeps itself: the URL is recorded (its digest is of the URL, the file is theirs)."""
    evidence = Evidence.objects.create(
        kind=EvidenceKind.CLIP_URL, sm3=sm3_hex(url.encode()), url=url, captured_at=captured_at, source=source, device=device,
        region_code=region_code, alert=alert, occurrence=occurrence,
        retain_until=timezone.now() + timedelta(days=retention_days(alert_kind)),
    )
    _log(evidence, actor, EvidenceAction.STORE).save()
    return evidence


def read_original(evidence: Evidence) -> bytes:
    if evidence.removed_at is not None or not evidence.is_file:
        raise ServiceError("取证文件已按保存期限清除", code="gone", status=410)
    content = file_path(evidence.sm3).read_bytes()
    if sm3_hex(content) != evidence.sm3:
        raise ServiceError("取证文件校验失败：内容与存证摘要不符", code="tampered", status=500)
    return content


def evidence_view(*, actor, evidence: Evidence) -> tuple[bytes, str]:
    """The file for display: faces blurred unless the viewer may see them; the look is logged either way.

    Fails closed: an image whose faces have not been looked for yet is looked at now, and one that cannot be
    looked at is shown blurred all over."""
    content = read_original(evidence)
    clear = actor.can("events.view_faces")
    with transaction.atomic():
        _log(evidence, actor, EvidenceAction.VIEW_ORIGINAL if clear else EvidenceAction.VIEW).save()
    if evidence.kind != EvidenceKind.IMAGE or clear:
        return content, evidence.content_type
    try:
        boxes = evidence_faces_detect(evidence=evidence)
    except Exception:  # noqa: BLE001  (whatever broke the detector, the viewer must not see an unchecked face)
        logger.exception("face detection failed for evidence %s: shown blurred whole", evidence.pk)
        return faces.blur_whole(content), "image/jpeg"
    if boxes:
        return faces.blur(content, boxes), "image/jpeg"
    return content, evidence.content_type


# --- evidence packages ------------------------------------------------------------------------------------------

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/json": "json"}


def _timeline(alert):
    rows = [{"at": o.at.isoformat(), "what": "告警发生", "detail": o.message, "source_ref": o.source_ref} for o in alert.occurrences.all()]
    for order in alert.work_orders.all():
        rows += [{"at": s.at.isoformat(), "what": f"工单 {order.number} {s.get_action_display()}", "detail": s.comment, "by": s.actor_label}
                 for s in order.steps.all()]
    return sorted(rows, key=lambda r: r["at"])


def _manifest_signature(manifest_bytes: bytes) -> str:
    return hmac_sm3_hex(settings.SECRET_KEY.encode(), manifest_bytes)


def evidence_package_export(*, actor, alert) -> tuple[bytes, EvidenceExport]:
    """A zip for the enforcement bureau: every file of the alert, manifest.json (files, digests, timeline) and
    manifest.sig (HMAC-SM3 of the manifest under the platform's key). The manifest digest is recorded, so a
    package brought back later is checked against what was handed out."""
    files = [e for e in alert.evidence_files.filter(removed_at__isnull=True).exclude(kind=EvidenceKind.RAW)]
    package_id = f"EP{timezone.now():%Y%m%d}{secrets.token_hex(5).upper()}"
    entries, buffer = [], io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for e in files:
            entry = {"sm3": e.sm3, "kind": e.kind, "source": e.source, "size": e.size,
                     "captured_at": e.captured_at.isoformat() if e.captured_at else None,
                     "stored_at": e.stored_at.isoformat(), "device": e.device.code if e.device_id else None}
            if e.is_file:
                entry["name"] = f"files/{e.sm3}.{EXTENSIONS.get(e.content_type, 'bin')}"
                archive.writestr(entry["name"], read_original(e))
            else:
                entry["url"] = e.url
            entries.append(entry)
        manifest = {
            "package_id": package_id, "exported_at": timezone.now().isoformat(), "exported_by": getattr(actor, "username", "system"),
            "alert": {"id": alert.pk, "kind": alert.kind, "kind_label": alert.get_kind_display(), "title": alert.title,
                      "region_code": alert.region_code, "site": alert.site.code if alert.site_id else None,
                      "first_at": alert.first_at.isoformat(), "last_at": alert.last_at.isoformat(), "count": alert.count},
            "digest_algorithm": "SM3", "files": entries, "timeline": _timeline(alert),
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        archive.writestr("manifest.json", manifest_bytes)
        archive.writestr("manifest.sig", _manifest_signature(manifest_bytes))
    with transaction.atomic():
        export = EvidenceExport.objects.create(package_id=package_id, alert=alert, manifest_sm3=sm3_hex(manifest_bytes),
                                               exported_by=getattr(actor, "username", "system"), region_code=alert.region_code)
        EvidenceAccess.objects.bulk_create([_log(e, actor, EvidenceAction.EXPORT) for e in files])
        audit_write(actor=actor, source="page", action="create", obj=export, region_code=alert.region_code,
                    after={"package_id": package_id, "alert": alert.pk, "files": len(files), "manifest_sm3": export.manifest_sm3})
    return buffer.getvalue(), export


def evidence_package_verify(content: bytes) -> dict:
    """Check a package: a zip we made (signature), the manifest we handed out (its recorded digest), and every
    file against its digest. Returns {"ok", "package_id", "problems": [...], "files": [{"name", "sm3", "ok"}]}."""
    problems, checked = [], []
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        manifest_bytes = archive.read("manifest.json")
        signature = archive.read("manifest.sig").decode("ascii", "replace").strip()
        manifest = json.loads(manifest_bytes)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        return {"ok": False, "package_id": "", "problems": [f"不是本平台导出的取证包：{exc}"], "files": []}
    if signature != _manifest_signature(manifest_bytes):
        problems.append("清单签名不符：manifest.json 在导出后被改动，或取证包不是本平台导出的")
    export = EvidenceExport.objects.filter(package_id=manifest.get("package_id", "")).first()
    if export is None:
        problems.append("平台没有该取证包的导出记录")
    elif export.manifest_sm3 != sm3_hex(manifest_bytes):
        problems.append("清单摘要与导出记录不符")
    names = set(archive.namelist())
    for entry in manifest.get("files", []):
        if "name" not in entry:
            checked.append({"name": entry.get("url", ""), "sm3": entry.get("sm3"), "ok": True})
            continue
        ok = entry["name"] in names and sm3_hex(archive.read(entry["name"])) == entry.get("sm3")
        checked.append({"name": entry["name"], "sm3": entry.get("sm3"), "ok": ok})
        if not ok:
            problems.append(f"文件 {entry['name']} 缺失或内容与 SM3 摘要不符")
    return {"ok": not problems, "package_id": manifest.get("package_id", ""), "problems": problems, "files": checked}


# --- retention --------------------------------------------------------------------------------------------------

def evidence_expire(*, now: datetime | None = None) -> int:
    """Delete the files whose retention has passed (a file shared with evidence still kept stays) and log each."""
    now = now or timezone.now()
    expired = list(Evidence.objects.filter(retain_until__lt=now, removed_at__isnull=True).exclude(kind=EvidenceKind.CLIP_URL)[:5000])
    if not expired:
        return 0
    digests = {e.sm3 for e in expired}
    still_kept = set(Evidence.objects.filter(sm3__in=digests, removed_at__isnull=True, retain_until__gte=now).values_list("sm3", flat=True))
    with transaction.atomic():
        Evidence.objects.filter(pk__in=[e.pk for e in expired]).update(removed_at=now)
        EvidenceAccess.objects.bulk_create([_log(e, None, EvidenceAction.EXPIRE) for e in expired])
    for digest in digests - still_kept:
        file_path(digest).unlink(missing_ok=True)
    return len(expired)
