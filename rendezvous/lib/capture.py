"""`{% capture as name %}…{% endcapture %}`: draw a part of a page once and show it in several
places (the header shows its navigation and forms in the bar and again in the phone's menu).
Loaded as `{% load capture %}` (config/settings.py, TEMPLATES)."""

from django import template

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
