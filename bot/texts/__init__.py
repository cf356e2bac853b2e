"""Every sentence the bot says, Vietnamese first, English second. Telegram HTML is allowed;
values inserted with str.format are escaped by the caller. The commands' descriptions (menu and
/help) are in bot/commands.py."""

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
    contact: str
    no_match: str
    did_you_mean: str
    none_of_these: str
    legal_basis: str
    reviewed: str
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
        "{commands}\n\n"
        "Tôi chỉ cung cấp thông tin chung, không thay thế ý kiến của Chấp hành viên hay luật sư."
    ),
    menu_ask="❓ Đặt câu hỏi",
    menu_browse="📚 Câu hỏi theo chủ đề",
    menu_case="🔎 Tra cứu hồ sơ",
    menu_news="📢 Thông báo",
    menu_contact="☎️ Liên hệ",
    menu_language="🌐 English",
    ask_prompt="Bạn cứ gõ câu hỏi, ví dụ: <i>nộp tiền thi hành án ở đâu</i>.",
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
        "Tôi chỉ đọc được tin nhắn chữ. Bạn vui lòng gõ câu hỏi của mình (không cần gửi ảnh, giọng nói hay tệp)."
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
        "{commands}\n\n"
        "I give general information only; I do not replace the enforcement officer or a lawyer."
    ),
    menu_ask="❓ Ask a question",
    menu_browse="📚 Questions by topic",
    menu_case="🔎 Look up a case",
    menu_news="📢 Announcements",
    menu_contact="☎️ Contact",
    menu_language="🌐 Tiếng Việt",
    ask_prompt="Just type your question, e.g. <i>where do I pay the judgment debt</i>.",
    contact=(
        "<b>{agency}</b>\nAddress: {address}\nHotline: {hotline}\nReception hours: {office_hours}\nWebsite: {website}"
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
)

LANGUAGES = {"vi": VI, "en": EN}


def texts_for(language: str) -> Texts:
    """The texts of `language`, Vietnamese when unknown."""
    return LANGUAGES.get(language, VI)
