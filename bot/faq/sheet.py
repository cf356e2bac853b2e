"""The FAQ as a spreadsheet (XLSX or CSV) for communications staff: one row per entry.

Columns are found by their header, in any order: the field key in brackets at the end of the
Vietnamese label ("Câu hỏi (question)"), the key alone, or the label alone. List fields hold one
item per line of the cell. Text is always written as text: a cell starting with "=" stays the
text "=...", never a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import IllegalCharacterError, InvalidFileException  # type: ignore[import-untyped]

from bot.faq.writer import FIELDS, LIST_FIELDS, Record

SHEET_NAME = "FAQ"
FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Column:
    """A spreadsheet column: the Record field, the header staff see, and a width in characters."""

    key: str
    label: str
    width: int


COLUMNS: tuple[Column, ...] = (
    Column("category", "Mã chủ đề (category)", 16),
    Column("category_title", "Tên chủ đề (category title)", 24),
    Column("category_title_en", "Tên chủ đề tiếng Anh (category title_en)", 24),
    Column("id", "Mã câu hỏi (id)", 22),
    Column("question", "Câu hỏi (question)", 40),
    Column("alternatives", "Cách hỏi khác - mỗi dòng một câu (alternatives)", 50),
    Column("answer", "Câu trả lời (answer)", 80),
    Column("legal_basis", "Căn cứ pháp lý - mỗi dòng một căn cứ (legal_basis)", 40),
    Column("related", "Câu hỏi liên quan - mỗi dòng một mã (related)", 24),
    Column("reviewed", "Ngày rà soát YYYY-MM-DD (reviewed)", 14),
    Column("en_question", "Câu hỏi tiếng Anh (en question)", 40),
    Column("en_alternatives", "Cách hỏi khác tiếng Anh (en alternatives)", 50),
    Column("en_answer", "Câu trả lời tiếng Anh (en answer)", 80),
    Column("tests", "Câu thử phải khớp - mỗi dòng một câu (tests)", 40),
)
LABELS = {column.key: column.label for column in COLUMNS}
assert tuple(LABELS) == FIELDS, "one column per Record field, in Record order"


class SheetError(Exception):
    """A spreadsheet that cannot be used at all; the message is for staff, in Vietnamese."""


@dataclass
class Sheet:
    """What was read from a spreadsheet: the records, the header of each field, and warnings."""

    records: list[Record]
    labels: dict[str, str]
    warnings: list[str] = field(default_factory=list)


def _cell_of(record: Record, key: str) -> str:
    value = getattr(record, key)
    if isinstance(value, tuple):
        return "\n".join(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value or ""


def write_sheet(path: Path, records: Sequence[Record]) -> None:
    """Write records to `path`: XLSX or CSV (UTF-8 with BOM, for Excel), by the file's extension.

    Raises:
        SheetError: The extension is neither .xlsx nor .csv, or the file cannot be written.
    """
    rows = [[_cell_of(record, column.key) for column in COLUMNS] for record in records]
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            _write_xlsx(path, rows)
        elif suffix == ".csv":
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                csv.writer(handle).writerows([[c.label for c in COLUMNS], *rows])
        else:
            raise SheetError(f"{path.name}: chỉ hỗ trợ tệp .xlsx hoặc .csv")
    except OSError as exc:
        raise SheetError(f"{path}: không ghi được tệp ({exc.strerror})") from exc
    except IllegalCharacterError as exc:
        raise SheetError(f"{path.name}: nội dung có ký tự điều khiển mà Excel không chứa được") from exc


def _write_xlsx(path: Path, rows: list[list[str]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET_NAME
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, column in enumerate(COLUMNS, 1):
        cell = sheet.cell(row=1, column=number, value=column.label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = wrap
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    for row_number, row in enumerate(rows, 2):
        for number, text in enumerate(row, 1):
            cell = sheet.cell(row=row_number, column=number)
            if text:
                cell.value = text
                cell.data_type = "s"  # openpyxl makes any str starting with "=" a formula otherwise
                cell.quotePrefix = text.startswith(FORMULA_START)  # and Excel keeps it text when edited
            cell.number_format = "@"
            cell.alignment = wrap
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    book.save(path)


def csv_formula_cells(records: Sequence[Record]) -> int:
    """How many cells start like a formula: Excel may evaluate them when it opens a CSV."""
    return sum(_cell_of(r, c.key).startswith(FORMULA_START) for r in records for c in COLUMNS)


def read_sheet(path: Path) -> Sheet:
    """Read the records of an XLSX or CSV spreadsheet (by extension), normalising Excel's ways.

    Raises:
        SheetError: Not a readable spreadsheet, or a header without the expected columns.
    """
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(path)
    elif suffix == ".csv":
        rows = _csv_rows(path)
    else:
        raise SheetError(f"{path.name}: chỉ nhập được tệp .xlsx hoặc .csv")
    return _records(rows, path.name)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise SheetError(f"{path}: không tìm thấy tệp") from exc
    except OSError as exc:
        raise SheetError(f"{path}: không đọc được tệp ({exc.strerror})") from exc


def _xlsx_rows(path: Path) -> list[list[object]]:
    data = _read(path)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, SyntaxError, OSError) as exc:
        raise SheetError(f"{path.name}: không phải tệp Excel .xlsx hợp lệ (hãy lưu lại bằng Excel dạng .xlsx)") from exc
    sheet = book[SHEET_NAME] if SHEET_NAME in book.sheetnames else book.worksheets[0]
    # Excel stores a carriage return as "_x000D_", which openpyxl leaves as it is.
    return [
        [cell.replace("_x000D_", "\r") if isinstance(cell, str) else cell for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]


def _csv_rows(path: Path) -> list[list[object]]:
    data = _read(path)
    hint = "hãy lưu lại bằng Excel dạng 'CSV UTF-8 (Comma delimited)'"
    if b"\0" in data:
        raise SheetError(f"{path.name}: không phải tệp CSV (có dữ liệu nhị phân); {hint}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(f"{path.name}: tệp CSV không phải mã hóa UTF-8; {hint}") from exc
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel in a Vietnamese locale saves with ";"
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise SheetError(f"{path.name}: tệp CSV hỏng ({exc}); {hint}") from exc


def _key(text: str) -> str:
    return re.sub(r"[\s._]+", " ", text).strip().lower()


_BY_KEY = {_key(c.key): c.key for c in COLUMNS} | {_key(c.label): c.key for c in COLUMNS}
_BY_KEY |= {_key(c.label.rsplit("(", 1)[0]): c.key for c in COLUMNS}


def _column_key(header: str) -> str | None:
    bracket = re.search(r"\(([^()]*)\)\s*$", header)
    if bracket and _key(bracket.group(1)) in _BY_KEY:
        return _BY_KEY[_key(bracket.group(1))]
    return _BY_KEY.get(_key(header))


def _records(rows: list[list[object]], name: str) -> Sheet:
    header = [_clean(cell) for cell in rows[0]] if rows else []
    if not any(header):
        raise SheetError(f"{name}: bảng tính trống: hàng 1 phải là hàng tiêu đề như trong tệp xuất bằng 'faq export'")
    positions: dict[str, int] = {}
    warnings: list[str] = []
    ignored: list[int] = []
    for index, title in enumerate(header):
        key = _column_key(title) if title else None
        if key is None:
            ignored.append(index)
        elif key in positions:
            raise SheetError(f"{name}: cột '{title}' trùng với cột '{header[positions[key]]}'; hãy xóa một cột")
        else:
            positions[key] = index
    missing = [c.label for c in COLUMNS if c.key not in positions]
    if missing:
        raise SheetError(
            f"{name}: thiếu cột: {', '.join(missing)}. Hàng 1 phải là hàng tiêu đề như trong "
            "tệp xuất bằng 'faq export' (thứ tự cột tùy ý)"
        )
    records = []
    for number, row in enumerate(rows[1:], 2):
        cells = [*row, *[None] * (len(header) - len(row))]
        if not any(_clean(cells[index]) for index in positions.values()):
            continue  # an empty row, or notes in columns that are not part of the FAQ
        values: dict[str, object] = {}
        for key, index in positions.items():
            values[key] = _value(key, cells[index])
        records.append(Record(**values, row=number))  # type: ignore[arg-type]
    for index in ignored:
        if any(len(row) > index and _clean(row[index]) for row in rows):
            title = header[index] or f"số {index + 1} (không có tiêu đề)"
            warnings.append(f"{name}: cột '{title}' không thuộc mẫu, bỏ qua")
    return Sheet(records, {key: header[index] for key, index in positions.items()}, warnings)


def _clean(value: object) -> str:
    """A cell as text: Windows line breaks and trailing spaces removed, numbers without '.0'.

    Excel turns digits typed into a text cell into a number and some text into dates; both
    come back here as the text staff typed (a date as YYYY-MM-DD).
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        value = value.isoformat()
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]0?0:00(?::00)?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: 0?0:00(?::00)?)?")


def _date(cell: object) -> dt.date | str | None:
    """A review date: Excel's datetime, YYYY-MM-DD or the Vietnamese DD/MM/YYYY; other text as it is."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    written = _clean(cell)
    iso, day_first = _ISO.fullmatch(written), _DAY_FIRST.fullmatch(written)
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        if day_first:  # how a Vietnamese Excel shows and saves dates: 27/11/2026
            return dt.date(int(day_first[3]), int(day_first[2]), int(day_first[1]))
    except ValueError:  # such as 31/02/2026: kept as text, which the check then names
        pass
    return written or None


def _value(key: str, cell: object) -> object:
    if key == "reviewed":
        return _date(cell)
    if key in LIST_FIELDS:
        return tuple(line.strip() for line in _clean(cell).split("\n") if line.strip())
    return _clean(cell)
