import csv
import io

from rendezvous.lib.csv_export import BOM, csv_lines, csv_response


def parsed(lines) -> list[list[str]]:
    text = "".join(lines)
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :]), delimiter=";"))


def test_cells_that_would_be_formulas_are_neutralised_and_the_rest_kept():
    rows = [["=1+2", "+49 30 1234", "-5", "@SUM(A1)", "\tx", "Müller; Жуков", 'say "hi"', 7]]
    assert parsed(csv_lines(["Name", "Wert"], rows)) == [
        ["Name", "Wert"],
        ["'=1+2", "'+49 30 1234", "'-5", "'@SUM(A1)", "'\tx", "Müller; Жуков", 'say "hi"', "7"],
    ]


def test_a_hundred_thousand_rows_stream_without_being_built_first():
    produced = []

    def rows():
        for number in range(100_000):
            produced.append(number)
            yield [number, "x"]

    response = csv_response("big.csv", ["n", "x"], rows())
    stream = iter(response.streaming_content)
    next(stream), next(stream)
    assert len(produced) == 1  # only what was sent so far has been read
    assert sum(1 for _ in stream) == 99_999
    assert response["Content-Type"] == "text/csv; charset=utf-8"
