"""Reading the calendar pages' HTML in tests: the blocks of the time grid and the rows of the
agenda, with their classes, text and links."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"input", "br", "img", "meta", "link", "hr"}


@dataclass
class Element:
    classes: set[str]
    attributes: dict[str, str]
    text: str = ""
    links: list[str] = field(default_factory=list)
    times: list[tuple[str, str]] = field(default_factory=list)  # (datetime attribute, text)


class _Collector(HTMLParser):
    """Collects every element whose class list holds `marker`, with what is inside it."""

    def __init__(self, marker: str):
        super().__init__()
        self.marker = marker
        self.found: list[Element] = []
        self.open: list[tuple[Element, int]] = []  # (element, depth at which it started)
        self.depth = 0
        self.time: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag not in VOID:
            self.depth += 1
        classes = set(attributes.get("class", "").split())
        if self.marker in classes:
            element = Element(classes, attributes)
            self.found.append(element)
            self.open.append((element, self.depth))
        for element, _depth in self.open:
            if tag == "a" and "href" in attributes:
                element.links.append(attributes["href"])
        if tag == "time":
            self.time = attributes.get("datetime", "")

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        self.open = [(element, depth) for element, depth in self.open if depth < self.depth]
        self.depth -= 1
        if tag == "time":
            self.time = None

    def handle_data(self, data):
        for element, _depth in self.open:
            element.text += data
            if self.time is not None:
                element.times.append((self.time, data.strip()))


def elements(html: str, marker: str) -> list[Element]:
    collector = _Collector(marker)
    collector.feed(html)
    for element in collector.found:
        element.text = " ".join(element.text.split())
    return collector.found


def blocks(response) -> list[Element]:
    return elements(response.content.decode(), "cal-block")


def agenda_items(response) -> list[Element]:
    return elements(response.content.decode(), "cal-agenda-item")
