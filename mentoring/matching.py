"""Suggest mentors for a start-up organisation. Pure functions: no database, easy to test.

A need and each offer are described as a `Profile` (names, already in the reader's
language). `score` gives points per shared field of work, topic, district and language
and says why; `rank` orders the candidates best first.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

# Why these weights: working in the same field is what a mentor can pass on, topics are the
# concrete help asked for, being in the same district makes meeting easy, and without a
# common language a tandem cannot work at all.
POINTS_PER_FIELD = 3
POINTS_PER_TOPIC = 2
POINTS_SAME_DISTRICT = 2
POINTS_COMMON_LANGUAGE = 2
PENALTY_NO_COMMON_LANGUAGE = -4


@dataclass(frozen=True)
class Profile:
    district: str | None = None
    fields: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reason:
    code: str  # field, topic, district, language, no_language
    text: str
    points: int

    @property
    def is_warning(self) -> bool:
        return self.points < 0


@dataclass(frozen=True)
class Match:
    candidate: Any
    score: int
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


def _names(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))


def score(need: Profile, offer: Profile) -> tuple[int, list[Reason]]:
    """Points for how well `offer` fits `need`, and the reasons, strongest first."""
    reasons = []
    shared_fields = need.fields & offer.fields
    if shared_fields:
        reasons.append(
            Reason(
                "field",
                _("Works in the same field: %(names)s") % {"names": _names(shared_fields)},
                POINTS_PER_FIELD * len(shared_fields),
            )
        )
    shared_topics = need.topics & offer.topics
    if shared_topics:
        reasons.append(
            Reason(
                "topic",
                _("Has experience with: %(names)s") % {"names": _names(shared_topics)},
                POINTS_PER_TOPIC * len(shared_topics),
            )
        )
    if need.district and need.district == offer.district:
        reasons.append(
            Reason(
                "district",
                _("Same district: %(district)s") % {"district": need.district},
                POINTS_SAME_DISTRICT,
            )
        )
    shared_languages = need.languages & offer.languages
    if shared_languages:
        reasons.append(
            Reason(
                "language",
                _("Common language: %(names)s") % {"names": _names(shared_languages)},
                POINTS_COMMON_LANGUAGE,
            )
        )
    elif need.languages and offer.languages:
        reasons.append(Reason("no_language", _("No common language"), PENALTY_NO_COMMON_LANGUAGE))
    reasons.sort(key=lambda r: -r.points)
    return sum(r.points for r in reasons), reasons


def rank(
    need: Profile, candidates: Iterable[tuple[Any, Profile]], *, minimum: int = 1
) -> list[Match]:
    """Candidates scoring at least `minimum`, best first; ties keep the given order."""
    matches = []
    for candidate, profile in candidates:
        points, reasons = score(need, profile)
        if points >= minimum:
            matches.append(Match(candidate=candidate, score=points, reasons=tuple(reasons)))
    matches.sort(key=lambda m: -m.score)
    return matches


def points(need: Profile, offer: Profile) -> int:
    """The points `score` gives, without wording its reasons: for lists that show numbers."""
    total = POINTS_PER_FIELD * len(need.fields & offer.fields)
    total += POINTS_PER_TOPIC * len(need.topics & offer.topics)
    if need.district and need.district == offer.district:
        total += POINTS_SAME_DISTRICT
    if need.languages & offer.languages:
        total += POINTS_COMMON_LANGUAGE
    elif need.languages and offer.languages:
        total += PENALTY_NO_COMMON_LANGUAGE
    return total


def best_of(
    need: Profile, candidates: Iterable[tuple[Any, Profile]], *, minimum: int = 1
) -> tuple[Match | None, int]:
    """The candidate `rank` would put first (without reasons) and how many it would list."""
    best, best_points, count = None, None, 0
    for candidate, profile in candidates:
        value = points(need, profile)
        if value < minimum:
            continue
        count += 1
        if best_points is None or value > best_points:
            best, best_points = candidate, value
    return (Match(candidate=best, score=best_points) if count else None), count
