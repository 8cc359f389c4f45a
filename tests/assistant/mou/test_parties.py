"""Parties from the opening clause, party lists, labels, signature blocks and letters, in Thai and English.

The inputs are MOU openings and signature blocks as they come out of real documents: names broken
across lines, OCR noise ("MOu", "Fricnds"), names with no organisation word, dates after names.
"""

from __future__ import annotations

from assistant.mou.aliases import aliases, resolve
from assistant.mou.parties import find_parties, without_date
from assistant.mou.text import page_list


def parties(*pages: str) -> list[str] | None:
    found = find_parties(page_list(list(pages)))
    return found.value if found else None


def test_by_and_between_across_line_breaks_with_ocr_noise() -> None:
    page = (
        "MEMORANDUM OF UNDERSTANDING (MOu)\n"
        "This MOu is made and entered into on this 3rd day of\n"
        "June 2019 by and between:\n"
        "Fricnds of Rural India Trust, a registered\n"
        'NGO having its office at Pune (hereinafter "the NGO")\n'
        "And\n"
        "Sahyadri Institute of Technology, Pune (hereinafter\n"
        '"the Institute").\n'
    )
    assert parties(page) == ["Fricnds of Rural India Trust", "Sahyadri Institute of Technology"]
    assert aliases([(1, page)], parties(page)) == {
        "NGO": "Fricnds of Rural India Trust",
        "Institute": "Sahyadri Institute of Technology",
    }


def test_entered_into_between_the_institute_and_a_company_without_commas() -> None:
    page = (
        "This Memorandum of Understanding is entered into between the Sahyadri\n"
        "Institute of Technology, Pune and Nimbus Software Solutions Pvt. Ltd., Bengaluru, on 1 July 2021.\n"
    )
    assert parties(page) == ["Sahyadri Institute of Technology", "Nimbus Software Solutions Pvt. Ltd"]


def test_between_x_and_y_in_one_short_sentence() -> None:
    page = "Memorandum of Understanding between Alpha School and Beta University.\nIt takes effect soon."
    assert parties(page) == ["Alpha School", "Beta University"]


def test_a_business_name_without_an_organisation_word_in_a_party_list() -> None:
    page = (
        "บันทึกข้อตกลงความร่วมมือฉบับนี้ทำขึ้นเมื่อวันที่ 1 พฤศจิกายน 2567 ระหว่าง\n"
        '1. **โรงเรียนหาดทองวิทยา** อำเภอเกาะกูด จังหวัดตราด โดยผู้อำนวยการโรงเรียน ซึ่งต่อไปเรียกว่า "โรงเรียน"\n'
        '2. **บ้านเลรีสอร์ต แอนด์ สปา** โดยผู้จัดการทั่วไป ซึ่งต่อไปเรียกว่า "สถานประกอบการ"\n'
        "ทั้งสองฝ่ายตกลงร่วมมือกันดังนี้\n"
    )
    assert parties(page) == ["โรงเรียนหาดทองวิทยา", "บ้านเลรีสอร์ต แอนด์ สปา"]


def test_a_name_without_an_organisation_word_in_the_opening_clause_and_a_date_after_it() -> None:
    page = (
        "บันทึกข้อตกลงความร่วมมือ\n"
        "ระหว่าง โรงเรียนบ้านหนองแสง โดยผู้อำนวยการโรงเรียน กับ\n"
        "ร้านกาแฟบ้านสวน ลงวันที่ ๑ มิถุนายน ๒๕๖๘\n"
    )
    assert parties(page) == ["โรงเรียนบ้านหนองแสง", "ร้านกาแฟบ้านสวน"]


def test_a_clause_after_the_parties_is_not_a_third_party() -> None:
    page = (
        "บันทึกข้อตกลงนี้จัดทำขึ้นระหว่าง เทศบาลตำบลหนองเต่า กับ โรงเรียนวัดหนองเต่า และ "
        "โรงพยาบาลส่งเสริมสุขภาพตำบลหนองเต่า เพื่อร่วมกันดูแลเด็ก และ เยาวชนในพื้นที่\n"
        "ข้อ ๑ แนวทางความร่วมมือ\n"
    )
    assert parties(page) == [
        "เทศบาลตำบลหนองเต่า",
        "โรงเรียนวัดหนองเต่า",
        "โรงพยาบาลส่งเสริมสุขภาพตำบลหนองเต่า",
    ]


def test_a_plain_sentence_is_not_a_party() -> None:
    page = "MEMORANDUM OF UNDERSTANDING\nThe parties agree to meet every month and share their plans."
    assert parties(page) is None


def test_party_labels() -> None:
    page = (
        "MEMORANDUM OF UNDERSTANDING\n"
        "Party A: Riverside Community College, Kochi\n"
        "Party B: Green Valley Farms (represented by its owner)\n"
    )
    assert parties(page) == ["Riverside Community College", "Green Valley Farms"]


