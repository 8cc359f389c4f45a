"""Each party's duties: sub-headings by name, short name or role, one heading per party, signatures."""

from __future__ import annotations

from assistant.mou.aliases import aliases
from assistant.mou.analysis import analyze_mou
from assistant.mou.duties import find_duties
from assistant.mou.sections import HeadingClassifier, find_areas
from assistant.mou.text import lines_of


def duty_parties(text: str, parties: list[str], *, named: bool = False) -> list[str]:
    """The parties `find_duties` gives duties to on a one-page text (``named``: with its short names)."""
    pages = [(1, text)]
    known = aliases(pages, parties) if named else {}
    return list(find_duties(lines_of(pages), parties, known, HeadingClassifier()).value)


def test_duties_stop_at_the_signature_block() -> None:
    page = (
        "Responsibilities of the College\n"
        "Host the workshops in the college hall.\n"
        "Send two teachers to each workshop.\n"
        "IN WITNESS WHEREOF the parties have signed this MOU.\n"
        "For Lakeview Teachers College      For Hillside School\n"
        "Principal                          Director\n"
    )
    parties = ["Lakeview Teachers College", "Hillside School"]
    duties = find_duties(lines_of([(3, page)]), parties, {"College": parties[0]}, HeadingClassifier())
    assert duties is not None and duties.page == 3
    assert duties.value == {
        parties[0]: ["Host the workshops in the college hall", "Send two teachers to each workshop"]
    }


def test_thai_duties_of_each_party_with_short_names() -> None:
    page = (
        'บันทึกข้อตกลงความร่วมมือ ระหว่าง วิทยาลัยเทคนิคตราด ซึ่งต่อไปเรียกว่า "วิทยาลัย" '
        'กับ บริษัท ทะเลตราด จำกัด ซึ่งต่อไปเรียกว่า "บริษัท"\n'
        "ข้อ ๓ บทบาทหน้าที่\n"
        "๓.๑ วิทยาลัย\n"
        "- คัดเลือกนักศึกษาเข้าฝึกอาชีพ\n"
        "๓.๒ บริษัท\n"
        "- จัดครูฝึกประจำแผนก\n"
        "- จ่ายค่าตอบแทนระหว่างฝึก\n"
        "(ลงชื่อ) ....................\n"
        "ผู้อำนวยการวิทยาลัยเทคนิคตราด\n"
    )
    record = analyze_mou([page], source="trat.txt")
    assert record.parties is not None and record.parties.value == ["วิทยาลัยเทคนิคตราด", "บริษัท ทะเลตราด จำกัด"]
    known = aliases([(1, page)], record.parties.value)
    assert known == {"วิทยาลัย": "วิทยาลัยเทคนิคตราด", "บริษัท": "บริษัท ทะเลตราด จำกัด"}
    assert record.duties is not None and record.duties.value == {
        "วิทยาลัยเทคนิคตราด": ["คัดเลือกนักศึกษาเข้าฝึกอาชีพ"],
        "บริษัท ทะเลตราด จำกัด": ["จัดครูฝึกประจำแผนก", "จ่ายค่าตอบแทนระหว่างฝึก"],
    }


def test_a_duty_line_that_mentions_a_concept_word_does_not_end_the_duties() -> None:
    page = (
        "ข้อ ๒ ภารกิจของแต่ละหน่วยงาน\n"
        "๒.๑ เทศบาลตำบลหนองเต่า\n"
        "จัดลานกีฬาชุมชน\n"
        "สนับสนุนงบประมาณอาหารกลางวัน\n"
        "๒.๒ โรงเรียนวัดหนองเต่า\n"
        "จัดเวลาให้นักเรียนเข้าร่วมการตรวจสุขภาพ\n"
        "ข้อ ๓ ระยะเวลา\n"
    )
    parties = ["เทศบาลตำบลหนองเต่า", "โรงเรียนวัดหนองเต่า"]
    duties = find_duties(lines_of([(1, page)]), parties, {}, HeadingClassifier())
    assert duties is not None and duties.value == {
        parties[0]: ["จัดลานกีฬาชุมชน", "สนับสนุนงบประมาณอาหารกลางวัน"],
        parties[1]: ["จัดเวลาให้นักเรียนเข้าร่วมการตรวจสุขภาพ"],
    }


