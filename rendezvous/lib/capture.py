"""Tags that draw a part of a page once. Loaded as `{% load capture %}` (config/settings.py,
TEMPLATES).

- `{% capture as name %}…{% endcapture %}` draws a part once for the page and shows it in
  several places (the header shows its navigation and forms in the bar and again in the
  phone's menu).
- `{% memo value … %}…{% endmemo %}` draws a part once per process for each set of the values
  it names and each language, and gives the same text to every page after that: for parts of
  every page that depend on little (the navigation: the person's role and the page's path).
  What the part shows must depend on nothing but those values and the language: never on the
  person, and never on a form's CSRF token."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str):
        self.nodelist, self.name = nodelist, name

    def render(self, context) -> str:
        context[self.name] = self.nodelist.render(context)  # already safe: it is the page's
        return ""


@register.tag
def capture(parser, token) -> CaptureNode:
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("capture takes the form {% capture as name %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


class MemoNode(template.Node):
    SIZE = 256  # drawn parts kept; past that, the memo starts afresh

    def __init__(self, nodelist: template.NodeList, values: list):
        self.nodelist, self.values = nodelist, values
        self.drawn: dict[tuple, str] = {}

    def render(self, context) -> str:
        key = (get_language(), *(value.resolve(context) for value in self.values))
        drawn = self.drawn.get(key)
        if drawn is None:
            drawn = mark_safe(self.nodelist.render(context))  # noqa: S308 - the template's output
            if len(self.drawn) >= self.SIZE:
                self.drawn.clear()
            self.drawn[key] = drawn
        return drawn


@register.tag
def memo(parser, token) -> MemoNode:
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, values)
