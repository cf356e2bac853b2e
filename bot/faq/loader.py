"""Build the FAQ from a folder of YAML files, collecting every problem instead of stopping."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.faq.bulk import paused_gc
from bot.faq.callbacks import LIMIT, longest_for_category, longest_for_entry
from bot.faq.model import Category, English, Entry, Faq, Synonyms
from bot.faq.yamlfile import LineDict, LineList, Problem, read_yaml

SYNONYMS_FILE = "synonyms.yaml"
INSTRUMENTS_FILE = "van-ban.yaml"  # the legal instruments `faq check` cites against (bot/faq/instruments.py)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LEXICON = Path(__file__).with_name("lexicon.yaml")


@dataclass(frozen=True)
class Source:
    """Where an entry is written: file, first line, and the line of each field or list item."""

    file: str
    line: int
    fields: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.fields.get(key, self.line)


def faq_files(folder: Path) -> list[Path]:
    """The category files of a FAQ folder, in name order (synonyms.yaml and van-ban.yaml excluded)."""
    files = [*folder.glob("*.yaml"), *folder.glob("*.yml")]
    # Editors' lock and backup files (".#x.yaml", "#x.yaml#") are not category files.
    special = {SYNONYMS_FILE, INSTRUMENTS_FILE}
    return sorted(path for path in files if path.name not in special and not path.name.startswith((".", "#")))


class _FileReader:
    """Turns one parsed category file into entries, recording problems against its lines."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str, warning: bool = False) -> None:
        self.problems.append(Problem(self.label, line, message, warning))

    def text(self, node: LineDict, key: str, *, required: bool = True) -> str | None:
        value = node.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(node.line_of(key), f"thiếu hoặc để trống trường '{key}'")
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem(node.line_of(key), f"'{key}' phải là một đoạn chữ")
            return None
        return str(value).strip()

    def texts(self, node: LineDict, key: str, *, required: bool = True) -> tuple[str, ...]:
        value = node.get(key)
        if value is None or value == []:
            if required:
                self.problem(node.line_of(key), f"thiếu hoặc để trống danh sách '{key}'")
            return ()
        if isinstance(value, str):
            value = LineList([value])
        if not isinstance(value, list):
            self.problem(node.line_of(key), f"'{key}' phải là một danh sách (mỗi dòng bắt đầu bằng '- ')")
            return ()
        result = []
        for index, item in enumerate(value):
            line = value.line_of(index) if isinstance(value, LineList) else node.line_of(key)
            if not isinstance(item, (str, int, float)) or not str(item).strip():
                self.problem(line, f"'{key}': mục thứ {index + 1} trống hoặc không phải chữ")
                continue
            result.append(str(item).strip())
        return tuple(result)

    def too_long(self, line: int, key: str, value: str, overhead: int) -> None:
        size = len(value.encode("utf-8")) + overhead
        self.problem(
            line,
            f"{key} '{value}' quá dài: nút bấm mang nó cần {size} byte, Telegram chỉ nhận {LIMIT} "
            f"(bot sẽ không gửi được câu trả lời); hãy rút còn tối đa {LIMIT - overhead} ký tự",
        )

    def english(self, node: LineDict) -> English | None:
        value = node.get("en")
        if value is None:
            return None
        if not isinstance(value, LineDict):
            self.problem(node.line_of("en"), "'en' phải gồm question, answer và alternatives")
            return None
        question, answer = self.text(value, "question"), self.text(value, "answer")
        alternatives = self.texts(value, "alternatives", required=False)
        for key in value.keys() - {"question", "answer", "alternatives"}:
            self.problem(value.line_of(key), f"'en': khóa '{key}' không được hỗ trợ")
        if question is None or answer is None:
            return None
        return English(question, answer, alternatives)

    def reviewed(self, node: LineDict) -> dt.date | None:
        value = node.get("reviewed")
        if value is None:
            self.problem(node.line_of("reviewed"), "thiếu trường 'reviewed' (ngày rà soát gần nhất, dạng YYYY-MM-DD)")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        self.problem(node.line_of("reviewed"), f"'reviewed' phải là ngày dạng YYYY-MM-DD, không phải '{value}'")
        return None

    def entry(self, node: Any, line: int, category: str) -> Entry | None:
        if not isinstance(node, LineDict):
            self.problem(line, "mỗi mục phải là một bảng khóa: giá trị (id, question, answer, ...)")
            return None
        entry_id = self.text(node, "id")
        if entry_id is not None and not SLUG.match(entry_id):
            self.problem(node.line_of("id"), f"id '{entry_id}' chỉ được gồm chữ thường không dấu, số và dấu '-'")
        if entry_id is not None and longest_for_entry(entry_id) > LIMIT:
            self.too_long(node.line_of("id"), "id", entry_id, longest_for_entry(entry_id) - len(entry_id.encode()))
            return None  # a lenient load (the bot's start) must not serve an answer Telegram refuses
        question, answer = self.text(node, "question"), self.text(node, "answer")
        known = {"id", "question", "alternatives", "answer", "legal_basis", "related", "reviewed", "en", "tests"}
        for key in node.keys() - known:
            self.problem(node.line_of(key), f"khóa '{key}' không được hỗ trợ (kiểm tra chính tả)")
        alternatives = self.texts(node, "alternatives")
        legal_basis = self.texts(node, "legal_basis")
        related = self.texts(node, "related", required=False)
        tests = self.texts(node, "tests", required=False)
        reviewed, english = self.reviewed(node), self.english(node)
        if entry_id is None or question is None or answer is None:
            return None
        return Entry(entry_id, question, answer, category, alternatives, legal_basis, related, reviewed, english, tests)

    def category(self, data: Any, stem: str) -> tuple[Category, list[tuple[Entry, Source]]]:
        entries_node: Any = data
        category = Category(id=stem, title=stem)
        if isinstance(data, LineDict):
            entries_node = data.get("entries")
            head = data.get("category")
            if isinstance(head, LineDict):
                cid = self.text(head, "id") or stem
                category = Category(
                    id=cid, title=self.text(head, "title") or cid, title_en=self.text(head, "title_en", required=False)
                )
            else:
                self.problem(data.line_of("category"), "thiếu 'category' với id và title (tiêu đề hiển thị)")
            for key in data.keys() - {"category", "entries"}:
                self.problem(data.line_of(key), f"khóa '{key}' không được hỗ trợ ở đầu tệp")
        if not isinstance(entries_node, LineList) or not entries_node:
            line = data.line_of("entries") if isinstance(data, LineDict) else 1
            self.problem(line, "thiếu danh sách 'entries' (các câu hỏi)")
            return category, []
        found = []
        for index, node in enumerate(entries_node):
            entry = self.entry(node, entries_node.line_of(index), category.id)
            if entry is not None and isinstance(node, LineDict):
                found.append((entry, Source(self.label, node.line, _field_lines(node))))
        longest = longest_for_category(category.id, len(entries_node))
        if longest > LIMIT:
            head = data.get("category") if isinstance(data, LineDict) else None
            line = head.line_of("id") if isinstance(head, LineDict) else 1
            self.too_long(line, "mã chủ đề", category.id, longest - len(category.id.encode("utf-8")))
        return category, found


