"""What a citizen who writes too fast is told, once (Vietnamese first, English for English clients)."""

from __future__ import annotations

SLOW_DOWN_VI = (
    "Bạn gửi tin nhắn hơi nhanh, tôi chưa kịp trả lời hết. Bạn vui lòng chờ vài giây rồi gửi lại câu hỏi nhé."
)
SLOW_DOWN_EN = "You are sending messages a little fast for me. Please wait a few seconds, then ask again."


def slow_down(language_code: str | None) -> str:
    return SLOW_DOWN_EN if (language_code or "").lower().startswith("en") else SLOW_DOWN_VI
