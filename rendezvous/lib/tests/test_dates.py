from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import formats, timezone, translation

from rendezvous.lib.dates import day_bounds, weekday_date

TUESDAY = date(2026, 3, 3)
EVENING = datetime(2026, 2, 12, 17, 5, tzinfo=UTC)  # date_format shows it as it is


def render(source: str, **context) -> str:
    return Template("{% load booking_tags %}" + source).render(Context(context))


def test_english_dates_put_the_day_first_and_use_the_24_hour_clock():
    with translation.override("en"):
        assert formats.date_format(EVENING.date(), "SHORT_DATE_FORMAT") == "12/02/2026"
        assert formats.date_format(EVENING.date(), "DATE_FORMAT") == "12 February 2026"
        assert formats.time_format(EVENING.time(), "TIME_FORMAT") == "17:05"
        assert formats.date_format(EVENING, "DATETIME_FORMAT") == "12 February 2026, 17:05"
        assert formats.date_format(EVENING, "SHORT_DATETIME_FORMAT") == "12/02/2026 17:05"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


def test_english_forms_read_iso_and_day_first_dates_never_month_first():
    with translation.override("en"):
        inputs = formats.get_format("DATE_INPUT_FORMATS")
    assert inputs[0] == "%Y-%m-%d"
    assert "%d/%m/%Y" in inputs
    assert "%m/%d/%Y" not in inputs


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "12. Februar 2026, 17:05"),
        ("ru", "12 февраля 2026 г., 17:05"),
    ],
)
def test_german_and_russian_put_a_comma_before_the_time(language, expected):
    with translation.override(language):
        assert formats.date_format(EVENING, "DATETIME_FORMAT") == expected


def test_the_weekday_starts_a_sentence_with_a_capital_in_every_language():
    expected = {
        "de": "Dienstag, 3. März 2026",
        "en": "Tuesday, 3 March 2026",
        "ru": "Вторник, 3 марта 2026 г.",
    }
    for language, text in expected.items():
        with translation.override(language):
            assert weekday_date(TUESDAY) == text
            assert render("{{ day|long_date }}", day=TUESDAY) == text


def test_russian_writes_the_weekday_in_lower_case_inside_a_sentence():
    with translation.override("ru"):
        assert weekday_date(TUESDAY, in_sentence=True) == "вторник, 3 марта 2026 г."
        assert render("{{ day|long_date_in_sentence }}", day=TUESDAY) == "вторник, 3 марта 2026 г."


@pytest.mark.parametrize("language", ["de", "en"])
def test_german_and_english_keep_the_capital_inside_a_sentence(language):
    with translation.override(language):
        assert weekday_date(TUESDAY, in_sentence=True) == weekday_date(TUESDAY)


def test_a_datetime_is_dated_in_the_active_time_zone():
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # already Tuesday in Berlin
    with translation.override("en"):
        assert render("{{ at|long_date }}", at=late) == "Tuesday, 3 March 2026"


def test_nothing_renders_as_nothing():
    assert render("{{ day|long_date }}{{ day|long_date_in_sentence }}", day=None) == ""


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 3, 28), 24), (date(2026, 3, 29), 23), (date(2026, 10, 25), 25)],
)
def test_a_day_runs_from_midnight_to_midnight_where_the_clocks_change(day, hours):
    berlin = ZoneInfo("Europe/Berlin")
    with timezone.override(berlin):
        start, end = day_bounds(day)

    assert (start.astimezone(berlin).date(), start.astimezone(berlin).hour) == (day, 0)
    assert (end.astimezone(berlin).date(), end.astimezone(berlin).hour) == (
        day + timedelta(days=1),
        0,
    )
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=hours)
    assert day_bounds(day, ZoneInfo("Asia/Tokyo"))[0] == datetime(
        day.year, day.month, day.day, tzinfo=ZoneInfo("Asia/Tokyo")
    )


@pytest.mark.parametrize(
    ("starts", "ends"),
    [
        (EVENING, EVENING + timedelta(minutes=10)),  # Berlin's winter time
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        (datetime(2026, 7, 1, 22, 55, tzinfo=UTC), datetime(2026, 7, 1, 23, 5, tzinfo=UTC)),
        (datetime(2026, 7, 1, 9, 5), datetime(2026, 7, 1, 9, 50)),  # noqa: DTZ001 (naive: as it is)
    ],
)
@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_a_time_range_reads_as_the_two_times_django_writes(starts, ends, zone):
    django_writes = '{{ starts|time:"H:i" }}–{{ ends|time:"H:i" }}'
    with timezone.override(ZoneInfo(zone)):
        ours = Template("{% load dates %}{{ starts|time_range:ends }}")
        theirs = Template(django_writes)
        context = {"starts": starts, "ends": ends}

        assert ours.render(Context(context)) == theirs.render(Context(context))


def test_a_time_range_without_its_times_is_empty():
    template = Template("{% load dates %}[{{ starts|time_range:ends }}]")

    assert template.render(Context({"starts": None, "ends": EVENING})) == "[]"


def test_the_same_day_reads_in_each_language_and_place_in_a_sentence():
    said = {}
    for language in ["de", "en", "ru", "de"]:
        with translation.override(language):
            said[language] = (weekday_date(TUESDAY), weekday_date(TUESDAY, in_sentence=True))

    assert said["de"] == ("Dienstag, 3. März 2026", "Dienstag, 3. März 2026")
    assert said["en"] == ("Tuesday, 3 March 2026", "Tuesday, 3 March 2026")
    assert said["ru"][0].startswith("Вторник") and said["ru"][1].startswith("вторник")