def test_signature_block_with_roles_and_a_person_name_left_out() -> None:
    pages = (
        "บันทึกข้อตกลงความร่วมมือ\nเพื่อพัฒนาทักษะอาชีพของนักเรียน",
        "(ลงชื่อ) ............................\n(นายสมศักดิ์ ใจกว้าง)\nผู้อำนวยการโรงเรียนบ้านคลองใหญ่\n"
        "(ลงชื่อ) ............................\n(นางสาวมาลี ทองดี)\nผู้จัดการ ไร่สุขใจออร์แกนิก\n"
        "(ลงชื่อ) ............................ พยาน\n",
    )
    found = find_parties(page_list(list(pages)))
    assert found is not None and found.page == 2
    assert found.value == ["โรงเรียนบ้านคลองใหญ่", "ไร่สุขใจออร์แกนิก"]


def test_letter_of_intent_addressee_and_signer() -> None:
    page = (
        "ที่ ศธ ๐๔๐๐๒/๕๕๕\nโรงเรียนบ้านโคกสูง\n๑๐ มกราคม ๒๕๖๘\n"
        "เรื่อง หนังสือแสดงเจตจำนงความร่วมมือ\n"
        "เรียน ผู้อำนวยการศูนย์การเรียนรู้ชุมชนโคกสูง\n"
        "โรงเรียนบ้านโคกสูงขอแสดงเจตจำนงที่จะร่วมมือในกิจกรรมต่อไปนี้\n"
        "ขอแสดงความนับถือ\n(นายวิชัย ดีงาม)\nผู้อำนวยการโรงเรียนบ้านโคกสูง\n"
    )
    assert sorted(parties(page) or []) == sorted(["โรงเรียนบ้านโคกสูง", "ศูนย์การเรียนรู้ชุมชนโคกสูง"])


def test_a_collective_alias_stands_for_the_group() -> None:
    page = (
        "ระหว่าง\n"
        '1. **องค์การบริหารส่วนตำบลเขาดิน** โดยนายก ซึ่งต่อไปเรียกว่า "อบต."\n'
        "2. **เครือข่ายโรงเรียนเขาดิน** ซึ่งประกอบด้วย โรงเรียนบ้านเขาดิน (P1) และโรงเรียนบ้านหนองไผ่ (P2) "
        'ซึ่งต่อไปในบันทึกนี้เรียกรวมกันว่า "เครือข่ายโรงเรียน"\n'
    )
    names = parties(page)
    assert names == ["องค์การบริหารส่วนตำบลเขาดิน", "โรงเรียนบ้านเขาดิน", "โรงเรียนบ้านหนองไผ่"]
    known = aliases([(1, page)], names)
    assert resolve("เครือข่ายโรงเรียน", names, known) == "เครือข่ายโรงเรียนเขาดิน"
    assert resolve("อบต.", names, known) == "องค์การบริหารส่วนตำบลเขาดิน"


def test_a_sentence_that_mentions_a_party_does_not_resolve_to_it() -> None:
    names = ["Sahyadri Institute of Technology", "Nimbus Software Solutions"]
    assert resolve("Nimbus Software Solutions", names, {}) == "Nimbus Software Solutions"
    assert resolve("Providing logistics to the Nimbus Software Solutions trainers", names, {}) not in names


def test_without_date() -> None:
    assert without_date("เทศบาลตำบลนาดี ลงวันที่ ๑ มิถุนายน ๒๕๖๘") == "เทศบาลตำบลนาดี"
    assert without_date("Beta University on 3 March 2026") == "Beta University"
    assert without_date("โรงเรียนบ้านนาดี") == "โรงเรียนบ้านนาดี"


def test_parties_from_short_name_definitions_when_the_joining_word_is_lost() -> None:
    # OCR read "กับ" as "AY" and left a speck before the quote: each party is the name before its definition
    page = (
        "บันทึกข้อตกลงฉบับนี้ทำขึ้นเมื่อวันที่ ๒ มีนาคม ๒๕๖๘ ระหว่าง\n"
        'บริษัท สยามเกษตรก้าวหน้า จำกัด (มหาชน) ซึ่งต่อไปในบันทึกนี้เรียกว่า . "บริษัทฯ" AY\n'
        'วิทยาลัยเกษตรและเทคโนโลยีน่าน ซึ่งต่อไปในบันทึกนี้เรียกว่า "วิทยาลัย" เพื่อร่วมกันพัฒนาผู้เรียน\n'
    )
    assert parties(page) == ["บริษัท สยามเกษตรก้าวหน้า จำกัด (มหาชน)", "วิทยาลัยเกษตรและเทคโนโลยีน่าน"]


