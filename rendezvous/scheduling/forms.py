"""Forms for slots, patterns and events: shape only. Times are the organisation's local time."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rendezvous.lib.forms import RowsChoiceField
from rendezvous.scheduling.models import EVENT_TEXT_FIELDS, SLOT_FIELDS, Event, Mode
from rendezvous.scheduling.patterns import SlotPattern, local_span
from rendezvous.school.models import SchoolClass

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
BREAK_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$")
# Dates far outside these years overflow date arithmetic and time zone conversion.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def is_plausible_day(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def validate_plausible_day(value: date) -> None:
    if not is_plausible_day(value):
        raise forms.ValidationError(
            _("Choose a date between the years %(first)d and %(last)d."),
            code="date_out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


class PlausibleDateField(forms.DateField):
    default_validators = [validate_plausible_day]


class PlausibleDateTimeField(forms.DateTimeField):
    default_validators = [validate_plausible_day]


class PlaceMixin:
    """Mode, room and video link: an online slot needs its link."""

    def clean_place(self, cleaned: dict) -> None:
        if cleaned.get("mode") == Mode.ONLINE and not cleaned.get("video_url"):
            self.add_error("video_url", _("An online slot needs a video link."))


class SlotForm(PlaceMixin, forms.Form):
    date = PlausibleDateField(label=_("Date"), widget=DATE)
    start = forms.TimeField(label=_("Start"), widget=TIME)
    end = forms.TimeField(label=_("End"), widget=TIME)
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=_("1 for an individual meeting, 2 or more for a group."),
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices, initial=Mode.ON_SITE)
    room = forms.CharField(label=_("Room"), max_length=100, required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    def __init__(self, *args, tz: ZoneInfo, **kwargs):
        self.tz = tz
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        self.clean_place(cleaned)
        day, start, end = cleaned.get("date"), cleaned.get("start"), cleaned.get("end")
        if day and start and end:
            # The teacher means the length between the two times on the clock face; on the
            # day the clocks change the real end follows from that length, not from the clock.
            length = datetime.combine(day, end) - datetime.combine(day, start)
            span = local_span(day, start, length, self.tz)
            if span is None:
                self.add_error("start", _("This time does not exist on that day (clock change)."))
            else:
                cleaned["starts_at"], cleaned["ends_at"] = span
        return cleaned

    @staticmethod
    def initial_for(slot) -> dict:
        """The form's fields for an existing slot, in the active time zone. The end shown is
        the start plus the slot's length, which on the night the clocks go back is what the
        teacher entered (the clock would show 02:00 for a slot from 02:30 to 03:00)."""
        starts = timezone.localtime(slot.starts_at)
        return {
            "date": starts.date(),
            "start": starts.time(),
            "end": (starts + (slot.ends_at - slot.starts_at)).time(),
            "capacity": slot.capacity,
            "mode": slot.mode,
            "room": slot.room,
            "video_url": slot.video_url,
        }

    def slot_values(self) -> dict:
        """What the form sets on a slot, by the services' field names (SLOT_FIELDS but the
        subject, which this form does not show)."""
        data = self.cleaned_data
        return {name: data[name] for name in SLOT_FIELDS if name != "subject"}


class SlotCreateForm(SlotForm):
    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.none())
    field_order = ["event", "date", "start", "end"]

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events


def _parse_break(token: str) -> tuple[time, int]:
    match = BREAK_RE.match(token)
    try:
        hours1, minutes1, hours2, minutes2 = (int(g) for g in match.groups())  # type: ignore[union-attr]
        start, end = time(hours1, minutes1), time(hours2, minutes2)
    except (AttributeError, ValueError):
        raise forms.ValidationError(
            _("“%(value)s” is not a break like 18:00-18:20."), params={"value": token}
        ) from None
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if minutes < 1:
        raise forms.ValidationError(
            _("The break “%(value)s” must end after it starts."), params={"value": token}
        )
    return start, minutes


def parse_fixed_breaks(value: str) -> tuple[tuple[time, int], ...]:
    """'18:00-18:20, 19:30-19:45' → ((18:00, 20), (19:30, 15))."""
    tokens = (t.strip() for t in re.split(r"[,;\n]", value))
    return tuple(_parse_break(token) for token in tokens if token)


def parse_dates(value: str) -> frozenset:
    field = PlausibleDateField()
    return frozenset(field.clean(token) for token in re.split(r"[\s,;]+", value.strip()) if token)


class PatternForm(PlaceMixin, forms.Form):
    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.none())
    first_day = PlausibleDateField(label=_("First day"), widget=DATE)
    last_day = PlausibleDateField(
        label=_("Last day"), widget=DATE, required=False, help_text=_("Empty: only the first day.")
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=list(WEEKDAYS.items()),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[0, 1, 2, 3, 4],
    )
    window_start = forms.TimeField(label=_("Daily from"), widget=TIME)
    window_end = forms.TimeField(label=_("Daily until"), widget=TIME)
    slot_minutes = forms.IntegerField(label=_("Slot length (minutes)"), min_value=1, max_value=480)
    break_every = forms.IntegerField(
        label=_("A break after every … slots"), min_value=0, max_value=100, required=False
    )
    break_minutes = forms.IntegerField(
        label=_("Break length (minutes)"), min_value=0, max_value=240, required=False
    )
    fixed_breaks = forms.CharField(
        label=_("Breaks at fixed times"),
        required=False,
        help_text=_("For example: 18:00-18:20, 19:30-19:45"),
    )
    excluded_dates = forms.CharField(
        label=_("Leave out these dates"),
        required=False,
        help_text=_("Dates separated by commas, for example 2025-03-26."),
    )
    capacity = SlotForm.base_fields["capacity"]
    mode = SlotForm.base_fields["mode"]
    room = SlotForm.base_fields["room"]
    video_url = SlotForm.base_fields["video_url"]

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events

    def clean_fixed_breaks(self):
        return parse_fixed_breaks(self.cleaned_data["fixed_breaks"])

    def clean_excluded_dates(self):
        return parse_dates(self.cleaned_data["excluded_dates"])

    def clean(self):
        cleaned = super().clean()
        self.clean_place(cleaned)
        return cleaned

    def to_pattern(self) -> SlotPattern:
        data = self.cleaned_data
        return SlotPattern(
            first_day=data["first_day"],
            last_day=data["last_day"],
            weekdays=frozenset(data["weekdays"]),
            window_start=data["window_start"],
            window_end=data["window_end"],
            slot_minutes=data["slot_minutes"],
            break_every=data["break_every"] or 0,
            break_minutes=data["break_minutes"] or 0,
            fixed_breaks=data["fixed_breaks"],
            excluded_dates=data["excluded_dates"],
            capacity=data["capacity"],
            mode=data["mode"],
            room=data["room"],
            video_url=data["video_url"],
        )


def translation_field(field: str, language: str) -> str:
    """The form field for the office's wording of `field` in `language`: "name_en"."""
    return f"{field}_{language}"


class EventForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("Shown to everyone whose language has no name of its own below."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What parents should know, shown on their page. Optional."),
    )
    starts_on = PlausibleDateField(label=_("First day"), widget=DATE)
    ends_on = PlausibleDateField(label=_("Last day"), widget=DATE)
    classes = RowsChoiceField(
        label=_("Participating classes"),
        queryset=SchoolClass.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    booking_opens_at = PlausibleDateTimeField(
        label=_("Booking opens"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"]
    )
    booking_closes_at = PlausibleDateTimeField(
        label=_("Booking closes"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"]
    )
    default_slot_minutes = forms.IntegerField(
        label=_("Default slot length (minutes)"), min_value=1, max_value=480, initial=10
    )
    change_cutoff_hours = forms.IntegerField(
        label=_("Parents may cancel or move until (hours before)"),
        min_value=0,
        max_value=720,
        initial=24,
    )
    auto_confirm = forms.BooleanField(label=_("Confirm bookings automatically"), required=False)
    retention_days = forms.IntegerField(
        label=_("Keep data for (days after the event)"), min_value=0, max_value=3650, initial=14
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classes"].queryset = SchoolClass.objects.filter(organisation=organisation)
        # Name and description in the organisation's own language are the fields above.
        self.other_languages = [
            (code, label) for code, label in settings.LANGUAGES if code != organisation.language
        ]
        for code, label in self.other_languages:
            self.fields[translation_field("name", code)] = forms.CharField(
                label=format_lazy(_("Name ({language})"), language=label),
                max_length=200,
                required=False,
            )
            self.fields[translation_field("description", code)] = forms.CharField(
                label=format_lazy(_("Description ({language})"), language=label),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def translation_groups(self) -> list:
        """[(language's name, its bound fields)] for the template, one group per language."""
        return [
            (label, [self[translation_field(field, code)] for field in EVENT_TEXT_FIELDS])
            for code, label in self.other_languages
        ]

    def event_values(self) -> dict:
        """The event's fields for scheduling.services (classes apart), the other languages'
        wording gathered into `translations` (empty ones left out)."""
        data = dict(self.cleaned_data)
        data.pop("classes")
        translations = {}
        for code, _label in self.other_languages:
            wording = {
                field: text
                for field in EVENT_TEXT_FIELDS
                if (text := data.pop(translation_field(field, code)))
            }
            if wording:
                translations[code] = wording
        return {**data, "translations": translations}

    @staticmethod
    def initial_for(event: Event) -> dict:
        wording = {
            translation_field(field, code): text
            for code, texts in event.translations.items()
            for field, text in texts.items()
        }
        return {
            **wording,
            "name": event.name,
            "description": event.description,
            "starts_on": event.starts_on,
            "ends_on": event.ends_on,
            "classes": list(event.classes.all()),
            "booking_opens_at": event.booking_opens_at,
            "booking_closes_at": event.booking_closes_at,
            "default_slot_minutes": event.default_slot_minutes,
            "change_cutoff_hours": event.change_cutoff_hours,
            "auto_confirm": event.auto_confirm,
            "retention_days": event.retention_days,
        }
