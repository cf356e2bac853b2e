"""The base of every settings section: unknown keys refused, values frozen."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def is_placeholder(value: str) -> bool:
    """An agency value still to be filled: written in square brackets, like the shipped ones."""
    value = value.strip()
    return not value or (value.startswith("[") and value.endswith("]"))
