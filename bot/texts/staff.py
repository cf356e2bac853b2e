"""Sentences for communications staff (Vietnamese, the agency's working language)."""

from __future__ import annotations

REFUSED = "Xin lỗi, lệnh này chỉ dành cho cán bộ biên tập bộ câu hỏi của cơ quan."
PRIVATE_ONLY = (
    "Lệnh này có nội dung câu hỏi của người dân: chỉ dùng trong chat riêng với bot hoặc trong "
    "nhóm cán bộ đã cấu hình (staff.chat_id)."
)
BAD_DATE = "Ngày không hợp lệ; hãy ghi dạng YYYY-MM-DD, ví dụ /faq_gaps 2026-11-01."
