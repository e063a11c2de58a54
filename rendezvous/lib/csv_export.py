"""CSV files as spreadsheet programs in German-speaking offices open them: UTF-8 with a BOM
(so Excel reads umlauts and Cyrillic), `;` between cells, and streamed, so that a hundred
thousand rows need no more memory than one.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a
formula: it gets a leading apostrophe, which spreadsheets show as text (OWASP's advice
against CSV injection)."""

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import formats, timezone, translation

BOM = "\ufeff"
CHUNK = 2000  # rows read from the database at a time
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Line:
    """csv.writer's file: each write returns the line instead of storing it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    yield BOM + writer.writerow([neutralised(cell) for cell in header])
    for row in rows:
        yield writer.writerow([neutralised(cell) for cell in row])


def streamed_rows(objects: QuerySet, row: Callable[[object], list]) -> Iterator[list]:
    """`row(obj)` for each object, read from the database in chunks as the file is sent.

    The language and time zone are those in force now, when the response is made: a
    streamed response is read after the request's middleware has reset both."""
    zone, language = timezone.get_current_timezone(), translation.get_language()
    return _rows(objects.iterator(chunk_size=CHUNK), row, zone, language)


def _rows(objects: Iterator, row, zone, language: str) -> Iterator[list]:
    for obj in objects:
        with translation.override(language), timezone.override(zone):
            yield row(obj)


def time_cells(starts_at: datetime, ends_at: datetime) -> list[str]:
    """Date, start and end in the current time zone and language."""
    starts, ends = timezone.localtime(starts_at), timezone.localtime(ends_at)
    date = formats.date_format(starts, "SHORT_DATE_FORMAT")
    return [date, starts.strftime("%H:%M"), ends.strftime("%H:%M")]


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]):
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
