"""Writes of the originality check: fingerprints, reference texts, and running a check.

Fingerprints are derived data (a signature of a text that is itself audited where it is written): they
are written in bulk without an audit row each. A check reads people's writing, so every run is recorded
as an OriginalityCheck with an audit event naming who ran it on which subtree and period.
"""

import time
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.audit import services as audit

from . import engine, sources
from .access import may_manage_references, require_checker
from .choices import SourceKind
from .models import OriginalityCheck, ReferenceText, SimilarPair, TextFingerprint

ENGINE = f"n{engine.NGRAM}-p{engine.NUM_PERM}-s{engine.SEED}"
MAX_REFERENCE_CHARS = 100_000


# Fingerprints ---------------------------------------------------------------------------------------
def _fingerprint_row(source, row, text, organization_id) -> TextFingerprint:
    fp = engine.Fingerprint.of(text)
    return TextFingerprint(
        source=source,
        object_id=row.id,
        organization_id=organization_id,
        kind=getattr(row, "kind", ""),
        written_on=getattr(row, "written_on", None),
        char_count=fp.length,
        signature=engine.signature_to_bytes(fp.values),
        engine=ENGINE,
        source_updated_at=row.updated_at,
    )


def _store(source: str, fresh: list[TextFingerprint]) -> None:
    """Replace the fingerprints of these texts (derived data: not audited row by row)."""
    if not fresh:
        return
    ids = [fp.object_id for fp in fresh]
    TextFingerprint.objects.filter(source=source, object_id__in=ids).delete()  # audit-exempt: derived index
    TextFingerprint.objects.bulk_create(fresh, batch_size=1000)  # audit-exempt: derived index


@transaction.atomic
def fingerprint(note) -> None:
    """Store the signature of a note once it is written or edited (the study services call this)."""
    row = sources.note_of(note)
    _store(SourceKind.NOTE, [_fingerprint_row(SourceKind.NOTE, row, note.text, row.organization_id)])


def fingerprints_for(rows: list, source: str = SourceKind.NOTE) -> dict[int, "engine.np.ndarray"]:
    """{id: signature} of these notes, computing and storing the missing or outdated ones."""
    stored = {
        object_id: (signature, updated, version)
        for object_id, signature, updated, version in TextFingerprint.objects.filter(
            source=source, object_id__in=[row.id for row in rows]
        ).values_list("object_id", "signature", "source_updated_at", "engine")
    }
    signatures, stale = {}, []
    for row in rows:
        found = stored.get(row.id)
        if found is None or found[1] != row.updated_at or found[2] != ENGINE:
            stale.append(row)
        else:
            signatures[row.id] = engine.signature_from_bytes(found[0])
    if stale:
        texts = sources.texts_by_id(row.id for row in stale)
        fresh = [_fingerprint_row(source, row, texts[row.id], row.organization_id) for row in stale]
        _store(source, fresh)
        for fp in fresh:
            signatures[fp.object_id] = engine.signature_from_bytes(fp.signature)
    return signatures


def rebuild_fingerprints(log=None) -> int:
    """Recompute every note's and reference text's signature (after an engine change); returns the count."""
    count = 0
    with transaction.atomic():
        TextFingerprint.objects.all().delete()  # audit-exempt: derived index, rebuilt below
        notes = sources.rows(sources.visible_notes(None))
        for start in range(0, len(notes), 2000):
            fingerprints_for(notes[start : start + 2000])
            count += len(notes[start : start + 2000])
            if log:
                log(f"已处理 {count} 篇学习笔记")
        references = list(ReferenceText.objects.active())
        _store(SourceKind.REFERENCE, [_reference_row(reference) for reference in references])
        count += len(references)
    return count


def _reference_row(reference: ReferenceText) -> TextFingerprint:
    return _fingerprint_row(SourceKind.REFERENCE, reference, reference.text, reference.organization_id)


# Reference texts -------------------------------------------------------------------------------------
@transaction.atomic
def do_add_reference_text(
    *, acting_user, organization, title, text, source="", file_name=""
) -> ReferenceText:
    if not may_manage_references(acting_user, organization):
        raise PermissionDenied("只有系统管理员可以维护参考范文库。")
    reference = ReferenceText(
        organization=organization,
        title=(title or "").strip()[:200],
        source=(source or "").strip()[:300],
        text=(text or "").strip(),
        file_name=file_name[:255],
    )
    if not reference.text:
        raise ValidationError({"text": "参考范文没有文字内容。"})
    if len(reference.text) > MAX_REFERENCE_CHARS:
        raise ValidationError({"text": f"参考范文超过{MAX_REFERENCE_CHARS}字，请拆分后导入。"})
    reference.full_clean()
    reference.save()
    _store(SourceKind.REFERENCE, [_reference_row(reference)])
    audit.record_create(reference, acting_user=acting_user, message=f"{reference.char_count}字")
    return reference


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # "文件名：原因"


@transaction.atomic
def do_import_reference_texts(*, acting_user, organization, texts, source="") -> ImportResult:
    """Reference texts from read files (`reading.ReadText`), all or nothing: any unreadable file, and
    nothing is written; each error names its file."""
    result = ImportResult()
    readable = []
    for read in texts:
        if read.error:
            result.errors.append(f"{read.name}：{read.error}。")
        else:
            readable.append(read)
    if not readable and not result.errors:
        result.errors.append("没有可导入的文件。")
    if result.errors:
        return result
    for read in readable:
        title = read.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        try:
            result.created.append(
                do_add_reference_text(
                    acting_user=acting_user,
                    organization=organization,
                    title=title,
                    text=read.text,
                    source=source,
                    file_name=read.name,
                )
            )
        except ValidationError as error:
            result.errors += [f"{read.name}：{message}" for message in error.messages]
    if result.errors:
        transaction.set_rollback(True)
        result.created = []
    return result


