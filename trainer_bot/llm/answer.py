"""The LLM's answer on the wire: the plan's fields plus each exercise's `position`.

Nothing here restates the plan's shape: the wire models take their field names and types
from `training.plan`, and the strict JSON schema of `response_format` is generated from
them. Bounds stay in pydantic (`WorkoutPlan` with a `ShortlistCheck`), not in the schema:
strict mode rejects some keywords, and an out-of-range number is repaired, not refused.

The wire models are loose on purpose (types only, every field required, unknown keys
ignored): `llm.validation` parses an answer with them, repairs what it can, then checks
the result as a `WorkoutPlan`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, create_model

from trainer_bot.training.plan import PlannedExercise, WorkoutPlan

SCHEMA_NAME: Final = "workout"
# Hints for the model, shown in the schema next to the field.
FIELD_HINTS: Final[Mapping[str, str]] = {
    "slug": "from the allowed list",
    "reps_min": "seconds for timed exercises",
    "weight_kg": "null for w and p equipment",
    "notes": "RIR, load or technique cue",
}
_WIRE_CONFIG = ConfigDict(extra="ignore")


def _wire_fields(model: type[BaseModel]) -> dict[str, Any]:
    """`model`'s fields as required fields of their plain type (no bounds, no defaults)."""
    return {
        name: (field.annotation, Field(description=FIELD_HINTS.get(name)))
        for name, field in model.model_fields.items()
    }


# `position` first: the model numbers the exercises as it writes them.
AnswerExercise = create_model(
    "AnswerExercise",
    __config__=_WIRE_CONFIG,
    position=(int, Field()),
    **_wire_fields(PlannedExercise),
)
# The model writes the fields in the schema's order. The exercises come right after this
# field, so a streamed answer shows the first one within a couple of seconds; the
# rationale and the warm-up (which names the first lift) follow, written once the
# session is chosen. The other fields keep the plan's order.
EXERCISES_AFTER: Final = "title"


def _plan_fields(exercises: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, spec in _wire_fields(WorkoutPlan).items():
        if name != "exercises":
            fields[name] = spec
        if name == EXERCISES_AFTER:
            fields["exercises"] = (exercises, Field())
    return fields


AnswerPlan = create_model(
    "AnswerPlan",
    __config__=_WIRE_CONFIG,
    **_plan_fields(list[AnswerExercise]),
)
# The plan's texts with the exercises unparsed: each entry is parsed on its own, so one
# broken entry is dropped, not the whole answer.
AnswerTexts = create_model(
    "AnswerTexts",
    __config__=_WIRE_CONFIG,
    **_plan_fields(list[Any]),
)

# JSON Schema keywords strict mode refuses or that would only restate pydantic's bounds.
_DROPPED_KEYWORDS = frozenset(
    {
        "title",
        "default",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
    }
)
_REBUILT_KEYWORDS = frozenset({"type", "required", "additionalProperties"})


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`model`'s JSON schema as strict Structured Outputs want it: references inlined,
    every object closed (`additionalProperties: false`) with every property required,
    `X | None` as `{"type": [X, "null"]}`, no titles, defaults or bounds."""
    schema = model.model_json_schema()
    definitions: dict[str, Any] = schema.pop("$defs", {})

    def convert(node: dict[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref")
        if isinstance(ref, str):
            return convert(definitions[ref.rsplit("/", 1)[-1]])
        variants: list[dict[str, Any]] = node.get("anyOf") or []
        nullable = bool(variants) and all(set(v) == {"type"} for v in variants)
        out: dict[str, Any] = {}
        if nullable:
            out["type"] = [v["type"] for v in variants]
        elif "type" in node:
            out["type"] = node["type"]
        for key, value in node.items():
            if (
                key in _DROPPED_KEYWORDS
                or key in _REBUILT_KEYWORDS
                or (key == "anyOf" and nullable)
            ):
                continue
            if key == "properties":
                # Property names (a real `title` among them) stay; their schemas are converted.
                out[key] = {name: convert(sub) for name, sub in value.items()}
                out["required"] = list(value)
                out["additionalProperties"] = False
            elif key == "items":
                out[key] = convert(value)
            elif key == "anyOf":
                out[key] = [convert(v) for v in value]
            else:
                out[key] = value
        return out

    return convert(schema)


def build_response_format() -> dict[str, Any]:
    """The `response_format` of every workout request: the same schema each time (a
    schema that changed per request would cost latency on first use)."""
    return {
        "type": "json_schema",
        "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": strict_schema(AnswerPlan)},
    }
