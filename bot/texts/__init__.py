"""Every sentence the bot says, Vietnamese first, English second. Telegram HTML is allowed;
values inserted with str.format are escaped by the caller."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Texts:
    """The interface texts of one language."""

    welcome: str
    help: str
    menu_ask: str
    menu_browse: str
    menu_case: str
    menu_news: str
    menu_contact: str
    menu_language: str
    ask_prompt: str
    case_soon: str
    news_soon: str
    contact: str
    no_match: str
    did_you_mean: str
    none_of_these: str
    legal_basis: str
    reviewed: str
    related: str
    no_english: str
    helpful: str
    not_helpful: str
    thanks_feedback: str
    topics: str
    topic_page: str
    back: str
    previous: str
    next: str
    main_menu: str
    please_type: str
    too_long: str
    greeting: str
    thanks: str
    goodbye: str
    who_am_i: str
    language_set: str
    choose_language: str
    error: str
    expired: str
    commands: tuple[tuple[str, str], ...]


VI = Texts(
    welcome=(
        "Xin chào! Tôi là trợ lý hỏi đáp về <b>thi hành án dân sự</b> của {agency}.\n\n"
        "Tôi có thể:\n"
        "• trả lời các câu hỏi thường gặp (gõ có dấu hay không dấu đều được);\n"
        "• cho xem câu hỏi theo chủ đề;\n"
        "• chỉ nơi liên hệ khi tôi chưa biết câu trả lời.\n\n"
        "<i>Đây là thông tin chung, không phải tư vấn pháp lý cho từng vụ việc.</i>\n"
        "Hãy gõ câu hỏi của bạn, hoặc chọn bên dưới."
    ),
    help=(
        "<b>Cách dùng</b>\n"
        "• Gõ câu hỏi bằng lời của bạn, ví dụ: <i>có được trả góp tiền thi hành án không</i>.\n"
        "• /chude: xem câu hỏi theo chủ đề.\n"
        "• /lienhe: địa chỉ, đường dây nóng của cơ quan.\n"
        "• /tracuu: tra cứu tình trạng hồ sơ (cần mã hồ sơ và thông tin xác minh).\n"
        "• /dangky, /huydangky: nhận hoặc ngừng nhận thông báo (đấu giá, lịch tiếp dân…); /thongbao: xem lại.\n"
        "• /lang: đổi ngôn ngữ (Tiếng Việt / English).\n"
        "• /start: về màn hình đầu.\n\n"
        "Tôi chỉ cung cấp thông tin chung, không thay thế ý kiến của Chấp hành viên hay luật sư."
    ),
    menu_ask="❓ Đặt câu hỏi",
    menu_browse="📚 Câu hỏi theo chủ đề",
    menu_case="🔎 Tra cứu hồ sơ",
    menu_news="📢 Thông báo",
    menu_contact="☎️ Liên hệ",
    menu_language="🌐 English",
    ask_prompt="Bạn cứ gõ câu hỏi, ví dụ: <i>nộp tiền thi hành án ở đâu</i>.",
    case_soon=(
        "Tính năng tra cứu hồ sơ đang được chuẩn bị. Trong lúc chờ, bạn có thể hỏi Chấp hành viên "
        "phụ trách hoặc gọi đường dây nóng {hotline}."
    ),
    news_soon="Tính năng nhận thông báo (lịch tiếp dân, đấu giá tài sản…) đang được chuẩn bị.",
    contact=(
        "<b>{agency}</b>\n"
        "Địa chỉ: {address}\n"
        "Đường dây nóng: {hotline}\n"
        "Giờ tiếp công dân: {office_hours}\n"
        "Trang thông tin: {website}"
    ),
    no_match=(
        "Xin lỗi, tôi chưa có câu trả lời cho câu hỏi này. Câu hỏi đã được ghi lại để cán bộ bổ sung.\n\n"
        "Bạn có thể hỏi lại bằng cách khác, xem câu hỏi theo chủ đề, hoặc liên hệ trực tiếp:\n"
        "<b>{agency}</b>, đường dây nóng {hotline}, địa chỉ {address}."
    ),
    did_you_mean="Có phải bạn muốn hỏi một trong các câu sau?",
    none_of_these="Không phải các câu trên",
    legal_basis="Căn cứ pháp lý",
    reviewed="Cập nhật ngày {date}",
    related="Câu hỏi liên quan",
    no_english="",
    helpful="👍 Hữu ích",
    not_helpful="👎 Chưa hữu ích",
    thanks_feedback="Cảm ơn bạn đã góp ý!",
    topics="Chọn một chủ đề:",
    topic_page="<b>{title}</b> (trang {page}/{pages}):",
    back="⬅️ Quay lại",
    previous="◀️ Trước",
    next="Sau ▶️",
    main_menu="🏠 Màn hình đầu",
    please_type=(
        "Tôi chỉ đọc được tin nhắn chữ. Bạn vui lòng gõ câu hỏi của mình "
        "(không cần gửi ảnh, giọng nói hay tệp)."
    ),
    too_long="Tin nhắn khá dài, tôi đã đọc phần đầu ({limit} ký tự).",
    greeting="Xin chào! Bạn cần hỏi gì về thi hành án dân sự? Cứ gõ câu hỏi, hoặc chọn bên dưới.",
    thanks="Không có gì ạ! Nếu còn thắc mắc, bạn cứ hỏi tiếp.",
    goodbye="Chào bạn! Khi cần, bạn cứ nhắn lại cho tôi.",
    who_am_i=(
        "Tôi là trợ lý tự động của {agency}, trả lời câu hỏi thường gặp về thi hành án dân sự. "
        "Tôi không phải người thật và không tư vấn cho từng vụ việc."
    ),
    language_set="Đã chuyển sang Tiếng Việt.",
    choose_language="Chọn ngôn ngữ / Choose a language:",
    error="Xin lỗi, đã có lỗi khi xử lý tin nhắn. Bạn vui lòng thử lại sau ít phút.",
    expired="Nút này đã cũ. Bạn hãy gõ lại câu hỏi hoặc bấm /start.",
    commands=(
        ("start", "Màn hình đầu"),
        ("help", "Hướng dẫn sử dụng"),
        ("chude", "Câu hỏi theo chủ đề"),
        ("lienhe", "Liên hệ cơ quan thi hành án"),
        ("tracuu", "Tra cứu hồ sơ thi hành án"),
        ("thongbao", "Thông báo đã đăng"),
        ("dangky", "Đăng ký nhận thông báo"),
        ("huydangky", "Hủy đăng ký nhận thông báo"),
        ("lang", "Đổi ngôn ngữ / Language"),
    ),
)

EN = Texts(
    welcome=(
        "Hello! I answer questions about <b>civil judgment enforcement</b> for {agency}.\n\n"
        "I can:\n"
        "• answer frequently asked questions;\n"
        "• show questions by topic;\n"
        "• tell you whom to contact when I do not know.\n\n"
        "<i>This is general information, not legal advice on your case.</i>\n"
        "Type your question, or choose below."
    ),
    help=(
        "<b>How to use</b>\n"
        "• Type your question in your own words, e.g. <i>can I pay in instalments</i>.\n"
        "• /chude: questions by topic.\n"
        "• /lienhe: the agency's address and hotline.\n"
        "• /tracuu: look up your case (code and verification needed).\n"
        "• /dangky, /huydangky: get or stop announcements (auctions, reception days…); /thongbao: read them.\n"
        "• /lang: change language (Tiếng Việt / English).\n"
        "• /start: back to the start.\n\n"
        "I give general information only; I do not replace the enforcement officer or a lawyer."
    ),
    menu_ask="❓ Ask a question",
    menu_browse="📚 Questions by topic",
    menu_case="🔎 Look up a case",
    menu_news="📢 Announcements",
    menu_contact="☎️ Contact",
    menu_language="🌐 Tiếng Việt",
    ask_prompt="Just type your question, e.g. <i>where do I pay the judgment debt</i>.",
    case_soon=(
        "Case lookup is being prepared. Meanwhile, ask the enforcement officer in charge or call "
        "the hotline {hotline}."
    ),
    news_soon="Announcements (reception days, asset auctions…) are being prepared.",
    contact=(
        "<b>{agency}</b>\n"
        "Address: {address}\n"
        "Hotline: {hotline}\n"
        "Reception hours: {office_hours}\n"
        "Website: {website}"
    ),
    no_match=(
        "Sorry, I do not have an answer to this question yet. It has been recorded so staff can add one.\n\n"
        "You can rephrase it, browse the topics, or contact the agency directly:\n"
        "<b>{agency}</b>, hotline {hotline}, address {address}."
    ),
    did_you_mean="Did you mean one of these?",
    none_of_these="None of these",
    legal_basis="Legal basis",
    reviewed="Reviewed on {date}",
    related="Related questions",
    no_english="<i>(No English version of this answer yet; the Vietnamese answer follows.)</i>",
    helpful="👍 Helpful",
    not_helpful="👎 Not helpful",
    thanks_feedback="Thank you for your feedback!",
    topics="Choose a topic:",
    topic_page="<b>{title}</b> (page {page}/{pages}):",
    back="⬅️ Back",
    previous="◀️ Previous",
    next="Next ▶️",
    main_menu="🏠 Start",
    please_type="I can only read text messages. Please type your question (no photos, voice or files needed).",
    too_long="Your message is long; I read the first {limit} characters.",
    greeting="Hello! What would you like to know about civil judgment enforcement? Type a question or choose below.",
    thanks="You are welcome! Ask again any time.",
    goodbye="Goodbye! Message me whenever you need.",
    who_am_i=(
        "I am the automated assistant of {agency}, answering frequently asked questions about civil "
        "judgment enforcement. I am not a person and do not advise on individual cases."
    ),
    language_set="Switched to English.",
    choose_language="Chọn ngôn ngữ / Choose a language:",
    error="Sorry, something went wrong while handling your message. Please try again in a few minutes.",
    expired="This button is outdated. Please type your question again or press /start.",
    commands=(
        ("start", "Start"),
        ("help", "How to use"),
        ("chude", "Questions by topic"),
        ("lienhe", "Contact the agency"),
        ("tracuu", "Look up a case"),
        ("thongbao", "Published announcements"),
        ("dangky", "Subscribe to announcements"),
        ("huydangky", "Unsubscribe from announcements"),
        ("lang", "Language / Ngôn ngữ"),
    ),
)

LANGUAGES = {"vi": VI, "en": EN}


def texts_for(language: str) -> Texts:
    """The texts of `language`, Vietnamese when unknown."""
    return LANGUAGES.get(language, VI)


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
