"""`faq export` and `faq import` on the command line: messages for staff in Vietnamese, an exit
status for scripts. The work is done by bot/faq/sheet_import.py."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.faq.loader import load_faq
from bot.faq.sheet import SheetError, csv_formula_cells, write_sheet
from bot.faq.sheet_import import Checker, apply_import, plan_import
from bot.faq.writer import records_of


def export_command(folder: Path, path: Path, kind: str) -> int:
    """`faq export`: write the FAQ of `folder` to a spreadsheet; refuse while the folder has errors.

    Args:
        folder: The FAQ folder.
        path: The spreadsheet to write.
        kind: "xlsx" or "csv", which the file's extension must match.

    Returns:
        The exit status: 0, or 1 when nothing was exported.
    """
    if path.suffix.lower() != f".{kind}":
        print(f"lỗi: tệp xuất bằng --{kind} phải có đuôi .{kind}, không phải '{path.name}'", file=sys.stderr)
        return 1
    faq, problems, _ = load_faq(folder)
    errors = [problem for problem in problems if not problem.warning]
    for problem in errors:
        print(problem)
    if errors:  # entries that did not load would be missing, and an import would then delete them
        print(
            f"Không xuất: {folder} có {len(errors)} lỗi. Hãy sửa (python -m bot faq check) rồi xuất lại.",
            file=sys.stderr,
        )
        return 1
    records = records_of(faq)
    try:
        write_sheet(path, records)
    except SheetError as exc:
        print(f"lỗi: {exc}", file=sys.stderr)
        return 1
    print(f"Đã xuất {len(records)} câu hỏi ({len(faq.categories)} chủ đề) từ {folder} ra {path}.", file=sys.stderr)
    formulas = csv_formula_cells(records) if path.suffix.lower() == ".csv" else 0
    if formulas:
        print(
            f"cảnh báo: {formulas} ô bắt đầu bằng =, +, - hoặc @; Excel có thể coi là công thức khi mở tệp CSV. "
            "Nên dùng --xlsx.",
            file=sys.stderr,
        )
    return 0


def import_command(path: Path, folder: Path, check: Checker, *, dry_run: bool = False) -> int:
    """`faq import`: report the problems and changes of a spreadsheet, and apply it when it has no error.

    Returns:
        The exit status: 0, or 1 when there was an error and nothing was written.
    """
    try:
        plan = plan_import(path, folder, check)
    except SheetError as exc:
        print(f"lỗi: {exc}", file=sys.stderr)
        return 1
    for line in plan.problems:
        print(line)
    result = f"Kết quả: {plan.errors} lỗi, {plan.warnings} cảnh báo."
    if plan.errors:
        print(f"{result} Không ghi gì vào {folder}: hãy sửa bảng tính rồi nhập lại.", file=sys.stderr)
        return 1
    if not plan.changed:
        print(f"{result} Không có thay đổi so với {folder}.", file=sys.stderr)
        return 0
    print(f"Thay đổi so với {folder}:")
    print("\n".join(plan.changes))
    added, modified, removed = plan.counts
    summary = f"{result} Thêm {added}, sửa {modified}, xóa {removed} câu hỏi."
    if dry_run:
        print(f"{summary} Chạy thử (--dry-run): chưa ghi gì.", file=sys.stderr)
        return 0
    try:
        written, deleted = apply_import(plan, folder)
    except OSError as exc:
        print(f"lỗi: không ghi được vào {folder} ({exc}); các tệp đã ghi trước đó vẫn giữ", file=sys.stderr)
        return 1
    print(f"{summary} Đã ghi {len(written)} tệp, xóa {len(deleted)} tệp trong {folder}.", file=sys.stderr)
    return 0
