"""Short names of parties: quoted definitions, bracketed abbreviations without quotes, party labels."""

from __future__ import annotations

from assistant.mou.aliases import aliases, resolve

PARTIES = ["องค์การบริหารส่วนจังหวัดหนองแก้ว", "มหาวิทยาลัยราชภัฏดอนแดง", "โรงเรียนบ้านท่าทราย"]


def test_a_bracketed_abbreviation_after_a_name_stands_for_that_party() -> None:
    pages = [(1, "ระหว่างองค์การบริหารส่วนจังหวัด\nหนองแก้ว (อบจ.หนองแก้ว) มหาวิทยาลัยราชภัฏดอนแดง และโรงเรียนบ้านท่าทราย")]
    known = aliases(pages, PARTIES)
    assert known == {"อบจ.หนองแก้ว": "องค์การบริหารส่วนจังหวัดหนองแก้ว"}
    assert resolve("อบจ.หนองแก้ว", PARTIES, known) == "องค์การบริหารส่วนจังหวัดหนองแก้ว"
    assert resolve("มหาวิทยาลัย", PARTIES, known) == "มหาวิทยาลัยราชภัฏดอนแดง"  # the head noun


def test_english_abbreviation_and_public_company_suffix() -> None:
    parties = ["Sunrise Valley Learning Trust", "บริษัท ข้าวหอม จำกัด (มหาชน)"]
    pages = [(1, "between Sunrise Valley Learning Trust (SVLT) and บริษัท ข้าวหอม จำกัด (มหาชน) (P001)")]
    assert aliases(pages, parties) == {"SVLT": "Sunrise Valley Learning Trust"}  # no "มหาชน", no code


def test_party_labels_stand_for_the_named_party() -> None:
    parties = ["Harbourview Primary School", "Saltmarsh Rowing Club"]
    pages = [(1, "Party A: Harbourview Primary School\nAddress: 3 Quay Road\nParty B: Saltmarsh Rowing Club")]
    known = aliases(pages, parties)
    assert resolve("Party A", parties, known) == "Harbourview Primary School"
    assert resolve("Responsibilities of Party B", parties, known) != "Harbourview Primary School"
    assert known["Party B"] == "Saltmarsh Rowing Club"


def test_a_thai_first_party_definition_spread_over_lines() -> None:
    parties = ["วิทยาลัยชุมชนบึงทอง", "โรงเรียนนาเกลือวิทยา"]
    text = (
        "ระหว่าง\nวิทยาลัยชุมชนบึงทอง\nโดย นายก ข ตำแหน่ง ผู้อำนวยการ\n"
        'ซึ่งต่อไปในบันทึกนี้เรียกว่า "ฝ่ายที่หนึ่ง"\nกับ\nโรงเรียนนาเกลือวิทยา\n'
        'ซึ่งต่อไปในบันทึกนี้เรียกว่า "ฝ่ายที่สอง"'
    )
    known = aliases([(1, text)], parties)
    assert known == {"ฝ่ายที่หนึ่ง": "วิทยาลัยชุมชนบึงทอง", "ฝ่ายที่สอง": "โรงเรียนนาเกลือวิทยา"}
