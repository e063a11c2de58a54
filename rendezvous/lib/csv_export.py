"""CSV files as spreadsheet programs in German-speaking offices open them: UTF-8 with a BOM
(so Excel reads umlauts and Cyrillic), `;` between cells, and streamed, so that a hundred
thousand rows need no more memory than one.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a
formula: it gets a leading apostrophe, which spreadsheets show as text (OWASP's advice
against CSV injection)."""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

BOM = "\ufeff"
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


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]):
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
