"""The ``{placeholder}`` syntax of staff-edited mail texts: checking and filling in.

Deliberately not the Django template language (nor ``str.format``): a custom text can name
a registered placeholder and nothing else, so no attribute, method or filter of the objects
behind a mail is ever reachable from text typed in a browser. ``{{`` and ``}}`` write a
literal brace.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A doubled brace, a {field}, or a lone brace (an error).
TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}|[{}]")


def placeholders_used(text: str) -> list[str]:
    return [m[1] for m in TOKEN.finditer(text) if m[1] is not None]


def placeholder_errors(text: str, *, allowed: list[str]) -> list[ValidationError]:
    """What is wrong with the braces and placeholders of ``text``, in plain words."""
    errors = []
    allowed_list = ", ".join("{" + name + "}" for name in allowed) or "–"
    for match in TOKEN.finditer(text):
        token = match[0]
        if token in ("{{", "}}"):
            continue
        if match[1] is None:
            errors.append(
                ValidationError(
                    _(
                        'A brace "%(brace)s" is not closed or not opened. Placeholders are '
                        "written like {name}; write {{ or }} for a brace in the text."
                    ),
                    code="unbalanced",
                    params={"brace": token},
                )
            )
        elif match[1] not in allowed:
            errors.append(
                ValidationError(
                    _(
                        '"%(placeholder)s" is not a placeholder of this e-mail. Allowed: %(allowed)s'
                    ),
                    code="unknown_placeholder",
                    params={"placeholder": token, "allowed": allowed_list},
                )
            )
    return errors


def missing_required(texts: list[str], *, required: list[str]) -> list[str]:
    used = {name for text in texts for name in placeholders_used(text)}
    return [name for name in required if name not in used]


def missing_error(names: list[str]) -> ValidationError:
    return ValidationError(
        _("This e-mail must contain %(placeholders)s."),
        code="missing_placeholder",
        params={"placeholders": ", ".join("{" + name + "}" for name in names)},
    )


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each {name} replaced by its value (checked text only)."""

    def replace(match):
        token = match[0]
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        if match[1] is not None and match[1] in values:
            return values[match[1]]
        raise ValueError(f"unchecked mail text: {token!r}")

    return TOKEN.sub(replace, text)


def unfill(text: str, values: dict[str, str]) -> str:
    """The reverse, for a first draft from the code's text: each value (long enough to be
    told apart from ordinary words) becomes its {name}; literal braces are doubled."""
    text = text.replace("{", "{{").replace("}", "}}")
    pairs = sorted(
        ((v, k) for k, v in values.items() if len(v.strip()) >= 4 and "\n" not in v.strip()),
        key=lambda pair: -len(pair[0]),
    )
    if not pairs:
        return text
    pattern = re.compile(
        "|".join(re.escape(v.replace("{", "{{").replace("}", "}}")) for v, _ in pairs)
    )
    by_value = {v.replace("{", "{{").replace("}", "}}"): k for v, k in pairs}
    return pattern.sub(lambda m: "{" + by_value[m[0]] + "}", text)
