"""Command line: run the bot, ask questions, check the FAQ.

python -m bot                      run (Telegram with a token, else the local console)
python -m bot console              the local console, explicitly
python -m bot ask [--faq DIR] [--json] [QUESTION ...]
python -m bot faq check [DIR] [--strict]
python -m bot faq gaps [--since YYYY-MM-DD] [--limit N]
python -m bot faq stats [--since YYYY-MM-DD]
python -m bot faq export (--xlsx FILE | --csv FILE) [--dir DIR]
python -m bot faq import FILE [--dry-run] [--dir DIR]
python -m bot cases import EXPORT.csv [--out PATH]
python -m bot cases demo [--count N] [--out PATH]
python -m bot announce --topic T --text-file F [--at TIME] | announce status | announce cancel N
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sqlite3
import sys
from pathlib import Path

from bot.announce.cli import add_parser as add_announce
from bot.announce.cli import run as announce
from bot.cases.codes import CodeFormat
from bot.cases.glossary import load_glossary
from bot.cases.importer import import_rows, read_csv
from bot.cases.service import build_demo
from bot.config import ConfigError, Settings, load_settings
from bot.faq.check import CheckRules, check_faq
from bot.faq.journal import finish_interrupted
from bot.faq.loader import faq_files
from bot.faq.matcher import MatchResult, Thresholds
from bot.faq.model import Faq
from bot.knowledge import load_knowledge
from bot.logs import secrets_of
from bot.logs import setup as setup_logging
from bot.readiness import placeholder_problems
from bot.replies import answer_text, plain
from bot.reports.cli import add_parsers as add_reports
from bot.reports.cli import run as report
from bot.state.engine import StateUnavailableError, url_password
from bot.state.keys import KEY_ENV, KEY_FILE_ENV, configured_key
from bot.texts import VI

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Bot hỏi đáp THADS Quảng Ngãi")
    parser.add_argument("--config", type=Path, help="tệp cấu hình (mặc định $BOT_CONFIG hoặc config.yaml)")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="chạy bot (không có token: bảng điều khiển cục bộ)")
    commands.add_parser("console", help="bảng điều khiển cục bộ, như bot Telegram")
    commands.add_parser("health", help="kiểm tra sức khỏe cho Docker: hỏi /healthz của bot đang chạy")
    ask = commands.add_parser("ask", help="trả lời câu hỏi (đối số, hoặc mỗi dòng của stdin)")
    ask.add_argument("--faq", type=Path, help="thư mục câu hỏi (mặc định faq.dir trong cấu hình)")
    ask.add_argument("--json", action="store_true", help="mỗi câu hỏi một dòng JSON")
    ask.add_argument("questions", nargs="*")
    faq = commands.add_parser("faq", help="công cụ cho người biên tập câu hỏi")
    faq_commands = faq.add_subparsers(dest="faq_command", required=True)
    check = faq_commands.add_parser("check", help="kiểm tra các tệp câu hỏi")
    check.add_argument("dir", nargs="?", type=Path, help="thư mục (mặc định faq.dir trong cấu hình)")
    check.add_argument("--strict", action="store_true", help="coi cảnh báo là lỗi")
    export = faq_commands.add_parser("export", help="xuất câu hỏi ra bảng tính để sửa bằng Excel")
    export_to = export.add_mutually_exclusive_group(required=True)
    export_to.add_argument("--xlsx", type=Path, metavar="FILE", help="tệp Excel .xlsx")
    export_to.add_argument("--csv", type=Path, metavar="FILE", help="tệp .csv (UTF-8)")
    export.add_argument("--dir", type=Path, help="thư mục câu hỏi (mặc định faq.dir trong cấu hình)")
    sheet_import = faq_commands.add_parser("import", help="nhập câu hỏi từ bảng tính (.xlsx hoặc .csv) đã sửa")
    sheet_import.add_argument("file", type=Path)
    sheet_import.add_argument("--dry-run", action="store_true", help="chỉ báo lỗi và thay đổi, không ghi")
    sheet_import.add_argument("--dir", type=Path, help="thư mục câu hỏi (mặc định faq.dir trong cấu hình)")
    add_reports(faq_commands)
    cases = commands.add_parser("cases", help="dữ liệu hồ sơ thi hành án (chỉ đọc)")
    case_commands = cases.add_subparsers(dest="cases_command", required=True)
    importing = case_commands.add_parser("import", help="tạo bản dữ liệu mới từ tệp CSV xuất từ cơ quan")
    importing.add_argument("csv", type=Path)
    importing.add_argument("--out", type=Path, help="tệp SQLite đích (mặc định cases.database)")
    demo = case_commands.add_parser("demo", help="tạo dữ liệu mẫu (giả lập) để thử tra cứu")
    demo.add_argument("--count", type=int, default=1000)
    demo.add_argument("--out", type=Path, help="tệp SQLite đích (mặc định cases.database)")
    add_announce(commands)
    return parser


def _as_json(question: str, result: MatchResult) -> str:
    suggestions = [c for c in result.candidates if c.entry_id != result.entry_id]
    return json.dumps(
        {
            "question": question,
            "match": result.entry_id,
            "score": result.score,
            "suggestions": [{"id": c.entry_id, "score": c.score} for c in suggestions],
        },
        ensure_ascii=False,
    )


def _as_text(faq: Faq, settings: Settings, result: MatchResult) -> str:
    if result.outcome == "answer" and result.entry_id:
        entry = faq.entries[result.entry_id]
        body = answer_text(entry, VI, english=False, values=settings.agency.placeholders())
        return f"[{entry.id}, điểm {result.score:g}]\n" + plain(body)
    if result.outcome == "suggest":
        options = [
            f"  {n}. {faq.entries[c.entry_id].question} [{c.entry_id}, điểm {c.score:g}]"
            for n, c in enumerate(result.candidates, 1)
        ]
        return VI.did_you_mean + "\n" + "\n".join(options)
    agency = settings.agency  # unlike the bot, `ask` records nothing: its own wording
    return (
        f"Xin lỗi, tôi chưa có câu trả lời cho câu hỏi này. Vui lòng liên hệ {agency.name}, "
        f"đường dây nóng {agency.hotline}, địa chỉ {agency.address}."
    )


def _ask(settings: Settings, args: argparse.Namespace) -> int:
    knowledge = load_knowledge(args.faq or settings.faq.dir, settings.matching)
    faq, matcher = knowledge.faq, knowledge.matcher
    questions = args.questions or (line.rstrip("\n") for line in sys.stdin)
    for question in questions:
        if not question.strip():
            continue
        result = matcher.match(question)
        print(_as_json(question, result) if args.json else _as_text(faq, settings, result) + "\n", flush=True)
    return 0


def _check(settings: Settings, args: argparse.Namespace) -> int:
    thresholds = Thresholds.from_settings(settings.matching)
    problems = check_faq(args.dir or settings.faq.dir, CheckRules.from_settings(settings.faq), thresholds=thresholds)
    if args.dir is None:  # the configured content: the case status glossary too
        problems += load_glossary(settings.cases.glossary)[1]
    problems += placeholder_problems(settings)  # the agency details citizens are shown, from config.yaml
    for problem in problems:
        print(problem)
    errors = sum(not p.warning for p in problems)
    warnings = len(problems) - errors
    print(f"Kết quả: {errors} lỗi, {warnings} cảnh báo.", file=sys.stderr)
    return 1 if errors or (warnings and args.strict) else 0


def _faq_sheet(settings: Settings, args: argparse.Namespace) -> int:
    from bot.faq.sheet_cli import export_command, import_command  # noqa: PLC0415 - openpyxl: ~0.1 s at start

    folder = args.dir or settings.faq.dir
    if args.faq_command == "export":
        return export_command(folder, args.xlsx or args.csv, "xlsx" if args.xlsx else "csv")
    rules, thresholds = CheckRules.from_settings(settings.faq), Thresholds.from_settings(settings.matching)
    return import_command(args.file, folder, lambda d: check_faq(d, rules, thresholds=thresholds), dry_run=args.dry_run)


def _cases(settings: Settings, args: argparse.Namespace) -> int:
    out = args.out or settings.cases.database
    if args.cases_command == "demo":
        report, samples = build_demo(settings, out, args.count)
        print(f"Đã tạo {report.cases} hồ sơ mẫu tại {out}.")
        print("Thử tra cứu (mã hồ sơ: năm sinh người được thi hành án / người phải thi hành án):")
        for sample in samples:
            print(f"  {sample.code}: {sample.creditor_factor} / {sample.debtor_factor}")
        return 0
    cases = settings.cases
    statuses = set(load_glossary(cases.glossary)[0])
    try:
        report = import_rows(read_csv(args.csv), out, CodeFormat.configured(cases), statuses, cases.factor_min_digits)
    except UnicodeDecodeError:
        print(
            f"{args.csv}: tệp không phải mã hóa UTF-8; hãy lưu lại bằng Excel dạng 'CSV UTF-8'. "
            "Bản dữ liệu đang dùng không thay đổi.",
            file=sys.stderr,
        )
        return 1
    except (OSError, ValueError) as exc:
        print(f"{args.csv}: {exc}", file=sys.stderr)
        return 1
    for error in report.errors:
        print(f"{args.csv}: {error}")
    if report.error_count:
        more = report.error_count - len(report.errors)
        tail = f" (và {more} lỗi khác)" if more > 0 else ""
        print(f"Không nhập: {report.error_count} lỗi{tail}. Bản dữ liệu đang dùng không thay đổi.", file=sys.stderr)
        return 1
    print(f"Đã nhập {report.cases} hồ sơ vào {out}.", file=sys.stderr)
    return 0


def _serve(settings: Settings, console: bool) -> int:
    if settings.token and not console:
        # Opt in to python-telegram-bot's coming RetryAfter.retry_after as a timedelta (handled in
        # bot/handlers/common.py); PTB reads the variable whenever a RetryAfter's wait is read.
        os.environ.setdefault("PTB_TIMEDELTA", "1")
        from bot.app import run  # noqa: PLC0415 - telegram (~0.3 s) only for the bot, not `health` or `ask`

        log.info("starting the Telegram bot (%s mode)", settings.telegram.mode)
        run(settings)
        return 0
    from bot.console import run_console  # noqa: PLC0415 - the service graph only for the console

    asyncio.run(run_console(settings, sys.stdin, sys.stdout))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
        key = configured_key()  # STATE_HMAC_KEY(_FILE), when set, must be usable
        if settings.state.url and key is None:
            raise ConfigError(
                f"state.url: PostgreSQL cần khóa bí mật trong {KEY_ENV} hoặc {KEY_FILE_ENV} "
                f"(a PostgreSQL state database needs {KEY_ENV} or {KEY_FILE_ENV})"
            )
    except ConfigError as exc:
        print(f"Lỗi cấu hình (configuration error):\n{exc}", file=sys.stderr)
        return 1 if args.command == "health" else 2  # Docker reserves a health check's exit code 2
    setup_logging(
        settings.logging.level, secrets_of(settings.token, settings.webhook_secret, url_password(settings.state.url))
    )
    if args.command == "health":
        from bot.healthz import check  # noqa: PLC0415 - aiohttp only for this command

        return check(settings)
    folder = getattr(args, "faq", None) or getattr(args, "dir", None) or settings.faq.dir
    if folder.is_dir() and finish_interrupted(folder):
        print(f"Đã hoàn tất lần nhập câu hỏi bị gián đoạn trước đó trong {folder}.", file=sys.stderr)
    problem = _faq_folder_problem(settings, args)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        return _dispatch(settings, args)
    except StateUnavailableError as exc:
        print(f"Lỗi: {exc}.", file=sys.stderr)
        return 3
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        print(
            f"Lỗi: cơ sở dữ liệu {settings.state.database} đang bị khóa bởi tiến trình khác (bot đang chạy?) "
            f"quá {settings.state.busy_timeout_seconds:g} giây; hãy thử lại sau. "
            "(The state database is locked; try again later.)",
            file=sys.stderr,
        )
        return 3


def _faq_folder_problem(settings: Settings, args: argparse.Namespace) -> str | None:
    """A one-line error when the command needs the FAQ and its folder is missing or has no files."""
    faq_command = getattr(args, "faq_command", None)
    if args.command in {"faq", "cases", "announce"} and faq_command not in {"gaps", "stats", "export"}:
        return None
    folder = getattr(args, "faq", None) or getattr(args, "dir", None) or settings.faq.dir
    if not folder.is_dir():
        return (
            f"Lỗi: không có thư mục câu hỏi {folder} (kiểm tra faq.dir trong cấu hình hoặc --faq / --dir). "
            "(FAQ folder not found.)"
        )
    if not faq_files(folder):
        return f"Lỗi: thư mục câu hỏi {folder} không có tệp câu hỏi *.yaml nào. (FAQ folder is empty.)"
    return None


def _dispatch(settings: Settings, args: argparse.Namespace) -> int:
    if args.command == "ask":
        return _ask(settings, args)
    if args.command == "faq" and args.faq_command in {"gaps", "stats"}:
        return report(settings, args)
    if args.command == "faq" and args.faq_command in {"export", "import"}:
        return _faq_sheet(settings, args)
    if args.command == "faq":
        return _check(settings, args)
    if args.command == "cases":
        return _cases(settings, args)
    if args.command == "announce":
        return asyncio.run(announce(settings, args))
    return _serve(settings, console=args.command == "console")


if __name__ == "__main__":
    sys.exit(main())
