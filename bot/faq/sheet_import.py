"""`faq import`: a staff spreadsheet replaces the FAQ's category files, only if it passes the checks.

The rows are written as YAML into a temporary copy of the FAQ folder and checked there exactly
as `faq check` would; every problem is pointed back at its row and column in the spreadsheet.
Only when there is no error are the category files replaced, one at a time.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.faq.loader import SLUG, faq_files, load_faq
from bot.faq.sheet import LABELS, SheetError, read_sheet
from bot.faq.writer import FIELDS, Record, Rendered, records_of, render, replace_files
from bot.faq.yamlfile import Problem, read_yaml

Checker = Callable[[Path], list[Problem]]
_FILE_LINE = re.compile(r"(\S+\.ya?ml):(\d+)")
_COMMENT = re.compile(r"^\s*#", re.MULTILINE)


@dataclass
class ImportPlan:
    """What an import would do: problems (as lines for staff), changes, and the files to write."""

    problems: list[str] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    changes: list[str] = field(default_factory=list)
    counts: tuple[int, int, int] = (0, 0, 0)  # added, modified, removed entries
    contents: dict[str, str] = field(default_factory=dict)
    remove: list[Path] = field(default_factory=list)

    def report(self, line: str, *, warning: bool = False) -> None:
        """Add a problem line and count it as an error or a warning."""
        self.problems.append(line)
        if warning:
            self.warnings += 1
        else:
            self.errors += 1

    @property
    def changed(self) -> bool:
        """Whether applying the plan would write or remove any file."""
        return bool(self.contents or self.remove)


def _category_id(path: Path) -> str:
    data, _ = read_yaml(path, path.name)
    head = data.get("category") if isinstance(data, dict) else None
    value = head.get("id") if isinstance(head, dict) else None
    return str(value).strip() if value else path.stem


def _group(records: list[Record], labels: dict[str, str], plan: ImportPlan, where: str) -> dict[str, list[Record]]:
    """Records by category, in order of first appearance; rows with a bad category are reported."""
    groups: dict[str, list[Record]] = {}
    for record in records:
        if not SLUG.match(record.category):
            problem = "trống" if not record.category else f"'{record.category}' không hợp lệ"
            plan.report(
                f"{where}: hàng {record.row}, cột '{labels['category']}': lỗi: mã chủ đề {problem}; "
                "chỉ gồm chữ thường không dấu, số và dấu '-' (đây cũng là tên tệp)"
            )
            continue
        first = groups.setdefault(record.category, [record])[0]
        if first is record:
            continue
        groups[record.category].append(record)
        for key in ("category_title", "category_title_en"):
            if getattr(record, key) != getattr(first, key):
                plan.report(
                    f"{where}: hàng {record.row}, cột '{labels[key]}': lỗi: khác với hàng {first.row} "
                    f"cùng chủ đề '{record.category}'; mọi hàng của một chủ đề phải ghi giống nhau"
                )
    return groups


@dataclass(frozen=True)
class _Generated:
    """The category files written for a spreadsheet into a temporary folder, to trace problems back."""

    rendered: dict[str, Rendered]
    labels: dict[str, str]
    where: str
    temp: Path
    folder: Path

    def _origin(self, file: str, line: int) -> tuple[int, str] | None:
        path = Path.cwd() / file  # labels are relative to the working directory when they can be
        if path.parent.resolve() != self.temp or path.name not in self.rendered:
            return None
        return self.rendered[path.name].origin.get(line)

    def locate(self, problem: Problem) -> tuple[tuple[int, int], str, bool]:
        """The problem as a line for staff (row and column when it came from one), a sort key, its level."""
        level = "cảnh báo" if problem.warning else "lỗi"

        def row_of(match: re.Match[str]) -> str:
            origin = self._origin(match[1], int(match[2]))
            return f"hàng {origin[0]}" if origin else match[0]

        message = _FILE_LINE.sub(row_of, problem.message)
        origin = self._origin(problem.file, problem.line)
        if origin:
            row, key = origin
            line = f"{self.where}: hàng {row}, cột '{self.labels[key]}': {level}: {message}"
            return (row, FIELDS.index(key)), line, problem.warning
        text = str(Problem(problem.file, problem.line, message, problem.warning))
        return (1 << 30, 0), text.replace(str(self.temp), str(self.folder)), problem.warning


def _diff(plan: ImportPlan, old: list[Record], new: list[Record]) -> tuple[set[str], set[str]]:
    """Add the changes from `old` to `new` records to the plan.

    Returns:
        The ids of the entries changed, and those of the categories added or renamed.
    """
    before = {r.id: r for r in old}
    after: dict[str, Record] = {}
    heads: dict[str, Record] = {}
    for record in new:
        after.setdefault(record.id, record)
        heads.setdefault(record.category, record)
    categories: set[str] = set()
    titles = {r.category: (r.category_title, r.category_title_en) for r in old}
    for category, head in heads.items():
        if titles.get(category) != (head.category_title, head.category_title_en):
            verb = "+ chủ đề mới" if category not in titles else "~ đổi tên chủ đề"
            plan.changes.append(f"  {verb} '{category}': {head.category_title}")
            categories.add(category)
    plan.changes += [f"  - bỏ chủ đề '{category}'" for category in titles if category not in heads]
    modified = []
    for entry_id, record in after.items():
        keys = [
            k
            for k in FIELDS
            if not k.startswith("category_")
            and entry_id in before
            and getattr(before[entry_id], k) != getattr(record, k)
        ]
        if keys:
            modified.append((record, keys))
    added = [r for i, r in after.items() if i not in before]
    removed = [i for i in before if i not in after]
    plan.changes += [f"  + thêm '{r.id}' (hàng {r.row}): {r.question}" for r in added]
    plan.changes += [f"  ~ sửa '{r.id}' (hàng {r.row}): " + ", ".join(LABELS[k] for k in keys) for r, keys in modified]
    plan.changes += [f"  - xóa '{entry_id}': {before[entry_id].question}" for entry_id in removed]
    plan.counts = (len(added), len(modified), len(removed))
    return {r.id for r in added} | {r.id for r, _ in modified} | set(removed), categories


def _check(generated: _Generated, check: Checker, plan: ImportPlan) -> None:
    """Write the files into the temporary folder beside a copy of the rest, and check them there."""
    folder, temp = generated.folder, generated.temp
    category_files = set(faq_files(folder))
    for path in folder.iterdir() if folder.is_dir() else ():
        if path.is_file() and path not in category_files:  # synonyms.yaml and the like
            shutil.copy2(path, temp / path.name)
    for name, result in generated.rendered.items():
        (temp / name).write_text(result.text, encoding="utf-8")
    for _, line, warning in sorted((generated.locate(p) for p in check(temp)), key=lambda found: found[0]):
        plan.report(line, warning=warning)


def _writes(plan: ImportPlan, folder: Path, groups: dict[str, list[Record]], names: dict[str, str]) -> None:
    """Add the changes and the files to write or remove to a plan that passed the checks."""
    old = records_of(load_faq(folder)[0])
    changed, renamed = _diff(plan, old, [record for records in groups.values() for record in records])
    for category, records in groups.items():
        path = folder / names[category]
        text = render(records).text  # cheap: a few milliseconds for the whole FAQ
        if path.is_file() and path.read_bytes() == text.encode("utf-8"):
            continue
        plan.contents[path.name] = text
        if not path.is_file():
            continue
        if _COMMENT.search(path.read_text(encoding="utf-8", errors="replace")):
            plan.report(
                f"{path}: cảnh báo: tệp có dòng ghi chú (#); ghi chú sẽ mất khi nhập từ bảng tính", warning=True
            )
        ids = {r.id for r in old if r.category == category} | {r.id for r in records}
        if category not in renamed and not ids & changed:
            plan.changes.append(f"  ~ tệp {path.name}: chỉ đổi thứ tự hoặc cách trình bày")
    kept = {names[category] for category in groups}
    plan.remove = [path for path in faq_files(folder) if path.name not in kept]


def plan_import(sheet_path: Path, folder: Path, check: Checker) -> ImportPlan:
    """Read a spreadsheet and work out, without writing anything, what importing it would do.

    Args:
        sheet_path: The .xlsx or .csv file.
        folder: The FAQ folder whose category files the spreadsheet replaces.
        check: The `faq check` of a folder (the same rules and thresholds as the command).

    Returns:
        The plan: problems, changes, and the files to write and remove; with any error, no file.

    Raises:
        SheetError: The file is not a usable spreadsheet, or has no data rows.
    """
    sheet = read_sheet(sheet_path)
    where = sheet_path.name
    if not sheet.records:
        raise SheetError(
            f"{where}: bảng tính không có hàng câu hỏi nào; nhập sẽ xóa toàn bộ câu hỏi, "
            "nên không nhập. Hãy kiểm tra đúng tệp và đúng trang tính"
        )
    plan = ImportPlan()
    for warning in sheet.warnings:
        plan.report(warning, warning=True)
    groups = _group(sheet.records, sheet.labels, plan, where)
    existing = {path.name: _category_id(path) for path in faq_files(folder)}
    names = {cid: name for name, cid in reversed(existing.items())}  # a category keeps its file
    for category, records in list(groups.items()):
        name = names.setdefault(category, f"{category}.yaml")
        if existing.get(name, category) != category:
            plan.report(
                f"{where}: hàng {records[0].row}, cột '{sheet.labels['category']}': lỗi: tệp {name} đã dùng "
                f"cho chủ đề '{existing[name]}'; hãy chọn mã chủ đề khác"
            )
            del groups[category]
    if sum(map(len, groups.values())) < len(sheet.records):
        return plan  # rows left out would only add confusing problems (links to their entries)
    with tempfile.TemporaryDirectory(prefix="faq-import-") as temp:
        rendered = {names[category]: render(records) for category, records in groups.items()}
        _check(_Generated(rendered, sheet.labels, where, Path(temp).resolve(), folder), check, plan)
    if not plan.errors:  # errors found before the check (category titles) also stop here
        _writes(plan, folder, groups, names)
    return plan


def apply_import(plan: ImportPlan, folder: Path) -> tuple[list[Path], list[Path]]:
    """Carry out a plan without errors: replace the changed category files, remove the vanished ones.

    Returns:
        The files written and the files removed.
    """
    if plan.errors:
        raise ValueError("an import plan with errors must not be applied")
    return replace_files(folder, plan.contents, plan.remove)
