"""`faq check` keeps the law current: the staff list of instruments (faq/van-ban.yaml), unverified
articles, stale reviews, figures without an article, agency placeholders and callback-data lengths."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

from bot.__main__ import main
from bot.config import ConfigError, FaqSettings, Settings, load_settings
from bot.content import Loaded, Rejected, content_files, load_content
from bot.conversation import User
from bot.faq.callbacks import LIMIT, longest_for_entry
from bot.faq.check import CheckRules, check_faq
from bot.faq.figures import figures
from bot.faq.loader import load_faq
from bot.services import Services

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 30)
RULES = CheckRules.from_settings(FaqSettings(min_alternatives=0))

LIST = """\
instruments:
  - name: Luật Thi hành án dân sự 2025 (106/2025/QH15)
    cited_as: [106/2025/QH15, Luật THADS 2025]
    status: còn hiệu lực
    since: 2026-07-01
    verified_articles: [2, 4, 5]
  - name: Nghị định 62/2015/NĐ-CP
    cited_as: [62/2015/NĐ-CP]
    status: hết hiệu lực
    since: 2026-07-01
    replaced_by: Nghị định 152/2026/NĐ-CP
  - name: Nghị định 99/2027/NĐ-CP
    status: hết hiệu lực
    since: 2027-01-01
