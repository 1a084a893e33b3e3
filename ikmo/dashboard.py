"""Cards on a person's overview page, contributed by each sub-project app.

An app defines ``<app>/dashboard.py`` with ``cards(user) -> Iterable[Card]``: the few
things this person should see or do there now (their next workshop, applications waiting
for review, ...). Each app's function must use a fixed number of queries.
"""

import importlib
from dataclasses import dataclass, field
from functools import cache

from ikmo.subprojects import SubProject

APPS = [
    "qualification",
    "mentoring",
    "participation_check",
    "actionfund",
    "volunteering",
    "reporting",
]


@dataclass(frozen=True)
class CardLink:
    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class Card:
    title: str
    subproject: str = ""
    count: int | None = None  # a headline figure, if the card has one
    count_label: str = ""
    links: list[CardLink] = field(default_factory=list)
    empty_text: str = ""
    action: CardLink | None = None  # the main button, e.g. "Apply now"

    @property
    def subproject_label(self) -> str:
        return SubProject(self.subproject).label if self.subproject else ""


@cache
def _modules():
    modules = []
    for app in APPS:
        try:
            modules.append(importlib.import_module(f"{app}.dashboard"))
        except ModuleNotFoundError as exc:
            if exc.name not in (f"{app}.dashboard", app):
                raise
    return modules


def cards_for(user) -> list[Card]:
    return [card for module in _modules() for card in module.cards(user)]
