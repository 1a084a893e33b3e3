import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from ikmo.workflow import Step, Workflow


class Colour(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


FLOW = Workflow(
    Colour,
    {
        (Colour.RED, Colour.AMBER): Step("driver", label="Get ready"),
        (Colour.AMBER, Colour.GREEN): Step(label="Go"),
        (Colour.AMBER, Colour.RED): Step("police", label="Stop", note_required=True),
    },
)


def test_targets_follow_the_table_and_the_actor():
    assert FLOW.targets(Colour.AMBER) == ["green", "red"]
    assert FLOW.targets(Colour.AMBER, actor="driver") == ["green"]
    assert FLOW.targets(Colour.RED, actor="police") == []
    assert FLOW.targets(Colour.GREEN) == []


def test_check_refuses_a_step_outside_the_table_and_names_the_possible_ones():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        FLOW.check(Colour.RED, Colour.GREEN)
    assert "“Red” to “Green”" in refused.value.messages[0]
    assert "Amber" in refused.value.messages[0]


def test_check_refuses_an_actor_the_step_is_not_open_to():
    with pytest.raises(ValidationError):
        FLOW.check(Colour.RED, Colour.AMBER, actor="police")
    assert FLOW.check(Colour.RED, Colour.AMBER, actor="driver").label == "Get ready"


def test_a_step_that_needs_a_reason_is_refused_without_one():
    with pytest.raises(ValidationError) as refused:
        FLOW.check(Colour.AMBER, Colour.RED, note="  ")
    assert refused.value.code == "note_required"
    assert FLOW.check(Colour.AMBER, Colour.RED, note="Accident ahead").note_required


def test_a_table_with_an_unknown_status_is_refused_at_import():
    with pytest.raises(ValueError):
        Workflow(Colour, {(Colour.RED, "blue"): Step(label="?")})


def test_rows_render_the_table_with_actor_labels():
    rows = FLOW.rows({"police": "Police"})
    assert rows[2]["actors"] == ["Police"] and rows[2]["from_value"] == "amber"