"""


def category(*basis: str, answer: str = "Hỏi cơ quan thi hành án.", reviewed: str = "2026-11-01") -> str:
    """One entry whose legal_basis items are on lines 8, 9, ...; its answer is on line 6."""
    items = "".join(f"      - {line}\n" for line in basis)
    return (
        f"category: {{id: thu, title: Thử}}\nentries:\n  - id: muc\n    question: Hỏi gì?\n"
        f"    alternatives: [Hỏi khác?]\n    answer: {answer}\n    legal_basis:\n{items}    reviewed: {reviewed}\n"
    )


def run(folder: Path, text: str, listing: str | None = LIST, rules: CheckRules = RULES) -> list[str]:
    folder.mkdir(exist_ok=True)
    (folder / "thu.yaml").write_text(text, encoding="utf-8")
    if listing is not None:
        (folder / "van-ban.yaml").write_text(dedent(listing), encoding="utf-8")
    return [str(p).replace(str(folder) + "/", "") for p in check_faq(folder, rules, TODAY)]


# -- ended instruments --------------------------------------------------------------------------


def test_an_ended_instrument_cited_unmarked_is_an_error_at_its_line(tmp_path: Path) -> None:
    problems = run(tmp_path, category("Luật THADS 2025, Điều 4", "Nghị định 62/2015/NĐ-CP, Điều 5"))
    assert problems == [
        "thu.yaml:9: lỗi: 'muc': căn cứ 'Nghị định 62/2015/NĐ-CP, Điều 5' dẫn Nghị định 62/2015/NĐ-CP, văn bản đã "
        "hết hiệu lực từ 01/07/2026, thay bằng Nghị định 152/2026/NĐ-CP. Hãy dẫn văn bản đang có hiệu lực; nếu chỉ "
        "nhắc quy định cũ, ghi '— hết hiệu lực' hoặc '— luật cũ' ở cuối dòng"
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Nghị định 62/2015/NĐ-CP, Điều 5 — hết hiệu lực",
        "Nghị định 62/2015/NĐ-CP, Điều 5 — luật cũ",
        "Nghị định 62/2015/NĐ-CP (đã hết hiệu lực từ 01/7/2026), Điều 5",
        "Nghi dinh 62/2015/ND-CP, Dieu 5 - het hieu luc",  # typed without diacritics
        "Nghị định 99/2027/NĐ-CP, Điều 1",  # ends only in 2027: still in force today
    ],
)
def test_a_marked_or_not_yet_ended_citation_is_fine(tmp_path: Path, line: str) -> None:
    assert run(tmp_path, category(line)) == []


def test_a_marker_that_only_says_where_a_text_came_from_is_not_a_marker(tmp_path: Path) -> None:
    problems = run(tmp_path, category("Nghị định 62/2015/NĐ-CP, Điều 5 (ban hành theo luật cũ, cần kiểm tra hiệu lực)"))
    assert len(problems) == 1 and problems[0].startswith("thu.yaml:8: lỗi: 'muc': căn cứ"), problems


def test_markers_come_from_the_configuration(tmp_path: Path) -> None:
    rules = CheckRules.from_settings(FaqSettings(min_alternatives=0, ended_markers=("đã bị thay thế",)))
    assert run(tmp_path, category("Nghị định 62/2015/NĐ-CP — đã bị thay thế"), rules=rules) == []
    assert len(run(tmp_path, category("Nghị định 62/2015/NĐ-CP — luật cũ"), rules=rules)) == 1


# -- articles of the 2025 law -------------------------------------------------------------------


def test_an_unverified_article_of_the_2025_law_is_a_warning_and_a_verified_one_is_not(tmp_path: Path) -> None:
    assert run(tmp_path, category("Luật THADS 2025, Điều 2, Điều 4", "106/2025/QH15, Điều 5")) == []
    basis = ("Luật THADS 2025, Điều 4", "Luật Thi hành án dân sự 2025 (106/2025/QH15), Điều 36")
    problems = run(tmp_path, category(*basis))
    assert problems == [
        "thu.yaml:9: cảnh báo: 'muc': căn cứ 'Luật Thi hành án dân sự 2025 (106/2025/QH15), Điều 36' dẫn Điều 36 của "
        "Luật Thi hành án dân sự 2025 (106/2025/QH15), chưa có trong danh sách điều đã kiểm chứng (van-ban.yaml:2); "
        "hãy đối chiếu với văn bản chính thức rồi thêm vào 'verified_articles', hoặc bỏ số điều"
    ]


def test_article_ranges_and_other_instruments_on_the_line(tmp_path: Path) -> None:
    ranged = run(tmp_path, category("Luật THADS 2025, Điều 2 đến Điều 5"))
    assert len(ranged) == 1 and "dẫn Điều 3 của" in ranged[0]  # 2, 4, 5 verified; 3 is not
    # "Điều 9" belongs to the decree named after the law, not to the law.
    assert run(tmp_path, category("Luật THADS 2025, Điều 4; Nghị định 62/2015/NĐ-CP, Điều 9 — hết hiệu lực")) == []
    # ... and one after the law's second mention is the law's again.
    twice = run(
        tmp_path, category("Luật THADS 2025, Điều 4; Nghị định 62/2015/NĐ-CP, Điều 9 (luật cũ); 106/2025/QH15, Điều 36")
    )
    assert len(twice) == 1 and "dẫn Điều 36 của Luật" in twice[0], twice


# -- review age ---------------------------------------------------------------------------------


def test_the_review_age_is_configured(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("faq:\n  review_max_age_days: 30\n  min_alternatives: 0\n", encoding="utf-8")
    rules = CheckRules.from_settings(load_settings(config, environ={}).faq)
    assert run(tmp_path / "faq", category("Luật THADS 2025", reviewed="2026-11-01"), rules=rules) == []
    problems = run(tmp_path / "faq", category("Luật THADS 2025", reviewed="2026-10-01"), rules=rules)
    assert problems == [
        "thu.yaml:9: cảnh báo: 'muc': rà soát lần cuối 01/10/2026, đã quá 30 ngày; hãy đối chiếu lại với luật hiện hành"
    ]


# -- figures ------------------------------------------------------------------------------------


def test_a_figure_without_an_article_is_a_warning_at_the_answer(tmp_path: Path) -> None:
    answer = "Phí là 3% số tiền thực nhận, nộp trong 05 ngày làm việc."
    problems = run(tmp_path, category("Luật THADS 2025", answer=answer))
    assert problems == [
        "thu.yaml:6: cảnh báo: 'muc': câu trả lời nêu con số \"3%\" nhưng không dòng căn cứ nào "
        "ghi số điều ('Điều N'); hãy ghi điều, khoản quy định con số đó, hoặc bỏ con số và hướng dẫn "
        "người dân xem quyết định đã nhận"
    ]
    assert run(tmp_path, category("Luật THADS 2025, Điều 4", answer=answer)) == []


def test_figures_are_percentages_amounts_and_periods_not_dates_or_article_numbers() -> None:
    assert figures("Mức trừ tối đa là 30 % thu nhập; một phần ba mức phí") == ["30 %", "một phần ba"]
    assert figures("khoản dưới 2 triệu đồng, từ hai lần mức lương cơ sở, 500.000đ") == [
        "2 triệu",
        "lương cơ sở",
        "500.000đ",
    ]
    assert figures("trong 05 ngày làm việc; 3 ngày; 2 năm; ba mươi ngày; 10 working days") == [
        "05 ngày",
        "3 ngày",
        "2 năm",
        "ba mươi ngày",
        "10 working days",
    ]
    not_figures = (
        "Từ ngày 01/7/2026 áp dụng Luật số 106/2025/QH15 (Điều 4, khoản 2), năm 2026; "
        "ngày 1 tháng 7 năm 2026; thứ hai ngày làm việc; một ngày nào đó; gọi {hotline}"
    )
    assert figures(not_figures) == []


# -- the list file ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("listing", "expected"),
    [
        ("instruments:\n  - name: [x\n", "van-ban.yaml:3: lỗi: lỗi cú pháp YAML"),
        (
            "instruments:\n  - name: A\n    status: đang áp dụng\n",
            "van-ban.yaml:3: lỗi: 'A': 'status' phải là 'còn hiệu lực' hoặc 'hết hiệu lực'",
        ),
        (
            "instruments:\n  - name: A\n    status: còn hiệu lực\n    replace_by: B\n",
            "van-ban.yaml:4: lỗi: khóa 'replace_by'",
        ),
        (
            "instruments:\n  - name: A\n    status: hết hiệu lực\n    since: 1/7/2026\n",
            "van-ban.yaml:4: lỗi: 'A': 'since' phải là ngày dạng YYYY-MM-DD",
        ),
        ("instruments:\n  - status: còn hiệu lực\n", "van-ban.yaml:2: lỗi: thiếu 'name'"),
        ("- name: A\n", "van-ban.yaml:1: lỗi: tệp phải có danh sách 'instruments'"),
        (
            "instruments:\n  - name: A\n    status: còn hiệu lực\n"
            "  - name: B\n    cited_as: [a]\n    status: còn hiệu lực\n",
            "van-ban.yaml:4: lỗi: 'B': cách ghi 'a' đã dùng cho 'A' (dòng 2)",
        ),
    ],
)
def test_a_malformed_list_is_a_clear_error(tmp_path: Path, listing: str, expected: str) -> None:
    problems = run(tmp_path, category("Luật THADS 2025"), listing=listing)
    assert any(p.startswith(expected) for p in problems), problems


def test_a_folder_without_the_list_gets_one_warning(tmp_path: Path) -> None:
    problems = run(tmp_path, category("Nghị định 62/2015/NĐ-CP"), listing=None)
    assert len(problems) == 1 and problems[0].startswith("van-ban.yaml:0: cảnh báo: không có tệp danh sách văn bản")


def test_the_list_is_not_a_category_and_survives_a_spreadsheet_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "faq"
    shutil.copytree(ROOT / "faq", folder)
    faq, problems, _ = load_faq(folder)
    assert "van-ban" not in {c.id for c in faq.categories}
    assert not [p for p in problems if "van-ban" in p.file]
    listing = (folder / "van-ban.yaml").read_bytes()
    config = tmp_path / "config.yaml"
    config.write_text(f"faq:\n  dir: {folder}\n", encoding="utf-8")
    sheet = tmp_path / "faq.csv"
    assert main(["--config", str(config), "faq", "export", "--csv", str(sheet)]) == 0
    (folder / "tu-nguyen.yaml").unlink()  # an import must write it back, and remove nothing else
    main(["--config", str(config), "faq", "import", str(sheet)])
    assert (folder / "van-ban.yaml").read_bytes() == listing
    assert "xóa 1 tệp" not in capsys.readouterr().err


def test_the_live_reload_checks_the_list(tmp_path: Path) -> None:
    folder = tmp_path / "faq"
    run(folder, category("Nghị định 62/2015/NĐ-CP — hết hiệu lực"))
    config = tmp_path / "config.yaml"
    config.write_text(
        f"faq:\n  dir: {folder}\n  min_alternatives: 0\ncases:\n  glossary: {ROOT / 'glossary' / 'statuses.yaml'}\n",
        encoding="utf-8",
    )
    settings = load_settings(config, environ={})
    assert folder / "van-ban.yaml" in content_files(settings)
    assert isinstance(load_content(settings), Loaded)
    (folder / "van-ban.yaml").write_text("instruments:\n  - name: [x\n", encoding="utf-8")
    refused = load_content(settings)
    assert isinstance(refused, Rejected)
    assert [p.line for p in refused.errors if p.file.endswith("van-ban.yaml")] == [3]


@pytest.mark.slow  # `faq check` as a real process
def test_a_copy_of_the_shipped_faq_citing_decree_62_2015_unmarked_fails(tmp_path: Path) -> None:
    folder = tmp_path / "faq"
    shutil.copytree(ROOT / "faq", folder)
    _, _, where = load_faq(folder)
    entry_id, source = next((i, s) for i, s in where.items() if "legal_basis.0" in s.fields)
    path, line = Path(source.file), source.fields["legal_basis.0"]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    indent = lines[line - 1][: len(lines[line - 1]) - len(lines[line - 1].lstrip())]
    lines.insert(line - 1, f"{indent}- Nghị định 62/2015/NĐ-CP, Điều 5\n")
    path.write_text("".join(lines), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "faq", "check", str(folder)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert (
        f"{path}:{line}: lỗi: '{entry_id}': căn cứ 'Nghị định 62/2015/NĐ-CP, Điều 5' dẫn Nghị định "
        "62/2015/NĐ-CP, văn bản đã hết hiệu lực"
    ) in done.stdout


# -- agency placeholders ------------------------------------------------------------------------


def agency_config(tmp_path: Path, hotline: str, folder: Path = ROOT / "faq") -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(
        f'agency:\n  name: Cơ quan thử\n  hotline: "{hotline}"\n  address: Số 1\n'
        f"  office_hours: 7h-17h\n  website: https://example.org\n"
        f"faq:\n  dir: {folder}\n  min_alternatives: 0\n"
        f"state:\n  path: {tmp_path / 'state.sqlite3'}\n"
        f"cases:\n  database: {tmp_path / 'cases.sqlite3'}\n  demo_count: 10\n"
        f"  glossary: {ROOT / 'glossary' / 'statuses.yaml'}\n",
        encoding="utf-8",
    )
    return config


def test_faq_check_warns_about_each_agency_placeholder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = agency_config(tmp_path, "[Số đường dây nóng — cơ quan cập nhật]")
    assert main(["--config", str(config), "faq", "check"]) in {0, 1}  # 1: the shipped FAQ may have errors
    out = capsys.readouterr().out
    warned = [line for line in out.splitlines() if "agency." in line]
    assert warned == [
        f'{tmp_path / "config.yaml"}:3: cảnh báo: agency.hotline vẫn là chỗ trống "[Số đường dây nóng — '
        'cơ quan cập nhật]": người dân sẽ thấy nguyên dòng này; cơ quan phải điền giá trị chính thức '
        "trước khi đưa bot vào sử dụng"
    ]
    main(["--config", str(agency_config(tmp_path, "0255 000 000")), "faq", "check"])
    assert "agency." not in capsys.readouterr().out


def test_the_shipped_configuration_has_five_placeholders_reported(capsys: pytest.CaptureFixture[str]) -> None:
    main(["faq", "check"])
    out = capsys.readouterr().out
    assert [line.split(": cảnh báo: ")[1].split()[0] for line in out.splitlines() if "cảnh báo: agency." in line] == [
        "agency.name",
        "agency.hotline",
        "agency.address",
        "agency.office_hours",
        "agency.website",
    ]


async def test_start_up_logs_a_warning_per_placeholder(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    settings = load_settings(agency_config(tmp_path, "[Số đường dây nóng — cơ quan cập nhật]"), environ={})
    services = await Services.open(settings)
    await services.state.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "agency." in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].startswith("agency.hotline is still a placeholder")


# -- callback data (security review M7) ---------------------------------------------------------


def test_ids_whose_buttons_exceed_64_bytes_are_refused(tmp_path: Path) -> None:
    longest = "a" * (LIMIT - longest_for_entry(""))
    assert longest_for_entry(longest) == LIMIT
    assert run(tmp_path, category("Luật THADS 2025").replace("id: muc", f"id: {longest}")) == []
    too_long = "tra-gop-tien-thi-hanh-an-khi-khong-du-tien-tra-mot-lan-co-duoc-khong"
    problems = run(tmp_path, category("Luật THADS 2025").replace("id: muc", f"id: {too_long}"))
    assert problems == [
        f"thu.yaml:3: lỗi: id '{too_long}' quá dài: nút bấm mang nó cần 72 byte, Telegram chỉ nhận "
        "64 (bot sẽ không gửi được câu trả lời); hãy rút còn tối đa 60 ký tự"
    ]
    long_category = "c" * 62
    problems = run(tmp_path, category("Luật THADS 2025").replace("id: thu,", f"id: {long_category},"))
    assert problems == [
        f"thu.yaml:1: lỗi: mã chủ đề '{long_category}' quá dài: nút bấm mang nó cần 66 byte, "
        "Telegram chỉ nhận 64 (bot sẽ không gửi được câu trả lời); hãy rút còn tối đa 60 ký tự"
    ]


async def test_the_longest_accepted_id_gives_buttons_telegram_accepts(tmp_path: Path) -> None:
    longest = "a" * (LIMIT - longest_for_entry(""))
    folder = tmp_path / "faq"
    text = category("Luật THADS 2025").replace("id: muc", f"id: {longest}")
    run(folder, text.replace("id: thu,", f"id: {'c' * 60},"))
    services = await Services.open(load_settings(agency_config(tmp_path, "x", folder), environ={}))
    try:
        reply = await services.conversation.answer(User(1), longest)
        topic = await services.conversation.action(User(1), f"c:{'c' * 60}:1")
    finally:
        await services.state.close()
    data = [button.data for message in (reply, *topic) for row in message.buttons for button in row]
    assert f"f:{longest}:1" in data
    assert max(len(item.encode("utf-8")) for item in data) == LIMIT


def test_a_topic_whose_button_is_too_long_is_not_listed_but_its_entries_answer(tmp_path: Path) -> None:
    long_category = "c" * 62
    run(tmp_path, category("Luật THADS 2025").replace("id: thu,", f"id: {long_category},"))
    faq, problems, _ = load_faq(tmp_path)  # lenient, as at start: the error is reported
    assert any("quá dài" in problem.message for problem in problems)
    assert "muc" in faq.entries
    assert long_category not in [c.id for c in faq.categories]


def test_settings_refuse_the_removed_keys_with_directions(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("faq:\n  superseded_instruments: [26/2008/QH12]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"van-ban\.yaml"):
        load_settings(config, environ={})


def test_the_shipped_settings_use_the_markers(settings: Settings) -> None:
    assert CheckRules.from_settings(settings.faq).ended_markers == ("luật cũ", "hết hiệu lực")


def test_a_too_long_id_is_left_out_when_the_bot_starts_on_it(tmp_path: Path) -> None:
    """M7 after a restart: the bot loads a FAQ with errors leniently; an entry whose buttons Telegram
    would refuse is left out (a citizen gets the no-answer reply with its contacts, not the apology
    for a message Telegram refused)."""
    too_long = "tra-gop-tien-thi-hanh-an-khi-khong-du-tien-tra-mot-lan-co-duoc-khong"
    problems = run(tmp_path, category("Luật THADS 2025").replace("id: muc", f"id: {too_long}"))
    assert len(problems) == 1 and "quá dài" in problems[0]
    faq = load_faq(tmp_path)[0]
    assert too_long not in faq.entries
