"""Synthetic but realistic case data: Vietnamese names, regional offices of the post-2025
structure (placeholders), statuses with plausible timelines. Nobody in it exists."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Hoàng",
    "Võ",
    "Phan",
    "Trương",
    "Bùi",
    "Đặng",
    "Đỗ",
    "Ngô",
    "Hồ",
    "Dương",
    "Đinh",
    "Lương",
    "Y",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Xuân", "Kim", "Công", "Thành"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hà",
    "Hải",
    "Hạnh",
    "Hòa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quý",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thủy",
    "Trang",
    "Tuấn",
    "Vy",
    "Yến",
    "Blông",
]
OFFICES = [
    (
        f"KV{n}",
        f"Phòng Thi hành án dân sự khu vực {n} [tên chính thức: cơ quan cập nhật]",
        "[Địa chỉ: cơ quan cập nhật]",
        "[Số điện thoại: cơ quan cập nhật]",
    )
    for n in range(1, 7)
]
# Statuses in the order a case can move through them, with the event that leads there.
TIMELINE = [
    ("da-ra-quyet-dinh", "Ra quyết định thi hành án"),
    ("tu-nguyen", "Gửi thông báo, bắt đầu thời hạn tự nguyện thi hành án"),
    ("xac-minh", "Xác minh điều kiện thi hành án"),
    ("cuong-che", "Ra quyết định cưỡng chế: khấu trừ tiền trong tài khoản"),
    ("dau-gia", "Ký hợp đồng bán đấu giá tài sản đã kê biên"),
    ("da-thi-hanh-xong", "Xác nhận đã thi hành xong"),
]
DETOURS = [
    ("chua-co-dieu-kien", "Quyết định về việc chưa có điều kiện thi hành án"),
    ("hoan", "Quyết định hoãn thi hành án"),
    ("tam-dinh-chi", "Quyết định tạm đình chỉ thi hành án"),
]


@dataclass(frozen=True)
class Sample:
    """A demo case anyone can try: its code and both parties' second factor (year of birth)."""

    code: str
    creditor_factor: str
    debtor_factor: str


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def demo_rows(
    count: int, seed: int = 2026, samples: list[Sample] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """`count` CSV-shaped rows (line number, row), codes QN-YYYY-NNNNNN."""
    rng = random.Random(seed)
    today = dt.date(2026, 11, 27)
    for number in range(count):
        year = 2024 + number % 3  # three years of cases, numbered within each year
        code = f"QN-{year}-{number // 3 + 1:06d}"
        decided = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 300 if year == 2026 else 360))
        steps = rng.randint(1, len(TIMELINE))
        events, day = [], decided
        for status, text in TIMELINE[:steps]:
            events.append((day, status, text))
            day += dt.timedelta(days=rng.randint(3, 40))
        if steps in (3, 4) and rng.random() < 0.4:
            events.append((day, *rng.choice(DETOURS)))
        events = [e for e in events if e[0] <= today] or events[:1]
        due = rng.randrange(2, 800) * 1_000_000
        status = events[-1][1]
        paid = due if status == "da-thi-hanh-xong" else rng.choice([0, 0, due // 4, due // 2])
        office = rng.choice(OFFICES)
        creditor_year, debtor_year = str(rng.randint(1950, 2004)), str(rng.randint(1950, 2004))
        if samples is not None and len(samples) < 5:
            samples.append(Sample(code, creditor_year, debtor_year))
        yield (
            number + 2,
            {
                "code": code,
                "status": status,
                "office_id": office[0],
                "office_name": office[1],
                "office_address": office[2],
                "office_phone": office[3],
                "executor": _name(rng),
                "decided_on": decided.isoformat(),
                "updated_on": events[-1][0].isoformat(),
                "amount_due": str(due),
                "amount_paid": str(paid),
                "creditor_name": _name(rng),
                "debtor_name": _name(rng),
                "creditor_factor": creditor_year,
                "debtor_factor": debtor_year,
                "events": " | ".join(f"{d.isoformat()}: {text}" for d, _, text in events),
            },
        )
