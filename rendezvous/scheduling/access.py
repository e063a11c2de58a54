"""The only way views obtain events and slots: 404 for what the user may not see, 403 read-only."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from rendezvous.accounts.models import Role, User
from rendezvous.scheduling.models import Event, Phase, Slot


def events_visible_to(user: User) -> QuerySet[Event]:
    """Staff see their organisation's events; parents the open ones with a child's class."""
    if not user.is_authenticated or user.organisation_id is None:
        return Event.objects.none()
    events = Event.objects.filter(organisation_id=user.organisation_id)
    if user.role in (Role.ADMIN, Role.TEACHER):
        return events
    if user.role == Role.PARENT:
        return events.filter(
            phase=Phase.OPEN, classes__pupils__guardianships__parent=user
        ).distinct()
    return Event.objects.none()


def get_event_for_user(user: User, event_id: int, *, write: bool = False) -> Event:
    """Admins may change their organisation's events; everyone else who sees one reads it."""
    event = events_visible_to(user).select_related("organisation").filter(pk=event_id).first()
    if event is None:
        raise Http404
    if write and user.role != Role.ADMIN:
        raise PermissionDenied
    return event


def slots_visible_to(user: User) -> QuerySet[Slot]:
    """Staff pages: a teacher's own slots, an admin's whole organisation."""
    if not user.is_authenticated or user.organisation_id is None:
        return Slot.objects.none()
    slots = Slot.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.ADMIN:
        return slots
    if user.role == Role.TEACHER:
        return slots.filter(host=user)
    return Slot.objects.none()


def get_slot_for_user(user: User, slot_id: int, *, write: bool = False) -> Slot:
    slot = (
        slots_visible_to(user)
        .select_related("event__organisation", "host__organisation")
        .filter(pk=slot_id)
        .first()
    )
    if slot is None:
        raise Http404
    return slot
