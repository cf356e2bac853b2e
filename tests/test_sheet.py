"""The spreadsheet route: `faq export` and `faq import` on a copy of the shipped FAQ, real files only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from bot.__main__ import main
from bot.faq.loader import load_faq
from bot.faq.sheet import COLUMNS, LABELS

ROOT = Path(__file__).resolve().parent.parent
COLUMN = {column.key: number for number, column in enumerate(COLUMNS, 1)}


@pytest.fixture
def faq_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "faq"
    shutil.copytree(ROOT / "faq", folder)
    return folder


@pytest.fixture
def config(tmp_path: Path, faq_dir: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(f"faq:\n  dir: {faq_dir}\n", encoding="utf-8")
    return path


def bot(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(config), "faq", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def export_xlsx(config: Path, capsys: pytest.CaptureFixture[str], path: Path) -> openpyxl.Workbook:
    assert bot(config, capsys, "export", "--xlsx", str(path))[0] == 0
    return openpyxl.load_workbook(path)


def row_of(sheet: openpyxl.worksheet.worksheet.Worksheet, entry_id: str) -> int:
    return next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row, COLUMN["id"]).value == entry_id)


def test_xlsx_round_trip_is_byte_identical(
    tmp_path: Path, faq_dir: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(faq_dir)
    book = export_xlsx(config, capsys, tmp_path / "faq.xlsx")
    sheet = book.active
    assert [cell.value for cell in sheet[1]] == [column.label for column in COLUMNS]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["G"].width == 80
    assert sheet.cell(2, COLUMN["answer"]).alignment.wrap_text
    faq, _, _ = load_faq(faq_dir)
    assert sheet.max_row == 1 + len(faq.entries)
    assert [sheet.cell(row, COLUMN["id"]).value for row in range(2, sheet.max_row + 1)] == [
        entry_id for category in faq.categories for entry_id in category.entry_ids
    ]

    code, _, err = bot(config, capsys, "import", str(tmp_path / "faq.xlsx"))
    assert code == 0
    assert "Không có thay đổi" in err
    assert snapshot(faq_dir) == before


def test_csv_round_trip_is_byte_identical_and_reexport_too(
    tmp_path: Path, faq_dir: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(faq_dir)
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    assert bot(config, capsys, "export", "--csv", str(first))[0] == 0
    assert first.read_bytes().startswith(b"\xef\xbb\xbf" + LABELS["category"].encode())
    code, _, err = bot(config, capsys, "import", str(first))
    assert (code, "Không có thay đổi" in err) == (0, True)
    assert snapshot(faq_dir) == before
    assert bot(config, capsys, "export", "--csv", str(second))[0] == 0
    assert second.read_bytes() == first.read_bytes()


def test_a_changed_cell_is_reported_with_its_field_and_written(
    tmp_path: Path, faq_dir: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(faq_dir)
    path = tmp_path / "faq.xlsx"
    book = export_xlsx(config, capsys, path)
    sheet = book.active
    row = row_of(sheet, "tra-gop")
    sheet.cell(row, COLUMN["answer"]).value = "Có thể thỏa thuận trả dần.\n\nHãy gọi {hotline}."
    book.save(path)

    code, _, err = bot(config, capsys, "import", str(path), "--dry-run")
    assert code == 0 and "Chạy thử" in err
    assert snapshot(faq_dir) == before

    code, out, err = bot(config, capsys, "import", str(path))
    assert code == 0, out + err
    assert f"  ~ sửa 'tra-gop' (hàng {row}): Câu trả lời (answer)\n" in out
    assert "Thêm 0, sửa 1, xóa 0 câu hỏi." in err
    faq, _, where = load_faq(faq_dir)
    assert faq.entries["tra-gop"].answer == "Có thể thỏa thuận trả dần.\n\nHãy gọi {hotline}."
    changed = Path(where["tra-gop"].file).name
    assert "    answer: |-\n      Có thể thỏa thuận trả dần.\n\n      Hãy gọi {hotline}.\n" in (
        faq_dir / changed
    ).read_text(encoding="utf-8")
    assert {name for name, data in snapshot(faq_dir).items() if before[name] != data} == {changed}


def test_added_removed_and_moved_rows(
    tmp_path: Path, faq_dir: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "faq.xlsx"
    book = export_xlsx(config, capsys, path)
    sheet = book.active
    faq, _, _ = load_faq(faq_dir)
    # The least-referenced entry goes, and with it every mention in other rows' "related".
    removed = min(sorted(faq.entries), key=lambda i: sum(i in e.related for e in faq.entries.values()))
    sheet.delete_rows(row_of(sheet, removed))
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row, COLUMN["related"])
        mentions = str(cell.value or "").split("\n")
        if removed in mentions:
            cell.value = "\n".join(m for m in mentions if m != removed)
    for row in range(2, sheet.max_row + 1):  # a category renamed: its file goes, a new one comes
        if sheet.cell(row, COLUMN["category"]).value == "xac-minh":
            sheet.cell(row, COLUMN["category"]).value = "xac-minh-tai-san"
    new = sheet.max_row + 1
    values = {
        "category": "ho-tro",
        "category_title": sheet.cell(row_of(sheet, "thua-hanh-vien"), 2).value,
        "category_title_en": sheet.cell(row_of(sheet, "thua-hanh-vien"), 3).value,
        "id": "phien-dich",
        "question": "Tôi có được mang người phiên dịch khi làm việc với cơ quan không?",
        "alternatives": "Tôi không rành tiếng Việt thì ai dịch giúp?\nCó thông dịch viên tiếng dân tộc không\n"
        "người Hrê có được dịch sang tiếng mẹ đẻ không ạ\n"
        "Người điếc có người phiên dịch ký hiệu không?",
        "answer": "Có. Hãy báo trước cho Chấp hành viên hoặc gọi {hotline}.",
        "legal_basis": "Luật Thi hành án dân sự 2025 (106/2025/QH15)",
        "related": "thua-hanh-vien",
    }
    for key, value in values.items():
        sheet.cell(new, COLUMN[key]).value = value
    sheet.cell(new, COLUMN["reviewed"]).value = dt.datetime(2026, 11, 1)  # what Excel makes of a typed date
    book.save(path)

    code, out, err = bot(config, capsys, "import", str(path))
    assert code == 0, out + err
    assert f"  + thêm 'phien-dich' (hàng {new}): Tôi có được mang người phiên dịch" in out
    assert f"  - xóa '{removed}'" in out
    assert "  + chủ đề mới 'xac-minh-tai-san'" in out and "  - bỏ chủ đề 'xac-minh'" in out
    assert "Mã chủ đề (category)" in out
    assert not (faq_dir / "xac-minh.yaml").exists()
    faq, problems, _ = load_faq(faq_dir)
    assert not [p for p in problems if not p.warning]
    assert removed not in faq.entries
    assert faq.entries["phien-dich"].reviewed == dt.date(2026, 11, 1)
    assert faq.entries["xac-minh-dieu-kien"].category == "xac-minh-tai-san"
    assert (
        (faq_dir / "ho-tro.yaml")
        .read_text(encoding="utf-8")
        .endswith("    related: [thua-hanh-vien]\n    reviewed: 2026-11-01\n")
    )


def test_errors_name_row_and_column_and_nothing_is_written(
    tmp_path: Path, faq_dir: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(faq_dir)
    path = tmp_path / "faq.xlsx"
    book = export_xlsx(config, capsys, path)
    sheet = book.active
    empty, unknown, twice, first, tested = (
        row_of(sheet, entry_id)
        for entry_id in ("tra-gop", "chi-phi-cuong-che", "tam-hoan-xuat-canh", "noi-nop-tien", "tu-nguyen-la-gi")
    )
    sheet.cell(empty, COLUMN["question"]).value = "   "
    sheet.cell(unknown, COLUMN["related"]).value = "noi-nop-tien\nkhong-co-muc-nay"
    sheet.cell(twice, COLUMN["id"]).value = "noi-nop-tien"
    sheet.cell(tested, COLUMN["tests"]).value = "Nộp tiền thi hành án ở đâu?"
    sheet.cell(2, COLUMN["reviewed"]).value = "hôm qua"
    sheet.cell(3, COLUMN["category_title"]).value = "Cưỡng chế"
    book.save(path)

    code, out, err = bot(config, capsys, "import", str(path))
    assert code == 1
    assert "Không ghi gì" in err
    assert snapshot(faq_dir) == before
    assert f"faq.xlsx: hàng {empty}, cột 'Câu hỏi (question)': lỗi: thiếu hoặc để trống trường 'question'" in out
    assert (
        f"faq.xlsx: hàng {unknown}, cột '{LABELS['related']}': lỗi: 'chi-phi-cuong-che': related nhắc đến "
        "'khong-co-muc-nay'" in out
    )
    first, twice = sorted((first, twice))
    assert f"faq.xlsx: hàng {twice}, cột 'Mã câu hỏi (id)': lỗi: id 'noi-nop-tien' đã dùng ở hàng {first};" in out
    assert f"faq.xlsx: hàng {tested}, cột '{LABELS['tests']}': lỗi: 'tu-nguyen-la-gi': câu thử" in out
    assert "faq.xlsx: hàng 2, cột 'Ngày rà soát YYYY-MM-DD (reviewed)': lỗi: 'reviewed' phải là ngày" in out
    assert f"faq.xlsx: hàng 3, cột '{LABELS['category_title']}': lỗi: khác với hàng 2 cùng chủ đề 'cuong-che'" in out
    assert str(tmp_path / "faq.xlsx") not in out and "/tmp/faq-import-" not in out


def test_formula_looking_text_is_text_and_survives(
    tmp_path: Path, faq_dir: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "faq.xlsx"
    book = export_xlsx(config, capsys, path)
    sheet = book.active
    row = row_of(sheet, "tra-gop")
    question = "=1+2 tôi trả góp được không?"
    alternatives = (
        f"+84 có trả góp không\n@thads trả dần\n- trả từng phần\n-5% lãi trả chậm\n"
        f"{sheet.cell(row, COLUMN['alternatives']).value}"
    )
    for column, value in ((COLUMN["question"], question), (COLUMN["alternatives"], alternatives)):
        cell = sheet.cell(row, column)
        cell.value, cell.data_type = value, "s"
    book.save(path)
    code, out, err = bot(config, capsys, "import", str(path))
    assert code == 0, out + err
    entry = load_faq(faq_dir)[0].entries["tra-gop"]
    assert entry.question == question
    assert entry.alternatives[:4] == ("+84 có trả góp không", "@thads trả dần", "- trả từng phần", "-5% lãi trả chậm")

    again = export_xlsx(config, capsys, tmp_path / "again.xlsx").active
    for column, value in ((COLUMN["question"], question), (COLUMN["alternatives"], alternatives)):
        cell = again.cell(row, column)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", True)
    with zipfile.ZipFile(tmp_path / "again.xlsx") as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    before = snapshot(faq_dir)
    assert bot(config, capsys, "import", str(tmp_path / "again.xlsx"))[0] == 0
    assert bot(config, capsys, "export", "--csv", str(tmp_path / "f.csv"))[2].count("cảnh báo: 2 ô") == 1
    code, _, err = bot(config, capsys, "import", str(tmp_path / "f.csv"))
    assert (code, "Không có thay đổi" in err, snapshot(faq_dir) == before) == (0, True, True)


def test_excel_mangled_csv_imports_unchanged(
    tmp_path: Path, faq_dir: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(faq_dir)
    path = tmp_path / "faq.csv"
    assert bot(config, capsys, "export", "--csv", str(path))[0] == 0
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    reviewed = COLUMN["reviewed"] - 1
    for row in rows[1:]:
        row[:] = [cell.replace("\n", "  \r\n") + "  " for cell in row]  # Windows breaks, trailing spaces
        year, month, day = row[reviewed].split("-")
        row[reviewed] = f"{day.strip()}/{month}/{year}"  # a Vietnamese Excel's date
    rows.insert(1, [""] * len(COLUMNS))  # a blank row in the middle
    rows.append([" "] * len(COLUMNS))  # the empty trailing row Excel leaves
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows([[*reversed(row), "ghi chú"] for row in rows])  # any order, no BOM
    path.write_bytes(out.getvalue().encode("utf-8"))

    code, out_text, err = bot(config, capsys, "import", str(path))
    assert code == 0, out_text + err
    assert "faq.csv: cột 'ghi chú' không thuộc mẫu, bỏ qua" in out_text
    assert "Kết quả: 0 lỗi, " in err and "cảnh báo. Không có thay đổi" in err  # the FAQ may add warnings
    assert snapshot(faq_dir) == before


def test_excel_mangled_xlsx_imports_unchanged(
    tmp_path: Path, faq_dir: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(faq_dir)
    path = tmp_path / "faq.xlsx"
    book = export_xlsx(config, capsys, path)
    sheet = book.active
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row, COLUMN["reviewed"])
        cell.value = dt.datetime.combine(dt.date.fromisoformat(cell.value), dt.time())
        answer = sheet.cell(row, COLUMN["answer"])
        crlf = "\r\n" if row % 2 else "_x000D_\n"  # as openpyxl reads a carriage return Excel saved
        answer.value = answer.value.replace("\n", crlf) + " " + crlf
    sheet.cell(sheet.max_row + 2, 1).value = "  "
    row = row_of(sheet, "tra-gop")
    sheet.cell(row, COLUMN["legal_basis"]).value = 106.0  # digits Excel kept as a number
    book.save(path)
    code, out, err = bot(config, capsys, "import", str(path))
    assert code == 0, out + err
    assert f"  ~ sửa 'tra-gop' (hàng {row}): {LABELS['legal_basis']}" in out
    assert load_faq(faq_dir)[0].entries["tra-gop"].legal_basis == ("106",)
    assert {name for name, data in snapshot(faq_dir).items() if before[name] != data} == {"tu-nguyen.yaml"}


def test_unusable_files_are_refused_clearly(
    tmp_path: Path, faq_dir: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(faq_dir)
    binary = bytes(range(256)) * 4
    cases = {
        "faq.xlsx": (binary, "không phải tệp Excel .xlsx hợp lệ"),
        "faq.csv": (binary, "không phải tệp CSV"),
        "latin.csv": ("Câu đơn (id)\nđ".encode("cp1258"), "không phải mã hóa UTF-8"),
        "faq.txt": (b"id,question\n", "chỉ nhập được tệp .xlsx hoặc .csv"),
        "header.csv": (",".join(c.label for c in COLUMNS[:-1]).encode(), "thiếu cột: " + LABELS["tests"]),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        code, _, err = bot(config, capsys, "import", str(tmp_path / name))
        assert (code, message in err) == (1, True), err
    book = openpyxl.Workbook()
    book.active.append([c.label for c in COLUMNS])
    book.active.append([None] * len(COLUMNS))
    book.save(tmp_path / "empty.xlsx")
    code, _, err = bot(config, capsys, "import", str(tmp_path / "empty.xlsx"))
    assert code == 1 and "không có hàng câu hỏi nào; nhập sẽ xóa toàn bộ câu hỏi" in err
    assert snapshot(faq_dir) == before


def test_export_refuses_a_broken_folder_or_a_wrong_extension(
    tmp_path: Path, faq_dir: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = bot(config, capsys, "export", "--xlsx", str(tmp_path / "faq.csv"))
    assert code == 1 and "phải có đuôi .xlsx" in err
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.yaml").write_text(
        "category: {id: a, title: A}\nentries:\n  - id: x\n    question: [\n", encoding="utf-8"
    )
    code, out, err = bot(config, capsys, "export", "--csv", str(tmp_path / "b.csv"), "--dir", str(broken))
    assert code == 1 and "lỗi cú pháp YAML" in out and "Không xuất" in err
    assert not (tmp_path / "b.csv").exists()