@transaction.atomic
def do_withdraw_reference_text(reference: ReferenceText, *, acting_user, reason: str) -> ReferenceText:
    """Stop comparing with a reference text; it is kept (nothing is deleted), with the reason."""
    if not may_manage_references(acting_user, reference.organization):
        raise PermissionDenied("只有系统管理员可以维护参考范文库。")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写停用原因。"})
    if reference.withdrawn_at is not None:
        raise ValidationError("该参考范文已停用。")
    before = audit.snapshot(reference)
    reference.withdrawn_at = timezone.now()
    reference.withdrawn_reason = reason.strip()[:200]
    reference.save(update_fields=["withdrawn_at", "withdrawn_reason", "updated_at"])
    audit.record_update(reference, before, acting_user=acting_user, action="deactivate")
    return reference


# Checks ----------------------------------------------------------------------------------------------
MAX_PAGE_TEXTS = 20_000  # a page runs a check of at most this many notes; more: the command
SECONDS_PER_THOUSAND = 1.0  # measured (bench all_pairs_10k_s), for the estimate shown above the limit


def estimate_seconds(count: int) -> float:
    return max(1.0, count / 1000 * SECONDS_PER_THOUSAND)


@dataclass
class Found:
    """The verified pairs of a check before they are stored: (note id, source, other id, similarity)."""

    pairs: list = field(default_factory=list)
    texts: int = 0
    references: int = 0


def find(organization, start: date, end: date, kind: str = "", *, user, sample=()) -> Found:
    """The near-duplicate pairs among the notes `user` may read in the subtree and period (or among an
    inspection `sample` of them), and the notes that are near-copies of a reference text (of the
    organization, above or below it)."""
    rows = sources.rows(sources.notes_for_check(user, organization, start, end, kind, sample))
    signatures = {(SourceKind.NOTE, i): values for i, values in fingerprints_for(rows).items()}
    references = list(ReferenceText.objects.for_check(organization).values_list("id", "text"))
    reference_signatures = _reference_signatures([i for i, _ in references])
    for reference_id, text in references:
        values = reference_signatures.get(reference_id)
        if values is None:
            values = engine.Fingerprint.of(text).values
        signatures[(SourceKind.REFERENCE, reference_id)] = values
    index = engine.Index.of(signatures.items())
    candidates = [
        (a, b) if a[0] == SourceKind.NOTE else (b, a)
        for a, b in index.candidate_pairs(engine.ESTIMATE_MIN)
        if SourceKind.NOTE in (a[0], b[0])
    ]
    texts = _texts_of(candidates, dict(references))
    fingerprints = {key: engine.Fingerprint.of(text) for key, text in texts.items()}
    matches = engine.verify(candidates, fingerprints.__getitem__)
    found = Found(texts=len(rows), references=len(references))
    for match in matches:
        found.pairs.append((match.first[1], match.second[0], match.second[1], match.similarity))
    return found


def _reference_signatures(ids) -> dict:
    rows = TextFingerprint.objects.filter(
        source=SourceKind.REFERENCE, object_id__in=ids, engine=ENGINE
    ).values_list("object_id", "signature")
    return {object_id: engine.signature_from_bytes(signature) for object_id, signature in rows}


def _texts_of(candidates, references: dict) -> dict:
    """Texts of the candidates only: the rest of the set is never read."""
    note_ids = {key[1] for pair in candidates for key in pair if key[0] == SourceKind.NOTE}
    texts = {(SourceKind.NOTE, i): text for i, text in sources.texts_by_id(note_ids).items()}
    for pair in candidates:
        key = pair[1]
        if key[0] == SourceKind.REFERENCE:
            texts[key] = references[key[1]]
    return texts


@transaction.atomic
def do_run_check(
    *, acting_user, organization, start: date, end: date, kind: str = "", sample=()
) -> OriginalityCheck:
    """Run the check on `organization`'s subtree for notes written in [start, end] (only those of an
    inspection `sample`, when given); keep it and its pairs, and record in the audit trail who read which
    notes."""
    require_checker(acting_user, organization)
    check = OriginalityCheck(
        organization=organization,
        period_start=start,
        period_end=end,
        kind=kind or "",
        sample=sorted({int(i) for i in sample}),
        requested_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    check.full_clean(exclude=["requested_by"])
    began = time.perf_counter()
    found = find(organization, start, end, kind, user=acting_user, sample=check.sample)
    check.seconds = round(time.perf_counter() - began, 3)
    check.texts_checked, check.references_checked = found.texts, found.references
    check.pairs_found = len(found.pairs)
    check.save()
    SimilarPair.objects.bulk_create(  # audit-exempt: results of the audited check below
        [
            SimilarPair(
                check_run=check,
                first_id=first,
                second_source=source,
                second_id=second,
                jaccard=round(similarity.jaccard, 4),
                containment=round(similarity.containment, 4),
                shared=similarity.shared,
            )
            for first, source, second, similarity in found.pairs
        ],
        batch_size=1000,
    )
    audit.record_create(
        check,
        acting_user=acting_user,
        message=(
            f"雷同检测：读取 {organization.name} 及下级党组织 {start}～{end} 的学习笔记和心得体会 "
            f"{found.texts} 篇，参考范文 {found.references} 篇，发现雷同 {len(found.pairs)} 对"
        ),
    )
    return check
