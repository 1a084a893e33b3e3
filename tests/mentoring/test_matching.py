"""The matching function is pure: these tests need no database."""

from mentoring.matching import (
    PENALTY_NO_COMMON_LANGUAGE,
    POINTS_COMMON_LANGUAGE,
    POINTS_PER_FIELD,
    POINTS_PER_TOPIC,
    POINTS_SAME_DISTRICT,
    Profile,
    best_of,
    points,
    rank,
    score,
)


def profile(district=None, fields=(), languages=(), topics=()):
    return Profile(
        district=district,
        fields=frozenset(fields),
        languages=frozenset(languages),
        topics=frozenset(topics),
    )


NEED = profile(
    district="Neukölln",
    fields=["Bildung", "Jugend"],
    languages=["Arabisch", "Deutsch"],
    topics=["Fördermöglichkeiten", "Rechtsfragen"],
)


def test_every_criterion_adds_points_and_says_why():
    offer = profile(
        district="Neukölln",
        fields=["Bildung", "Kultur"],
        languages=["Arabisch"],
        topics=["Fördermöglichkeiten"],
    )
    points, reasons = score(NEED, offer)
    assert points == (
        POINTS_PER_FIELD + POINTS_PER_TOPIC + POINTS_SAME_DISTRICT + POINTS_COMMON_LANGUAGE
    )
    codes = {r.code: r.text for r in reasons}
    assert set(codes) == {"field", "topic", "district", "language"}
    assert "Bildung" in codes["field"] and "Kultur" not in codes["field"]
    assert "Neukölln" in codes["district"]
    assert "Arabisch" in codes["language"]
    assert "Fördermöglichkeiten" in codes["topic"]
    assert [r.points for r in reasons] == sorted((r.points for r in reasons), reverse=True)


def test_each_shared_field_and_topic_counts():
    offer = profile(fields=["Bildung", "Jugend"], topics=["Fördermöglichkeiten", "Rechtsfragen"])
    points, _ = score(NEED, offer)
    # The offer names no language: no penalty, as nothing is known either way.
    assert points == 2 * POINTS_PER_FIELD + 2 * POINTS_PER_TOPIC


def test_no_common_language_is_a_warning_that_costs_points():
    offer = profile(fields=["Bildung"], languages=["Vietnamesisch"])
    points, reasons = score(NEED, offer)
    assert points == POINTS_PER_FIELD + PENALTY_NO_COMMON_LANGUAGE
    warning = [r for r in reasons if r.is_warning]
    assert [r.code for r in warning] == ["no_language"]


def test_nothing_in_common_scores_zero_and_is_not_suggested():
    offer = profile(district="Spandau", fields=["Sport"], languages=["Deutsch"])
    points, reasons = score(NEED, offer)
    assert points == POINTS_COMMON_LANGUAGE
    assert rank(NEED, [("x", profile(district="Spandau", fields=["Sport"]))]) == []


def test_rank_orders_best_first_and_keeps_reasons():
    near = profile(district="Neukölln", fields=["Bildung"], languages=["Arabisch"])
    far_but_expert = profile(
        district="Pankow",
        fields=["Bildung", "Jugend"],
        languages=["Deutsch"],
        topics=["Fördermöglichkeiten", "Rechtsfragen"],
    )
    language_only = profile(languages=["Deutsch"])
    unrelated = profile(fields=["Sport"], languages=["Polnisch"])
    matches = rank(
        NEED,
        [
            ("near", near),
            ("language_only", language_only),
            ("expert", far_but_expert),
            ("unrelated", unrelated),
        ],
    )
    assert [m.candidate for m in matches] == ["expert", "near", "language_only"]
    assert matches[0].score == 2 * POINTS_PER_FIELD + 2 * POINTS_PER_TOPIC + POINTS_COMMON_LANGUAGE
    assert all(m.reasons for m in matches)


def test_ties_keep_the_given_order():
    same = profile(fields=["Bildung"])
    assert [m.candidate for m in rank(NEED, [("b", same), ("a", same)])] == ["b", "a"]


def _profiles():
    """Every mix of none, one or two shared names per part, district and languages."""
    import itertools

    names = (frozenset(), frozenset({"a"}), frozenset({"a", "b"}), frozenset({"c"}))
    for fields, topics, languages, district in itertools.product(
        names, names, names, (None, "Mitte", "Wedding")
    ):
        yield Profile(district=district, fields=fields, topics=topics, languages=languages)


def test_points_agree_with_the_worded_score_and_best_of_with_rank():
    offers = list(enumerate(_profiles()))
    needs = offers[::37]
    for _index, need in needs:
        for _other, offer in offers[::11]:
            assert points(need, offer) == score(need, offer)[0]
        ranked = rank(need, offers)
        best, count = best_of(need, offers)
        assert count == len(ranked)
        if ranked:
            assert (best.candidate, best.score) == (ranked[0].candidate, ranked[0].score)
        else:
            assert best is None