def test_english_parties_defined_with_hereinafter_and_recitals_not_taken() -> None:
    page = (
        "This Memorandum is made on 3 March 2025 by Northern Hills University, a public university\n"
        '(hereinafter "the University"), and the Lampang Teachers Association, a professional body\n'
        '(hereinafter "the Association").\n'
        "WHEREAS the University operates a Faculty of Education that trains teachers;\n"
        "NOW, THEREFORE, the University and the Association agree as follows:\n"
    )
    assert parties(page) == ["Northern Hills University", "Lampang Teachers Association"]


def test_parties_numbered_inside_a_sentence_with_temple_and_community() -> None:
    page = (
        "ผู้นำชุมชนได้หารือร่วมกัน โดยมีผู้ร่วมลงนาม ได้แก่ (๑) ชุมชนบ้านหนองกระทิง (๒) วัดศรีสว่างอารมณ์\n"
        'ซึ่งต่อไปเรียกว่า "วัด" และ (๓) โรงเรียนบ้านหนองกระทิง ซึ่งต่อไปเรียกว่า "โรงเรียน"\n'
    )
    assert parties(page) == ["ชุมชนบ้านหนองกระทิง", "วัดศรีสว่างอารมณ์", "โรงเรียนบ้านหนองกระทิง"]
    # the school's name holds the temple's: the school's short name is the school's
    found = aliases([(1, page)], parties(page) or [])
    assert found["โรงเรียน"] == "โรงเรียนบ้านหนองกระทิง" and found["วัด"] == "วัดศรีสว่างอารมณ์"


def test_one_party_and_the_other_party_end_a_name() -> None:
    page = (
        "บันทึกข้อตกลงนี้ทำขึ้นระหว่าง วิทยาลัยสารพัดช่างแพร่ ฝ่ายหนึ่ง กับ ศูนย์ส่งเสริมการเรียนรู้อำเภอสูงเม่น อีก\n"
        "ฝ่ายหนึ่ง ลงนาม ณ วันที่ ๕ มิถุนายน ๒๕๖๘\n"
    )
    assert parties(page) == ["วิทยาลัยสารพัดช่างแพร่", "ศูนย์ส่งเสริมการเรียนรู้อำเภอสูงเม่น"]


def test_signature_table_names_wrapped_in_their_cells_and_bare_head_nouns() -> None:
    page = (
        "บันทึกข้อตกลงฉบับนี้จัดทำขึ้นระหว่างหน่วยงานที่ลงนามท้ายบันทึกนี้\n"
        "ลงชื่อ ......................\n(นายสมชาย ใจดี)\nผู้อำนวยการโรงพยาบาลนาหมื่น\n"
        "(นางสาวสายใจ ดีงาม)\nผู้อำนวยการโรงเรียน\nนาหมื่นพิทยาคม\n"
        "(นายสุข สบาย)\nผู้อำนวยการโรงเรียนบ้าน\nสองแควใต้\n"
    )
    assert parties(page) == ["โรงพยาบาลนาหมื่น", "โรงเรียนนาหมื่นพิทยาคม", "โรงเรียนบ้านสองแควใต้"]


def test_a_parties_heading_with_a_numbered_list_and_a_described_cluster() -> None:
    page = (
        "Parties\n"
        "1. Riverbend Literacy Foundation, a registered charity (\"the Foundation\"); and\n"
        "' 2. Mae Tha Small Schools Cluster, comprising five primary schools of the district\n"
        "(\"the Cluster\").\n"
        "Purpose\n"
    )
    assert parties(page) == ["Riverbend Literacy Foundation", "Mae Tha Small Schools Cluster"]


def test_an_english_name_keeps_its_company_suffix_in_a_clause_with_curly_quotes() -> None:
    text = (
        "This agreement is entered into by and between:\n"
        "Maple Ridge School District, with offices at 12 Elm Street (the “District”); and\n"
        "Brightwave Robotics, Inc., a company with its office in Austin (the “Company”).\n"
        "Article 1 – Purpose\n"
    )
    assert find_parties([(1, text)]).value == ["Maple Ridge School District", "Brightwave Robotics, Inc"]


def test_a_thai_list_run_with_spaces_gives_each_organisation() -> None:
    text = (
        "บันทึกข้อตกลงนี้ทำขึ้นระหว่างเทศบาลตำบลโคกกลาง (ทต.โคกกลาง) วิทยาลัยเกษตรและเทคโนโลยีหนองหิน "
        "และโรงเรียนบ้านโคกกลาง ซึ่งเป็นสถานศึกษาในพื้นที่"
    )
    assert find_parties([(1, text)]).value == [
        "เทศบาลตำบลโคกกลาง",
        "วิทยาลัยเกษตรและเทคโนโลยีหนองหิน",
        "โรงเรียนบ้านโคกกลาง",
    ]


