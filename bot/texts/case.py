"""The case lookup's sentences (bot/lookup.py), Vietnamese first, English second."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaseTexts:
    """The case lookup's sentences."""

    ask_code: str
    bad_format: str
    ask_factor: str
    not_found: str
    limited: str
    cancelled: str
    unavailable: str
    title: str
    status: str
    next_steps: str
    creditor: str
    debtor: str
    amounts: str
    office: str
    contact: str
    dates: str
    events: str
    unknown_status: str
    cancel: str
    follow: str
    following: str
    changed: str
    unfollow: str
    unfollowed: str
    locked: str
    offline: str


CASE_VI = CaseTexts(
    ask_code="Vui lòng gõ <b>mã hồ sơ</b> ghi trên quyết định hoặc giấy báo (ví dụ <code>{example}</code>).",
    bad_format="Mã hồ sơ chưa đúng định dạng. Mã có dạng <code>{example}</code>; bạn hãy gõ lại, hoặc /huy để thôi.",
    ask_factor="Để bảo vệ thông tin, vui lòng gõ {factor}. Chỉ khi khớp, tôi mới cho xem tình trạng hồ sơ.",
    not_found=(
        "Không tìm thấy hồ sơ khớp với mã và thông tin xác minh bạn gửi. Hãy kiểm tra lại giấy tờ, "
        "hoặc liên hệ cơ quan thi hành án: đường dây nóng {hotline}."
    ),
    limited=(
        "Bạn đã tra cứu sai nhiều lần. Để bảo vệ thông tin của người dân, tính năng tra cứu tạm dừng với "
        "tài khoản này trong ít phút (tối đa 1 giờ). Cần gấp, vui lòng gọi {hotline}."
    ),
    cancelled="Đã thôi tra cứu. Bạn có thể gõ câu hỏi khác.",
    unavailable="Dữ liệu hồ sơ đang được cập nhật, bạn vui lòng thử lại sau ít phút hoặc gọi {hotline}.",
    title="<b>Hồ sơ {code}</b>",
    status="Tình trạng: <b>{title}</b>",
    next_steps="<i>Bạn có thể:</i> {text}",
    creditor="Người được thi hành án: {name}",
    debtor="Người phải thi hành án: {name}",
    amounts="Phải thi hành: {due} · Đã thi hành: {paid} · Còn lại: {left}",
    office="Đơn vị phụ trách: {office}; Chấp hành viên: {executor}",
    contact="Liên hệ: {phone}, {address}",
    dates="Quyết định ngày {decided} · Cập nhật ngày {updated}",
    events="<b>Diễn biến gần đây</b>",
    unknown_status="Trạng thái {status}: vui lòng hỏi Chấp hành viên để biết chi tiết.",
    cancel="✖️ Thôi tra cứu",
    follow="🔔 Theo dõi hồ sơ này",
    following=(
        "Đã đăng ký: khi hồ sơ {code} có trạng thái hoặc diễn biến mới, tôi sẽ nhắn cho bạn. "
        "Gõ /huytheodoi để thôi nhận bất cứ lúc nào."
    ),
    changed="🔔 Hồ sơ <b>{code}</b> có cập nhật ({date}): <b>{status}</b>\n{event}\nGõ /tracuu để xem chi tiết.",
    unfollow="🔕 Thôi theo dõi",
    unfollowed="Đã thôi theo dõi {count} hồ sơ.",
    locked=(
        "Hồ sơ này đã bị nhập sai thông tin xác minh quá nhiều lần, nên tạm khóa tra cứu trực tuyến "
        "để bảo vệ người dân. Bạn vui lòng liên hệ Chấp hành viên phụ trách hoặc gọi {hotline}."
    ),
    offline=(
        "Tra cứu hồ sơ trực tuyến tạm thời chưa sẵn sàng. Bạn vui lòng liên hệ Chấp hành viên phụ trách "
        "hoặc gọi đường dây nóng {hotline}."
    ),
)

CASE_EN = CaseTexts(
    ask_code="Please type the <b>case code</b> printed on the decision or notice (e.g. <code>{example}</code>).",
    bad_format="That code does not look right. Codes look like <code>{example}</code>; type it again, or /huy to stop.",
    ask_factor="To protect personal data, please type {factor}. Only if it matches will I show the case.",
    not_found=(
        "No case matches the code and verification you sent. Please check your papers, or contact the "
        "enforcement agency: hotline {hotline}."
    ),
    limited=(
        "Too many failed lookups. To protect citizens' data, lookups are paused for this account for a while "
        "(up to one hour). If urgent, call {hotline}."
    ),
    cancelled="Lookup cancelled. You can ask another question.",
    unavailable="Case data is being updated; please try again in a few minutes or call {hotline}.",
    title="<b>Case {code}</b>",
    status="Status: <b>{title}</b>",
    next_steps="<i>What you can do:</i> {text}",
    creditor="Judgment creditor: {name}",
    debtor="Judgment debtor: {name}",
    amounts="Due: {due} · Paid: {paid} · Remaining: {left}",
    office="Office in charge: {office}; enforcement officer: {executor}",
    contact="Contact: {phone}, {address}",
    dates="Decision of {decided} · Updated {updated}",
    events="<b>Recent steps</b>",
    unknown_status="Status {status}: please ask the enforcement officer for details.",
    cancel="✖️ Stop lookup",
    follow="🔔 Follow this case",
    following="Done: when case {code} gets a new status or step, I will message you. Type /huytheodoi to stop.",
    changed="🔔 Case <b>{code}</b> was updated ({date}): <b>{status}</b>\n{event}\nType /tracuu for details.",
    unfollow="🔕 Stop following",
    unfollowed="Stopped following {count} case(s).",
    locked=(
        "This case has received too many wrong verification answers, so online lookup of it is paused to "
        "protect the people concerned. Please contact the enforcement officer in charge or call {hotline}."
    ),
    offline="Online case lookup is not available yet. Please contact the enforcement officer or call {hotline}.",
)
