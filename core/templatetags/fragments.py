"""`{% memo "name" value ... %}…{% endmemo %}`: a piece of a template rendered once per process
for each language and each combination of the values given, then reused.

For the chrome every page repeats (links, labels, static URLs: the same for every request
with the same values): a request then looks the piece up instead of rendering it. What is
inside must depend on nothing but the values given and the active language; a form's CSRF
token, for one, stays outside. Kept in `core.fragments.FragmentMemo` (bounded)."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.fragments import FragmentMemo

register = template.Library()

CHROME = FragmentMemo(maxsize=512)


class MemoNode(template.Node):
    def __init__(self, name, values, nodelist):
        self.name, self.values, self.nodelist = name, values, nodelist

    def render(self, context):
        key = (self.name.resolve(context), get_language(), *(value.resolve(context) for value in self.values))
        html = CHROME.get(key)
        if html is None:
            html = CHROME.put(key, mark_safe(self.nodelist.render(context)))  # noqa: S308 - rendered by the engine
        return html


@register.tag
def memo(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% memo %} needs a name: {% memo \"name\" value ... %}")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