def test_a_company_word_before_its_name_is_not_split_off() -> None:
    text = "บันทึกข้อตกลงนี้ทำขึ้นระหว่าง บริษัท โรงสีรุ่งเรือง จำกัด และ โรงเรียนบ้านหนองปลิง โดยผู้อำนวยการ"
    assert find_parties([(1, text)]).value == ["บริษัท โรงสีรุ่งเรือง จำกัด", "โรงเรียนบ้านหนองปลิง"]


def test_english_letter_address_block_and_signature() -> None:
    text = (
        "RIVERBEND NATURE CENTRE\n12 Mill Lane, Riverbend\n"
        "March 4, 2026\n"
        "Ms. Dana Cole\nPrincipal\nOakfield Middle School\n"
        "Subject: Letter of Intent\n"
        "Dear Ms. Cole,\n"
        "On behalf of the Riverbend Nature Centre, we are glad to work with Oakfield Middle School.\n"
        "Sincerely,\n........\nTom Reyes\nDirector, Riverbend Nature Centre\n"
    )
    assert find_parties([(1, text)]).value == ["Riverbend Nature Centre", "Oakfield Middle School"]


def test_thai_signature_cells_run_together_by_ocr() -> None:
    text = (
        "บันทึกข้อตกลงความร่วมมือ\nทั้งสองฝ่ายตกลงร่วมกัน\n"
        "ลงชีอ ........ ลงชือ ........\n"
        "(นายหนึ่ง ใจดี) (นางสอง ใจงาม)\n"
        "ประธานสภาเด็กและเยาวชนตำบลหนองบัว ดผู้อำนวยการโรงเรียนหนองบัวศึกษา\n"
    )
    assert find_parties([(1, text)]).value == ["สภาเด็กและเยาวชนตำบลหนองบัว", "โรงเรียนหนองบัวศึกษา"]


def test_a_clause_number_ends_the_last_name_and_an_address_after_of_is_cut() -> None:
    thai = "ทำขึ้นเมื่อวันที่ 1 มิถุนายน 2568 ระหว่าง โรงเรียนบ้านหนองหว้า และโรงเรียนบ้านโนนแดง ข้อ 1 วัตถุประสงค์"
    assert find_parties([(1, thai)]).value == ["โรงเรียนบ้านหนองหว้า", "โรงเรียนบ้านโนนแดง"]
    english = "This MOU is between the Bayside Museum of 4 Pier Road and Elm Creek College of 9 Hill St."
    assert find_parties([(1, english)]).value == ["Bayside Museum", "Elm Creek College"]


def test_a_list_of_signatories_after_ประกอบด้วย() -> None:
    text = (
        "บันทึกข้อตกลงความร่วมมือ\nผู้ลงนามในบันทึกข้อตกลงนี้ประกอบด้วย\n"
        "1. ศูนย์การศึกษาพิเศษประจำจังหวัดภูทอง\n2. โรงพยาบาลภูทอง\n"
    )
    assert find_parties([(1, text)]).value == ["ศูนย์การศึกษาพิเศษประจำจังหวัดภูทอง", "โรงพยาบาลภูทอง"]


def test_a_title_name_finished_on_the_next_line_and_contract_party_labels() -> None:
    office = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาบ่อทอง"
    title = f"บันทึกข้อตกลงความร่วมมือ\nระหว่าง\n{office}\nเขต 3\nกับ\nธนาคารหมู่บ้านท่าไม้\n"
    assert find_parties([(1, title)]).value == [f"{office} เขต 3", "ธนาคารหมู่บ้านท่าไม้"]
    labels = "บันทึกข้อตกลง\nคู่สัญญาฝ่ายที่ 1 : หอสมุดอำเภอท่าไม้\nคู่สัญญาฝ่ายที่ 2 : โรงเรียนท่าไม้วิทยา\n"
    assert find_parties([(1, labels)]).value == ["หอสมุดอำเภอท่าไม้", "โรงเรียนท่าไม้วิทยา"]


def test_a_letter_to_the_mayor_names_the_municipality_and_a_title_line_ends_before_signed() -> None:
    letter = (
        "โรงเรียนบ้านท่าไม้\n1 มีนาคม 2569\nเรื่อง แสดงเจตจำนงความร่วมมือ\nเรียน นายกเทศมนตรีตำบลท่าไม้\n"
        "ขอแสดงความนับถือ\n(นายหนึ่ง ใจดี)\nผู้อำนวยการโรงเรียนบ้านท่าไม้\n"
    )
    assert find_parties([(1, letter)]).value == ["โรงเรียนบ้านท่าไม้", "เทศบาลตำบลท่าไม้"]
    english = "MOU BETWEEN OAKDALE LIBRARY AND PINE HILL SCHOOL\nSigned on 2 May 2025\n"
    assert find_parties([(1, english)]).value == ["OAKDALE LIBRARY", "PINE HILL SCHOOL"]