def test_duties_from_clauses_that_name_a_party_and_a_duty_verb() -> None:
    # no duties heading: each clause opens with a party (short name or full name) and จะ / มีหน้าที่
    page = (
        'บันทึกข้อตกลงระหว่าง เทศบาลตำบลบ่อพลอย ซึ่งต่อไปเรียกว่า "เทศบาล" กับ โรงเรียนบ่อพลอยวิทยา\n'
        "ข้อ ๑ ทั้งสองฝ่ายตกลงร่วมมือกันในเรื่องต่อไปนี้\n"
        "ข้อ ๒ เทศบาล จะจัดรถรับส่งนักเรียนและจ่ายค่าน้ำมัน\n"
        "ตามงบประมาณประจำปี\n"
        "ข้อ ๓ โรงเรียนบ่อพลอยวิทยามีหน้าที่จัดครูดูแลนักเรียนบนรถทุกเที่ยว\n"
        "ข้อ ๔ ฝ่ายใดประสงค์จะบอกเลิก ให้แจ้งล่วงหน้าสามสิบวัน\n"
    )
    parties = ["เทศบาลตำบลบ่อพลอย", "โรงเรียนบ่อพลอยวิทยา"]
    known = aliases([(1, page)], parties)
    duties = find_duties(lines_of([(1, page)]), parties, known, HeadingClassifier())
    assert duties is not None
    assert list(duties.value) == parties
    assert duties.value[parties[0]] == ["เทศบาล จะจัดรถรับส่งนักเรียนและจ่ายค่าน้ำมันตามงบประมาณประจำปี"]


def test_one_party_duty_headings_that_carry_a_clause_number() -> None:
    page = (
        'This MOU is made by Coastal Technical College (hereinafter "the College") and '
        'Bayside Marine Co., Ltd. (hereinafter "the Company").\n'
        "ARTICLE II – UNDERTAKINGS OF THE COLLEGE\n"
        "1. To select students for the placements and insure them.\n"
        "2. To send a supervising teacher each month.\n"
        "ARTICLE III – UNDERTAKINGS OF THE COMPANY\n"
        "1. To assign a trained mentor to each student.\n"
        "ARTICLE IV – DURATION\n"
        "This MOU remains in force for two years.\n"
    )
    parties = ["Coastal Technical College", "Bayside Marine Co., Ltd."]
    known = aliases([(1, page)], parties)
    duties = find_duties(lines_of([(1, page)]), parties, known, HeadingClassifier())
    assert duties is not None
    assert {k: len(v) for k, v in duties.value.items()} == {parties[0]: 2, parties[1]: 1}


def test_a_bare_head_noun_label_stands_for_the_one_party_it_opens() -> None:
    page = (
        "หมวด 2 ภาระหน้าที่\n"
        "ชุมชน: จัดปราชญ์ชาวบ้านเป็นวิทยากร\n"
        "วัด: ใช้ศาลาเป็นสถานที่จัดกิจกรรม\n"
        "หมวด 3 ระยะเวลา\n"
    )
    parties = ["ชุมชนบ้านดอนแก้ว", "วัดดอนแก้วสามัคคี"]
    duties = find_duties(lines_of([(1, page)]), parties, {}, HeadingClassifier())
    assert duties is not None and list(duties.value) == parties


def test_duties_under_agreement_clauses_named_by_a_first_party_definition() -> None:
    text = (
        'ระหว่าง\nวิทยาลัยชุมชนบึงทอง\nซึ่งต่อไปในบันทึกนี้เรียกว่า "ฝ่ายที่หนึ่ง"\nกับ\n'
        'โรงเรียนนาเกลือวิทยา\nซึ่งต่อไปในบันทึกนี้เรียกว่า "ฝ่ายที่สอง"\n'
        "ข้อตกลงที่ 3 ฝ่ายที่หนึ่งจะดำเนินการ ดังนี้\n(ก) จัดวิทยากร\n"
        "ข้อตกลงที่ 4 ฝ่ายที่สองจะดำเนินการ ดังนี้\n(ก) จัดห้องเรียน\n"
    )
    parties = ["วิทยาลัยชุมชนบึงทอง", "โรงเรียนนาเกลือวิทยา"]
    assert duty_parties(text, parties, named=True) == parties


def test_thai_items_that_open_with_their_party_and_จะ() -> None:
    text = (
        "ภาระหน้าที่\n"
        "ก. สภาวัฒนธรรมตำบลนาดี จะจัดหาครูภูมิปัญญามาสอนสัปดาห์ละสองชั่วโมงและให้ยืมเครื่องดนตรี\n"
        "ข. โรงเรียนนาดีวิทยา จะจัดห้องฝึกซ้อมและค่าตอบแทนวิทยากรตามระเบียบของทางราชการทุกภาคเรียน\n"
    )
    parties = ["สภาวัฒนธรรมตำบลนาดี", "โรงเรียนนาดีวิทยา"]
    assert duty_parties(text, parties) == parties


