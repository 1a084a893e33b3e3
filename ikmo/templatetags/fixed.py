"""``{% fixed %}…{% endfixed %}``: a part of a layout rendered once per language, then reused.

The base layout's menus, footer and script links are the same on every page: translated
labels, URLs without arguments and static file paths. Django's template engine still walks
and renders each of those tags on every request (about a third of the layout's time). A
`fixed` block renders its content the first time it is needed in a language, keeps the
text on the compiled template (which lives as long as the process, like the translations
and URL patterns it was made from) and hands it out afterwards.

What it may hold is checked when the template is compiled, so nothing that depends on the
request, the person or the data can be frozen by mistake: plain text, comments,
``{% translate "…" %}`` of a literal, ``{% url "name" "literal" … %}`` and
``{% static "path" %}``, none of them with ``as``. Anything else (a variable, ``{% if %}``,
``{% csrf_token %}``, a filter) is a TemplateSyntaxError naming the tag. The key is the
active language, the URL prefix the portal is mounted under and autoescaping; URLs here
do not depend on the language (no i18n_patterns).
"""

from django import template
from django.template.base import FilterExpression, TextNode, Variable
from django.template.defaulttags import CommentNode, URLNode
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix
from django.utils import translation

register = template.Library()


def _literal(expression: FilterExpression) -> bool:
    """True for a quoted literal without filters: the same text on every render."""
    if expression.filters:
        return False
    var = expression.var
    return isinstance(var, str) or (isinstance(var, Variable) and var.lookups is None)


def _refusal(node) -> str | None:
    """Why `node` cannot be part of a fixed block, or None if it can."""
    if isinstance(node, (TextNode, CommentNode)):
        return None
    if isinstance(node, TranslateNode):
        if node.asvar or node.message_context or not _literal(node.filter_expression):
            return "{% translate %} of anything but a literal, or with 'as' or 'context'"
        return None
    if isinstance(node, URLNode):
        expressions = [node.view_name, *node.args, *node.kwargs.values()]
        if node.asvar or not all(_literal(e) for e in expressions):
            return "{% url %} with a variable argument or with 'as'"
        return None
    if isinstance(node, StaticNode):
        if node.varname or not _literal(node.path):
            return "{% static %} of a variable or with 'as'"
        return None
    return f"{type(node).__name__} (it may differ between requests)"


class FixedNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered: dict[tuple, str] = {}

    def render(self, context):
        key = (translation.get_language(), get_script_prefix(), context.autoescape)
        text = self.rendered.get(key)
        if text is None:
            # The nodes read nothing from the context (checked at compile time); an empty
            # one with the same autoescaping proves it. NodeList.render gives safe text.
            text = self.nodelist.render(template.Context(autoescape=context.autoescape))
            self.rendered[key] = text
        return text


@register.tag
def fixed(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% fixed %} takes no arguments")
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    for node in nodelist:
        reason = _refusal(node)
        if reason:
            raise template.TemplateSyntaxError(
                f"{{% fixed %}} may only hold text, literal translations, URLs and static "
                f"paths; found {reason}"
            )
    return FixedNode(nodelist)
