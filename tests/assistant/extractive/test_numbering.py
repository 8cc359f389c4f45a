"""The count a text announces, numbered runs, and numbering in order."""

from assistant.extractive.numbering import announced, consecutive, numbered_run


def test_announced_reads_digits_thai_digits_and_words() -> None:
    assert announced("องค์ประกอบของเครือข่าย 7 ประการ ได้แก่") == 7
    assert announced("มี ๕ ขั้นตอน") == 5
    assert announced("The framework names five key competencies") == 5
    assert announced("ประกอบด้วยเจ็ดขั้นตอน") == 7
    assert announced("The school opened in 1998 with a library") is None


def test_consecutive_wants_numbers_in_order() -> None:
    assert consecutive([("1. Plan", 0), ("2. Do", 0), ("3. Check", 0)])
    assert not consecutive([("1. Plan", 0), ("3. Do", 0), ("2. Check", 0)])
    assert consecutive([("ก. วางแผน", 0), ("ข. ลงมือ", 0)])
    assert not consecutive([("Plan", 0), ("Do", 0)])


def test_numbered_run_drops_unnumbered_ends() -> None:
    items = [("Overview", 0), ("ขั้นที่ 1 วางแผน", 0), ("ขั้นที่ 2 ลงมือ", 0), ("Notes", 1)]
    assert [t for t, _ in numbered_run(items)] == ["ขั้นที่ 1 วางแผน", "ขั้นที่ 2 ลงมือ"]
    whole = [("1. a", 0), ("2. b", 0)]
    assert numbered_run(whole) == whole