def test_obligations_of_party_labels_resolve_to_names() -> None:
    text = (
        "Party A: Harbourview Primary School\nParty B: Saltmarsh Rowing Club\n"
        "Clause 3. Responsibilities of Party A\n3.1 Provide a teacher for each session.\n"
        "Clause 4. Responsibilities of Party B\n4.1 Provide boats and coaches.\n"
        "Clause 5. Validity\n"
    )
    parties = ["Harbourview Primary School", "Saltmarsh Rowing Club"]
    assert duty_parties(text, parties, named=True) == parties


def test_items_that_open_with_a_party_name_under_a_compound_duties_heading() -> None:
    text = (
        "ข้อ 3 หน้าที่ความรับผิดชอบ\n"
        "3.1 โรงเรียนบ้านหนองหว้า เป็นแกนนำจัดค่าย\n"
        "3.2 โรงเรียนบ้านโนนแดง จัดทำสื่อ\n"
        "ข้อ 4 ระยะเวลา\n"
    )
    parties = ["โรงเรียนบ้านหนองหว้า", "โรงเรียนบ้านโนนแดง"]
    assert duty_parties(text, parties) == parties  # never a party called "ความรับผิดชอบ"


def test_a_short_name_with_the_abbreviation_sign_and_bracketed_article_numbers() -> None:
    thai = "2. บทบาทหน้าที่\n2.1 มหาวิทยาลัยฯ\n- จัดวิทยากร\n2.2 โรงเรียนฯ\n- จัดนักเรียน\n3. ระยะเวลา\n"
    parties = ["มหาวิทยาลัยราชภัฏเขาแก้ว", "โรงเรียนเขาแก้ววิทยา"]
    assert duty_parties(thai, parties) == parties
    english = (
        "FIRST PARTY: Cedar Hill Academy\nSECOND PARTY: Lakeshore Training Centre\n"
        "Article (1): The First Party shall provide classrooms.\n"
        "Article (2): The Second Party shall deliver workshops.\n"
    )
    en_parties = ["Cedar Hill Academy", "Lakeshore Training Centre"]
    assert duty_parties(english, en_parties, named=True) == en_parties


def test_party_lead_lines_without_a_duties_heading() -> None:
    text = (
        'This MOU is made between Fernhill College ("the College") and Tidewater Trust ("the Trust").\n'
        "The College will:\n- host a science club;\n- provide a supervisor.\n"
        "The Trust will:\n- lend microscopes;\n- train mentors.\n"
    )
    parties = ["Fernhill College", "Tidewater Trust"]
    pages = [(1, text)]
    found = find_duties(lines_of(pages), parties, aliases(pages, parties), HeadingClassifier()).value
    assert found == {
        "Fernhill College": ["host a science club", "provide a supervisor"],
        "Tidewater Trust": ["lend microscopes", "train mentors"],
    }


def test_thai_clauses_led_by_a_head_noun_are_duties_not_areas() -> None:
    text = (
        "ระหว่าง มหาวิทยาลัยราชภัฏนาคราช กับ โรงเรียนนาคราชวิทยา\n"
        "ข้อ 2 มหาวิทยาลัยจะดำเนินการ ดังนี้\n(1) จัดอบรมครู\n(2) นิเทศการสอน\n"
        "ข้อ 3 โรงเรียนจะดำเนินการ ดังนี้\n(1) ส่งครูเข้ารับการอบรม\n(2) รายงานผล\n"
    )
    parties = ["มหาวิทยาลัยราชภัฏนาคราช", "โรงเรียนนาคราชวิทยา"]
    lines = lines_of([(1, text)])
    assert list(find_duties(lines, parties, {}, HeadingClassifier()).value) == parties
    assert find_areas(lines, HeadingClassifier()) is None


def test_lettered_party_sub_headings_in_an_annex_and_a_contributions_heading() -> None:
    annex = (
        "Responsibilities of each Party\nA. Elmstead Primary School\n1. Plan visits.\n"
        "B. Kestrel Arts Trust\n1. Pay artists.\n"
    )
    parties = ["Elmstead Primary School", "Kestrel Arts Trust"]
    assert duty_parties(annex, parties) == parties
    contributions = (
        "Contributions of the Parties\nElmstead Primary School shall:\n(a) give time for fieldwork;\n"
        "Kestrel Arts Trust shall:\n(a) lend equipment.\n"
    )
    found = find_duties(lines_of([(1, contributions)]), parties, {}, HeadingClassifier())
    assert list(found.value) == parties
