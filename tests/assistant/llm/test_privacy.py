"""The personal-data screen: Thai national IDs (checksum), phones, emails, student IDs, titled names."""

from __future__ import annotations

import pytest

from assistant.llm.privacy import (
    PersonalDataError,
    ensure_no_personal_data,
    find_personal_data,
    mask,
    thai_id_checksum_ok,
)

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def make_id(first12: str) -> str:
    """A 13-digit national ID with its correct check digit."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return first12 + str((11 - total % 11) % 10)


VALID = make_id("110370207181")
INVALID = VALID[:-1] + str((int(VALID[-1]) + 1) % 10)


def grouped(digits: str, sep: str) -> str:
    return sep.join([digits[0], digits[1:5], digits[5:10], digits[10:12], digits[12]])


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_personal_data(text)]


def test_checksum() -> None:
    assert thai_id_checksum_ok(VALID)
    assert not thai_id_checksum_ok(INVALID)
    assert not thai_id_checksum_ok("123")


@pytest.mark.parametrize(
    "text",
    [
        VALID,
        grouped(VALID, "-"),
        grouped(VALID, " "),
        VALID.translate(THAI),
        grouped(VALID, "-").translate(THAI),
        f"เลขบัตรประชาชน {grouped(VALID, '-')} ของนักเรียน",
    ],
)
def test_valid_national_ids_are_found_in_every_format(text: str) -> None:
    assert kinds(text) == ["national_id"]


@pytest.mark.parametrize("text", [INVALID, grouped(INVALID, "-"), INVALID.translate(THAI)])
def test_a_wrong_check_digit_is_not_a_national_id(text: str) -> None:
    assert "national_id" not in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "โทร 081-234-5678",
        "0812345678",
        "มือถือ 092 345 6789",
        "+66 81 234 5678",
        "+66812345678",
        "02-123-4567",
        "(02) 123 4567",
        "038-123-456",
        "โรงเรียน 039 511 234",
        "phone ๐๘๑-๒๓๔-๕๖๗๘",
    ],
)
def test_thai_phone_numbers(text: str) -> None:
    assert kinds(text) == ["phone"]


@pytest.mark.parametrize("text", ["ส่งงานที่ kru.somchai@school.ac.th นะ", "mail me: a_b+c@example.com."])
def test_emails(text: str) -> None:
    assert kinds(text) == ["email"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("เลขประจำตัวนักเรียน 12345", "student_id"),
        ("รหัสนักเรียน: 6601234", "student_id"),
        ("Student ID 20231", "student_id"),
        ("ด.ช.สมชาย ใจดี ทำโครงงาน", "name"),
        ("เด็กหญิงมะลิ สวยงาม ชั้น ป.5", "name"),
        ("นางสาวสุดา รักเรียน", "name"),
        ("นายสมชาย ใจดี", "name"),
        ("เด็กชายและเด็กหญิง ทุกคน รวมทั้งเด็กหญิงมานี ทองดี", "name"),
        ("นางสาวมานี และนายสมชาย ใจดี", "name"),
        ("Mr. John Smith helped", "name"),
    ],
)
def test_student_ids_and_names_after_titles(text: str, kind: str) -> None:
    assert kinds(text) == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "ปีการศึกษา 2567 ภาคเรียนที่ 1",
        "พ.ศ. 2567-2568 หน้า 120-135",
        "ดูหน้า 12 และหน้า 45 ได้คะแนน 18/20",
        "นายกเทศมนตรี มาเยี่ยมโรงเรียน",
        "นายอำเภอ มาเปิดงาน",
        "เด็กชายและเด็กหญิง ทุกคนร่วมกิจกรรม",
        "นักเรียนเด็กชาย ทุกคน ต้องส่งงาน",
        "ISBN 978-616-123-456-7",
        "ผักโต 12.5 เซนติเมตร ใน 14 วัน อุณหภูมิ 30 องศา",
        "I learned that plants need light. In 2024 we grew 30 plants.",
        "",
    ],
)
def test_clean_text_passes(text: str) -> None:
    assert find_personal_data(text) == []
    ensure_no_personal_data(text)


def test_refusal_names_every_kind_and_masks_values() -> None:
    raw_phone, raw_mail, raw_id = "081-234-5678", "kru.somchai@school.ac.th", grouped(VALID, "-")
    text = f"ครูโทร {raw_phone} อีเมล {raw_mail} เลข {raw_id}"
    with pytest.raises(PersonalDataError) as info:
        ensure_no_personal_data(text, "th")
    err = info.value
    assert err.kinds == ["phone", "email", "national_id"]
    message = str(err)
    assert "หมายเลขโทรศัพท์" in message and "อีเมล" in message and "เลขประจำตัวประชาชน" in message
    for raw in (raw_phone, raw_mail, raw_id, VALID):
        assert raw not in message
    english = err.message("en")
    assert "phone number" in english and "email address" in english and "national ID" in english


def test_mask_keeps_separators_and_ends() -> None:
    assert mask("081-234-5678", keep=2) == "08•-•••-••78"
    assert mask("12") == "••"
