"""The office's event day: every teacher's slots side by side on one time axis, filtered by
department, class (that class's teachers) or room, one day of the event at a time. On a phone
the same slots show as an agenda grouped by teacher. The same filters export the event's slots,
all its days, as a CSV file."""

from datetime import date, timedelta

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rendezvous.accounts.access import people_visible_to
from rendezvous.accounts.models import STAFF_ROLES, Role
from rendezvous.bookings.selectors import calendar as selectors
from rendezvous.bookings.selectors import teachers_of_class
from rendezvous.lib.csv_export import csv_response
from rendezvous.lib.views import role_required
from rendezvous.scheduling.access import get_event_for_user, slots_visible_to
from rendezvous.scheduling.exports import slot_header, slot_rows
from rendezvous.school.access import classes_visible_to, departments_visible_to

admin_only = role_required(Role.ADMIN)


class DayFilterForm(forms.Form):
    """Which teachers and rooms to show; the choices are the office's own."""

    department = forms.ModelChoiceField(
        queryset=None, label=_("Department"), required=False, empty_label=_("All departments")
    )
    school_class = forms.ModelChoiceField(
        queryset=None, label=_("Class"), required=False, empty_label=_("All classes")
    )
    room = forms.ChoiceField(label=_("Room"), required=False)

    def __init__(self, *args, departments, classes, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["school_class"].queryset = classes
        self.fields["room"].choices = [("", _("All rooms")), *((room, room) for room in rooms)]

    def chosen(self, name: str):
        return self.cleaned_data.get(name) if self.is_valid() else None


def event_days(event) -> list[date]:
    count = (event.ends_on - event.starts_on).days + 1
    return [event.starts_on + timedelta(days=n) for n in range(count)]


def _chosen_day(request, days: list[date]) -> date:
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = None
    if day in days:
        return day
    today = timezone.localdate()
    return today if today in days else days[0]


def _teachers(user, form: DayFilterForm):
    """The staff the filters name, or None when no teacher filter is chosen."""
    department, school_class = form.chosen("department"), form.chosen("school_class")
    if department is None and school_class is None:
        return None
    teachers = people_visible_to(user, roles=STAFF_ROLES)
    if department is not None:
        teachers = teachers.filter(departments=department)
    if school_class is not None:
        teachers = teachers.filter(teachers_of_class(school_class))
    return teachers.distinct()


def _filter_form(request, event) -> DayFilterForm:
    return DayFilterForm(
        request.GET or None,
        departments=departments_visible_to(request.user).order_by("name"),
        classes=classes_visible_to(request.user).filter(events=event).order_by("name"),
        rooms=selectors.rooms_of(slots_visible_to(request.user).filter(event=event)),
    )


def _chosen_slots(user, event, form: DayFilterForm, teachers):
    """The event's slots, on all its days, of the teachers and the room the filters name."""
    slots = slots_visible_to(user).filter(event=event)
    if teachers is not None:
        slots = slots.filter(host__in=teachers)
    if form.chosen("room"):
        slots = slots.filter(room=form.chosen("room"))
    return slots


def _grid(request, event, day: date, form: DayFilterForm) -> dict:
    tz = timezone.get_current_timezone()
    teachers = _teachers(request.user, form)
    slots = _chosen_slots(request.user, event, form, teachers)
    grid = selectors.grid_by_host(list(selectors.slots_between(slots, day, day, tz)), tz)
    shown = [column.host.pk for column in grid.columns]
    without_slots = (
        list(teachers.exclude(pk__in=shown).order_by("last_name", "first_name"))
        if teachers is not None
        else []
    )
    return {"grid": grid, "counts": grid.counts, "without_slots": without_slots}


@admin_only
def event_calendar(request, pk: int):
    event = get_event_for_user(request.user, pk)
    days = event_days(event)
    day = _chosen_day(request, days)
    form = _filter_form(request, event)
    context = {
        "event": event,
        "day": day,
        "days": days,
        "form": form,
        "filtered": any(form.chosen(name) for name in form.fields),
        "office": True,
        "time_zone": timezone.get_current_timezone_name(),
        "here": request.get_full_path(),
        **_grid(request, event, day, form),
    }
    return render(request, "office/calendar_day.html", context)


@admin_only
def event_calendar_export(request, pk: int):
    """The event's slots the page's filters choose, every day of the event, as a CSV file
    for a spreadsheet."""
    event = get_event_for_user(request.user, pk)
    form = _filter_form(request, event)
    slots = _chosen_slots(request.user, event, form, _teachers(request.user, form))
    slots = slots.order_by("starts_at", "host__last_name", "host__first_name", "pk")
    filename = f"slots-{event.starts_on.isoformat()}.csv"
    return csv_response(filename, slot_header(), slot_rows(slots))
