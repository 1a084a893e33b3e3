"""Cards on a person's overview page, contributed by each sub-project app.

An app names ``cards(user) -> Iterable[Card]`` as the ``dashboard`` hook of the portal
contract (ikmo/subprojects.py): the few things this person should see or do there now (their
next workshop, applications waiting for review, ...). Each app's function must use a fixed
number of queries, and should read only the columns it shows (``.only()``, ``values()``):
PostgreSQL's planning time grows with the columns a query returns, and a card's query joins
wide rows (an organisation, a call) for a name or a date. The overview is everybody's first
page.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Window
from django.urls import reverse

from ikmo.subprojects import hooks, subproject_label


@dataclass(frozen=True)
class CardLink:
    label: str
    url: str
    detail: str = ""
    warning: bool = False  # the detail says something is late or needs doing now


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
        return subproject_label(self.subproject) if self.subproject else ""


def first_and_total(queryset, limit: int) -> tuple[list, int]:
    """The first ``limit`` rows a card lists and how many there are in all, in one query (a
    window count beside each row), so a card says "12" while showing five."""
    rows = list(queryset.annotate(window_total=Window(Count("pk")))[:limit])
    return rows, rows[0].window_total if rows else 0


def cards_for(user) -> list[Card]:
    return [card for _app, cards in hooks("dashboard") for card in cards(user)]


def cards(user):
    """The core's own card: conversations with messages the person has not read yet."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from .selectors import unread_threads_of

    unread = unread_threads_of(user)
    if not unread:
        return []
    return [
        Card(
            title=_("New messages"),
            count=sum(new for _thread, _kind, new in unread),
            count_label=_("unread"),
            links=[
                CardLink(
                    label=f"{kind.model_class._meta.verbose_name}: {thread.organisation.name}",
                    url=reverse(kind.route, kwargs={"pk": thread.object_id}) + "#messages",
                    detail=ngettext("%(count)s new message", "%(count)s new messages", new)
                    % {"count": new},
                )
                for thread, kind, new in unread
            ],
        )
    ]
