"""Sentences about announcements: citizens' (Vietnamese and English) and officials' (Vietnamese,
the agency's working language). Values inserted with str.format are escaped by the caller."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BoardTexts:
    """What citizens read about subscriptions and the archive."""

    menu: str
    subscribe_button: str
    archive_button: str
    choose: str
    consent: str
    on: str
    off: str
    all_topics: str
    done: str
    subscribed: str
    unsubscribed: str
    unsubscribed_all: str
    none_subscribed: str
    archive_title: str
    archive_empty: str
    archive_item: str
    attachment: str
    older: str
    newer: str
    stop_hint: str


BOARD_VI = BoardTexts(
    menu=(
        "<b>📢 Thông báo của {agency}</b>\n\nNhận tin về lịch đấu giá tài sản, lịch tiếp công dân và các "
        "thông báo chung ngay trên Telegram, hoặc xem các thông báo đã đăng."
    ),
    subscribe_button="🔔 Đăng ký nhận thông báo",
    archive_button="📜 Xem thông báo đã đăng",
    choose="<b>Đăng ký nhận thông báo</b>\nBấm vào một chủ đề để bật (✅) hoặc tắt (⬜).\n\n{consent}",
    consent=(
        "<i>Khi bật một chủ đề, bạn đồng ý nhận tin nhắn thông báo của {agency} về chủ đề đó qua bot này. "
        "Bot chỉ lưu mã cuộc trò chuyện để gửi tin, không lưu họ tên hay số điện thoại. Muốn dừng: gõ "
        "/huydangky bất cứ lúc nào, hoặc tắt chủ đề ở đây.</i>"
    ),
    on="✅ {topic}",
    off="⬜ {topic}",
    all_topics="Bật tất cả",
    done="Xong",
    subscribed="Đã bật: {topic}",
    unsubscribed="Đã tắt: {topic}",
    unsubscribed_all=(
        "Bạn đã hủy đăng ký tất cả thông báo ({count} chủ đề) và sẽ không nhận thêm tin nào. Muốn nhận lại: gõ /dangky."
    ),
    none_subscribed="Bạn chưa đăng ký nhận thông báo nào. Muốn nhận: gõ /dangky.",
    archive_title="<b>📜 Thông báo đã đăng</b> (trang {page}/{pages}, mới nhất trước)",
    archive_empty="Chưa có thông báo nào được đăng.",
    archive_item="<b>{date}</b> · {topic}\n{text}",
    attachment="[kèm ảnh hoặc tệp — xem trong tin nhắn đã nhận]",
    older="Cũ hơn ▶",
    newer="◀ Mới hơn",
    stop_hint="Ngừng nhận: /huydangky",
)

BOARD_EN = BoardTexts(
    menu=(
        "<b>📢 Announcements from {agency}</b>\n\nGet asset auction dates, citizen reception days and general "
        "notices right here on Telegram, or read the announcements already published."
    ),
    subscribe_button="🔔 Subscribe to announcements",
    archive_button="📜 Published announcements",
    choose="<b>Subscribe to announcements</b>\nTap a topic to turn it on (✅) or off (⬜).\n\n{consent}",
    consent=(
        "<i>By turning a topic on you agree to receive {agency}'s announcements on it through this bot. "
        "The bot keeps only the chat id needed to send them, not your name or phone number. To stop: "
        "type /huydangky at any time, or turn topics off here.</i>"
    ),
    on="✅ {topic}",
    off="⬜ {topic}",
    all_topics="Turn all on",
    done="Done",
    subscribed="On: {topic}",
    unsubscribed="Off: {topic}",
    unsubscribed_all=(
        "You are unsubscribed from all announcements ({count} topic(s)) and will get no more. "
        "To subscribe again: /dangky."
    ),
    none_subscribed="You are not subscribed to any announcements. To subscribe: /dangky.",
    archive_title="<b>📜 Published announcements</b> (page {page}/{pages}, newest first)",
    archive_empty="No announcements have been published yet.",
    archive_item="<b>{date}</b> · {topic}\n{text}",
    attachment="[with a photo or file — see the message you received]",
    older="Older ▶",
    newer="◀ Newer",
    stop_hint="Stop: /huydangky",
)


@dataclass(frozen=True)
class DeskTexts:
    """What officials read while composing, approving and sending."""

    refused: str = (
        "Xin lỗi, chức năng này chỉ dành cho cán bộ được cơ quan giao đăng thông báo. "
        "Nếu bạn cần hỏi về thi hành án, hãy gõ câu hỏi hoặc bấm /start."
    )
    compose: str = (
        "<b>Soạn thông báo mới</b>\n\nGửi nội dung trong <b>một</b> tin nhắn: văn bản, hoặc một ảnh / "
        "một tệp kèm chú thích. Gõ /huy để bỏ."
    )
    unsupported: str = "Chỉ nhận văn bản, một ảnh hoặc một tệp (kèm chú thích). Hãy gửi lại, hoặc gõ /huy để bỏ."
    pick_topic: str = "Chọn chủ đề của thông báo (người đã đăng ký chủ đề đó sẽ nhận):"
    preview: str = (
        "👆 <b>Bản xem trước</b>, đúng như người nhận sẽ thấy.\n\nThông báo #{id} · "
        "chủ đề <b>{topic}</b> · người nhận hiện có: <b>{audience}</b>.\nGửi ngay, hẹn giờ hay hủy?"
    )
    send_now: str = "📤 Gửi ngay"
    schedule: str = "🕒 Hẹn giờ"
    discard: str = "✖ Hủy"
    ask_time: str = "Nhập thời điểm gửi (giờ Việt Nam), ví dụ <code>{example}</code>. Gõ /huy để bỏ hẹn giờ."
    bad_time: str = "Không hiểu thời điểm này. Hãy nhập theo dạng <code>{example}</code> (ngày/tháng/năm giờ:phút)."
    past_time: str = "Thời điểm đó đã qua. Hãy nhập một thời điểm trong tương lai."
    scheduled: str = (
        "🕒 Thông báo #{id} sẽ được gửi lúc <b>{at}</b> (giờ Việt Nam) tới người đăng ký chủ đề <b>{topic}</b>."
    )
    unschedule: str = "✖ Hủy lịch gửi"
    queued: str = "📤 Thông báo #{id} đang được chuẩn bị gửi tới người đăng ký chủ đề <b>{topic}</b>…"
    awaiting: str = (
        "⏳ Thông báo #{id} đang chờ một cán bộ khác duyệt. Bạn sẽ được báo khi thông báo được duyệt hoặc bị từ chối."
    )
    approval: str = (
        "<b>Cần duyệt thông báo #{id}</b> (👆 nội dung ở trên)\nNgười soạn: {author} · chủ đề "
        "<b>{topic}</b> · gửi: {when} · người nhận hiện có: {audience}."
    )
    approve: str = "✅ Duyệt"
    reject: str = "❌ Từ chối"
    when_now: str = "ngay khi được duyệt"
    approved: str = "✅ Thông báo #{id} đã được {approver} duyệt."
    rejected: str = "❌ Thông báo #{id} đã bị {approver} từ chối và sẽ không được gửi."
    own: str = "Bạn không thể tự duyệt thông báo của mình."
    progress: str = (
        "📤 <b>Đang gửi thông báo #{id}</b> ({topic})\nĐã gửi: {sent}/{total} · đã chặn bot: {blocked} · "
        "lỗi: {failed} · còn lại: {pending}"
    )
    finished: str = (
        "✅ <b>Đã gửi xong thông báo #{id}</b> ({topic})\nĐã gửi: {sent}/{total} · đã chặn bot: {blocked}"
        " · lỗi: {failed}\nBắt đầu {started}, xong {finished} (giờ Việt Nam)."
    )
    stopped: str = (
        "⛔ <b>Đã dừng thông báo #{id}</b> ({topic})\nĐã gửi: {sent}/{total} · không gửi: {cancelled} · "
        "đã chặn bot: {blocked} · lỗi: {failed}"
    )
    stop: str = "⛔ Dừng gửi"
    discarded: str = "Đã hủy thông báo #{id}. Không có tin nào được gửi."
    expired: str = "Thao tác này không còn hiệu lực (thông báo đã được xử lý)."
    cancelled: str = "Đã bỏ soạn thông báo."
    not_yours: str = "Chỉ người soạn mới chọn chủ đề, gửi, hẹn giờ hoặc hủy được bản nháp này."


DESK = DeskTexts()
