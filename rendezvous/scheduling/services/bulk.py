"""Bulk slot workflows: preview and generate the slots of a pattern, all or none."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from rendezvous.accounts.models import User
from rendezvous.scheduling import errors
from rendezvous.scheduling.models import Event, Slot
from rendezvous.scheduling.patterns import ClockChange, SlotPattern, Span, expand
from rendezvous.scheduling.services.checks import (
    SLOT_PHASES,
    check_host,
    check_place,
    is_overlap_violation,
)
from rendezvous.scheduling.services.slots import find_overlaps


@dataclass
class Candidate:
    starts_at: datetime
    ends_at: datetime
    clashes: list[Slot] = field(default_factory=list)
    clashes_in_pattern: bool = False

    @property
    def is_clashing(self) -> bool:
        return bool(self.clashes) or self.clashes_in_pattern


@dataclass
class SlotPreview:
    creatable: list[Candidate]
    clashing: list[Candidate]
    clock_changes: list[ClockChange] = field(default_factory=list)

    @property
    def existing_clashes(self) -> list[Slot]:
        seen = {slot.pk: slot for c in self.clashing for slot in c.clashes}
        return sorted(seen.values(), key=lambda s: s.starts_at)


def _mark_internal_clashes(candidates: list[Candidate]) -> None:
    """Sweep by start time: a candidate starting before the latest end so far clashes with it."""
    latest: Candidate | None = None
    for candidate in sorted(candidates, key=lambda c: c.starts_at):
        if latest is not None and candidate.starts_at < latest.ends_at:
            candidate.clashes_in_pattern = latest.clashes_in_pattern = True
        if latest is None or candidate.ends_at > latest.ends_at:
            latest = candidate


def _mark_existing_clashes(host: User, candidates: list[Candidate]) -> None:
    if not candidates:
        return
    first = min(c.starts_at for c in candidates)
    last = max(c.ends_at for c in candidates)
    existing = list(find_overlaps(host, first, last))
    for candidate in candidates:
        candidate.clashes = [
            s
            for s in existing
            if s.starts_at < candidate.ends_at and candidate.starts_at < s.ends_at
        ]


def _check_pattern_for_event(pattern: SlotPattern, event: Event | None) -> None:
    if event is None:
        return
    if event.phase not in SLOT_PHASES:
        raise errors.EventNotOpenForSlots()
    if pattern.first_day < event.starts_on or pattern.end_day > event.ends_on:
        raise errors.SlotOutsideEvent()


def preview_slots(*, host: User, event: Event | None, pattern: SlotPattern) -> SlotPreview:
    """What generate_slots would create, which candidates clash (with what), and what the
    clock changes on the pattern's days did to its slots."""
    check_host(host, event)
    check_place(pattern.mode, pattern.video_url)
    _check_pattern_for_event(pattern, event)
    expansion = expand(pattern, host.organisation.tz)
    candidates = [Candidate(start, end) for start, end in expansion.spans]
    _mark_internal_clashes(candidates)
    _mark_existing_clashes(host, candidates)
    return SlotPreview(
        creatable=[c for c in candidates if not c.is_clashing],
        clashing=[c for c in candidates if c.is_clashing],
        clock_changes=expansion.clock_changes,
    )


def _overlap_error(host: User, preview: SlotPreview) -> errors.SlotOverlap:
    spans: list[Span] = [(c.starts_at, c.ends_at) for c in preview.clashing]
    return errors.SlotOverlap(preview.existing_clashes, candidates=spans, tz=host.organisation.tz)


def _new_slots(host: User, event: Event | None, pattern: SlotPattern, spans: Iterable[Candidate]):
    return [
        Slot(
            organisation_id=host.organisation_id,
            host=host,
            event=event,
            starts_at=c.starts_at,
            ends_at=c.ends_at,
            capacity=pattern.capacity,
            mode=pattern.mode,
            room=pattern.room,
            video_url=pattern.video_url,
        )
        for c in spans
    ]


def generate_slots(*, host: User, event: Event | None, pattern: SlotPattern) -> list[Slot]:
    """Create every slot of the pattern, or — if any clashes — none, listing the clashes."""
    with transaction.atomic():
        preview = preview_slots(host=host, event=event, pattern=pattern)
        if preview.clashing:
            raise _overlap_error(host, preview)
        if not preview.creatable:
            raise errors.PatternEmpty()
        if min(c.starts_at for c in preview.creatable) <= timezone.now():
            raise errors.SlotStartInPast()
        try:
            with transaction.atomic():
                return Slot.objects.bulk_create(
                    _new_slots(host, event, pattern, preview.creatable)
                )
        except IntegrityError as exc:
            if not is_overlap_violation(exc):
                raise
            raise _overlap_error(
                host, preview_slots(host=host, event=event, pattern=pattern)
            ) from exc
