"""The only way views obtain events and slots: 404 for what the user may not see, 403 read-only."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from rendezvous.accounts.models import STAFF_ROLES, Role, User
from rendezvous.lib.queries import by_key
from rendezvous.scheduling.models import Event, Phase, Slot, Subject
from rendezvous.school.models import SchoolClass


def published(through: str = "") -> Q:
    """A filter on events (or, `through` "event__", on rows of one): what parents may see of
    them, every phase but the draft the office is still preparing."""
    return ~Q(**{f"{through}phase": Phase.DRAFT})


def events_visible_to(user: User) -> QuerySet[Event]:
    """Staff see their organisation's events; parents those with a child's class once they
    are published (not drafts), as they see their slots: a closed evening's appointments
    still name it."""
    if not user.is_authenticated or user.organisation_id is None:
        return Event.objects.none()
    events = Event.objects.filter(organisation_id=user.organisation_id)
    if user.role in STAFF_ROLES:
        return events
    if user.role == Role.PARENT:
        return events.filter(published(), classes__pupils__guardianships__parent=user).distinct()
    return Event.objects.none()


def get_event_for_user(user: User, event_id: int, *, write: bool = False) -> Event:
    """Admins may change their organisation's events; everyone else who sees one reads it."""
    event = by_key(events_visible_to(user).select_related("organisation").filter(pk=event_id))
    if event is None:
        raise Http404
    if write and user.role != Role.ADMIN:
        raise PermissionDenied
    return event


def slots_visible_to(user: User) -> QuerySet[Slot]:
    """Admins: their organisation's slots. Teachers: their own. Parents: the slots of their
    children's teachers in the evenings of their children's classes (not drafts)."""
    if not user.is_authenticated or user.organisation_id is None:
        return Slot.objects.none()
    slots = Slot.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.ADMIN:
        return slots
    if user.role == Role.TEACHER:
        return slots.filter(host=user)
    if user.role == Role.PARENT:
        # Subqueries, not joins: joined through both sides' classes, each slot came back once
        # per pair of classes, and a page of a few hundred times read tens of thousands of rows.
        classes = SchoolClass.objects.filter(pupils__guardianships__parent=user).values("pk")
        events = Event.objects.filter(published(), classes__in=classes)
        teachers = User.objects.filter(Q(classes_led__in=classes) | Q(classes_taught__in=classes))
        return slots.filter(event__in=events.values("pk"), host__in=teachers.values("pk"))
    return Slot.objects.none()


def get_slot_for_user(user: User, slot_id: int, *, write: bool = False) -> Slot:
    """404 for a slot the user may not see; parents may only read (403 for a write)."""
    slot = by_key(
        slots_visible_to(user)
        .select_related("event__organisation", "host__organisation")
        .filter(pk=slot_id)
    )
    if slot is None:
        raise Http404
    if write and user.role not in STAFF_ROLES:
        raise PermissionDenied
    return slot


def subjects_visible_to(user: User) -> QuerySet[Subject]:
    """The subjects of the viewer's organisation: their names are on every page of slots."""
    if not user.is_authenticated or user.organisation_id is None:
        return Subject.objects.none()
    return Subject.objects.filter(organisation_id=user.organisation_id)


def get_subject_for_user(user: User, subject_id: int, *, write: bool = False) -> Subject:
    subject = by_key(subjects_visible_to(user).filter(pk=subject_id))
    if subject is None:
        raise Http404
    if write and user.role != Role.ADMIN:
        raise PermissionDenied
    return subject
