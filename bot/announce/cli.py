"""`python -m bot announce`: queue an announcement from a terminal, list broadcasts, cancel one.

The running bot picks queued announcements up from the state database (within a second or two,
or at the scheduled time), so the terminal and Telegram share one outbox.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.announce.board import Board
from bot.announce.model import Content, Status, in_the_past, parse_when, queued
from bot.config import Settings
from bot.services import open_state
from bot.state import StateStore

STATUS_VI = {
    Status.DRAFT: "bản nháp",
    Status.AWAITING_APPROVAL: "chờ duyệt",
    Status.SCHEDULED: "đã hẹn giờ",
    Status.SENDING: "đang gửi",
    Status.DONE: "đã gửi xong",
    Status.CANCELLED: "đã hủy",
}


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `announce` command's arguments."""
    parser = commands.add_parser(
        "announce",
        help="thông báo: xếp hàng gửi (--topic, --text-file), xem (status), hủy (cancel N)",
        description="Xếp một thông báo vào hàng gửi; bot đang chạy sẽ gửi nó. "
        "`announce status`: danh sách; `announce cancel N`: hủy thông báo số N.",
    )
    parser.add_argument("action", nargs="?", choices=["status", "cancel"], help="status | cancel")
    parser.add_argument("number", nargs="?", type=int, help="số thông báo (với cancel)")
    parser.add_argument("--topic", help="mã chủ đề trong config.yaml (announcements.topics)")
    parser.add_argument("--text-file", type=Path, help="tệp văn bản UTF-8 chứa nội dung thông báo")
    parser.add_argument("--at", help='giờ gửi (giờ Việt Nam), ví dụ "01/12/2026 08:00"; mặc định: ngay')
    parser.add_argument("--author", default="Máy tính", help="tên người soạn, ghi vào báo cáo")


async def run(settings: Settings, args: argparse.Namespace) -> int:
    """Do what the arguments ask; exit code 0 on success, 1 on a refused request."""
    async with await open_state(settings) as state:
        if args.action == "status":
            return await _status(settings, state)
        if args.action == "cancel":
            if args.number is None:
                return _fail("Hãy cho biết số thông báo cần hủy, ví dụ: announce cancel 12")
            if await state.announcements.cancel(args.number):
                print(f"Đã hủy thông báo #{args.number}; phần chưa gửi sẽ không được gửi.")
                return 0
            return _fail(f"Không hủy được #{args.number}: không có, hoặc đã gửi xong / đã hủy.")
        return await _queue(settings, state, args)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


async def _queue(settings: Settings, state: StateStore, args: argparse.Namespace) -> int:
    config = settings.announcements
    topics = {topic.id: topic.title for topic in config.topics}
    if not args.topic or not args.text_file:
        return _fail("Cần --topic và --text-file (hoặc: announce status).")
    if args.topic not in topics:
        listed = ", ".join(f"{key} ({title})" for key, title in topics.items())
        return _fail(f"Chủ đề '{args.topic}' không có trong cấu hình. Các chủ đề: {listed}.")
    try:
        text = args.text_file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(f"{args.text_file}: không đọc được tệp văn bản UTF-8 ({exc.__class__.__name__}).")
    board = Board(state.announcements, config, settings.agency)
    content = Content(text)
    problem = board.problem(content, args.topic)
    if problem:
        return _fail(f"{args.text_file}: {problem}")
    when = None
    if args.at:
        when = parse_when(args.at, ZoneInfo(config.timezone))
        if when is None:
            return _fail(f"--at: không hiểu thời điểm '{args.at}'; ví dụ \"01/12/2026 08:00\" (giờ Việt Nam).")
        if in_the_past(when):
            return _fail(f"--at: thời điểm {board.local(when)} đã qua.")
    status, send_at = queued(config.require_approval, when)
    number = await state.announcements.create(args.topic, content, 0, args.author, status=status, send_at=send_at)
    audience = await state.announcements.audience(args.topic)
    if config.require_approval:
        print(f"Đã tạo thông báo #{number}; đang chờ cán bộ duyệt trong Telegram.")
    elif when:
        print(f"Đã hẹn gửi thông báo #{number} lúc {board.local(when)} (giờ Việt Nam).")
    else:
        print(f"Đã xếp thông báo #{number} vào hàng gửi; bot đang chạy sẽ gửi ngay.")
    print(f"Chủ đề: {topics[args.topic]} · người nhận hiện có: {audience}.")
    return 0


async def _status(settings: Settings, state: StateStore) -> int:
    board = Board(state.announcements, settings.announcements, settings.agency)
    items = await state.announcements.recent()
    if not items:
        print("Chưa có thông báo nào.")
        return 0
    print(
        f"{'#':>5}  {'trạng thái':<12} {'chủ đề':<20} {'giờ gửi':<16} {'đã gửi':>13} {'chặn':>6} {'lỗi':>5} {'hủy':>6}"
    )
    for item in items:
        c = item.counts
        when = board.local(item.started_at or item.send_at or item.created_at)
        title = board.topic_title(item.topic)[:20]
        print(
            f"{item.id:>5}  {STATUS_VI[item.status]:<12} {title:<20} {when:<16} {f'{c.sent}/{c.total}':>13} "
            f"{c.blocked:>6} {c.failed:>5} {c.cancelled:>6}"
        )
    return 0
