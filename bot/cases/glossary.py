"""The status glossary: what each case status means and what the citizen can do next."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.faq.yamlfile import LineDict, LineList, Problem, read_yaml

_FIELDS = ("title", "meaning", "next_steps")


@dataclass(frozen=True)
class Status:
    """One status, Vietnamese with optional English."""

    id: str
    title: str
    meaning: str
    next_steps: str
    english: tuple[str, str, str] | None = None


def load_glossary(path: Path) -> tuple[dict[str, Status], list[Problem]]:
    """Read the glossary file; unusable items are reported and skipped."""
    data, problems = read_yaml(path, str(path))
    statuses: dict[str, Status] = {}
    items = data.get("statuses") if isinstance(data, LineDict) else None
    if not isinstance(items, LineList):
        return statuses, [*problems, Problem(str(path), 1, "thiếu danh sách 'statuses'")]
    for index, item in enumerate(items):
        line = items.line_of(index)
        if not isinstance(item, LineDict) or not all(isinstance(item.get(k), str) for k in ("id", *_FIELDS)):
            problems.append(Problem(str(path), line, "mỗi trạng thái cần id, title, meaning, next_steps"))
            continue
        title_en, meaning_en, steps_en = (str(item.get(f"{k}_en") or "") for k in _FIELDS)
        english = (title_en, meaning_en, steps_en) if title_en and meaning_en and steps_en else None
        status = Status(item["id"], item["title"], item["meaning"], item["next_steps"], english)
        if status.id in statuses:
            problems.append(Problem(str(path), line, f"trạng thái '{status.id}' bị lặp lại"))
            continue
        statuses[status.id] = status
    return statuses, problems