def _field_lines(node: LineDict) -> dict[str, int]:
    lines = dict(node.key_lines)
    for key, value in node.items():
        if isinstance(value, LineList):
            lines.update({f"{key}.{index}": value.line_of(index) for index in range(len(value))})
    return lines


def display_path(path: Path) -> str:
    """A file as shown in problems: relative to the working directory when it is under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_synonyms(path: Path) -> tuple[Synonyms, list[Problem]]:
    """Read a synonyms file: `abbreviations` (short: full), `synonyms` (groups), `filler`, `terms`."""
    label = display_path(path)
    data, problems = read_yaml(path, label)
    if data is None:
        return Synonyms(), problems
    if not isinstance(data, LineDict):
        return Synonyms(), [*problems, Problem(label, 1, "tệp phải có các mục abbreviations, synonyms, filler")]
    replace: dict[str, str] = {}
    for key in data.keys() - {"abbreviations", "synonyms", "filler", "terms"}:
        problems.append(Problem(label, data.line_of(key), f"khóa '{key}' không được hỗ trợ"))
    abbreviations = data.get("abbreviations") or LineDict()
    if not isinstance(abbreviations, LineDict):
        message = "'abbreviations' phải là các dòng 'viết tắt: đầy đủ'"
        problems.append(Problem(label, data.line_of("abbreviations"), message))
        abbreviations = LineDict()
    for short, full in abbreviations.items():
        if not isinstance(full, str) or not full.strip():
            problems.append(Problem(label, abbreviations.line_of(short), f"'{short}': thiếu dạng đầy đủ"))
            continue
        replace[str(short)] = full
    groups = data.get("synonyms") or []
    for index, group in enumerate(groups if isinstance(groups, list) else []):
        line = groups.line_of(index) if isinstance(groups, LineList) else data.line
        words = [str(word) for word in group] if isinstance(group, list) else []
        if len(words) < 2:
            problems.append(Problem(label, line, "mỗi nhóm đồng nghĩa cần ít nhất 2 từ, từ đầu tiên là dạng chuẩn"))
            continue
        replace.update({word: words[0] for word in words[1:]})
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("filler", "terms"):
        items = data.get(key) or []
        if not isinstance(items, list):
            problems.append(Problem(label, data.line_of(key), f"'{key}' phải là một danh sách"))
            items = []
        lists[key] = tuple(str(item) for item in items)
    return Synonyms(replace, lists["filler"], lists["terms"]), problems


def load_faq(folder: Path) -> tuple[Faq, list[Problem], dict[str, Source]]:
    """Load every category file and the synonyms of `folder` (see _load_faq)."""
    with paused_gc():
        return _load_faq(folder)


def _load_faq(folder: Path) -> tuple[Faq, list[Problem], dict[str, Source]]:
    """Load every category file and the synonyms of `folder`.

    Returns:
        The FAQ built from every usable entry (the first of a duplicated id wins), all problems
        found while reading, and where each entry is written.
    """
    problems: list[Problem] = []
    entries: dict[str, Entry] = {}
    where: dict[str, Source] = {}
    categories = []
    files = faq_files(folder)
    if not folder.is_dir() or not files:
        problems.append(Problem(display_path(folder), 0, "không tìm thấy tệp câu hỏi (*.yaml) trong thư mục này"))
    for path in files:
        reader = _FileReader(display_path(path))
        data, read_problems = read_yaml(path, reader.label)
        problems += read_problems
        if data is None:
            if not read_problems:
                problems.append(Problem(reader.label, 1, "tệp trống: chưa có câu hỏi nào"))
            continue
        category, found = reader.category(data, path.stem)
        problems += reader.problems
        ids = []
        for entry, source in found:
            if entry.id in entries:
                first = where[entry.id]
                message = f"id '{entry.id}' đã dùng ở {first.file}:{first.line}; mỗi id phải là duy nhất"
                problems.append(Problem(reader.label, source.line, message))
                continue
            entries[entry.id] = entry
            where[entry.id] = source
            ids.append(entry.id)
        # A lenient load (the bot's start) lists no topic whose button Telegram would refuse (the
        # whole topic list would fail); the error is reported and the entries still answer.
        if longest_for_category(category.id, len(ids)) <= LIMIT:
            categories.append(Category(category.id, category.title, category.title_en, tuple(ids)))
    base, base_problems = read_synonyms(LEXICON)
    problems += base_problems
    synonyms = base
    if (folder / SYNONYMS_FILE).is_file():
        staff, staff_problems = read_synonyms(folder / SYNONYMS_FILE)
        problems += staff_problems
        synonyms = base.merged(staff)
    return Faq(entries, tuple(categories), synonyms), problems, where
