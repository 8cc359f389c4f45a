"""Workshop session mode over a real index: join codes, isolation, logging, themes, FAQ export, CLI.

One module-wide data directory holds three workspaces: ``default`` (the library: the workshop
guide), ``other`` (a document with a planted secret, ZEBRA-PLUM-4471 / ม้าลายพลัม-4471) and the
sessions' own ``ws-<code>`` workspaces. Answers use the ``none`` backend (extractive), so the
tests follow the real retrieval and relevance gate.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.access.workspaces import SYSTEM
from assistant.sessions import (
    CODE_ALPHABET,
    CODE_LENGTH,
    SessionClosedError,
    SessionError,
    SessionNotFoundError,
    Sessions,
    TrainerKeyError,
    group_by_theme,
    normalize_code,
    theme_label,
    workspace_for,
)
from assistant.settings import Settings
from tests.fixtures.cli import Cli

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "corpus" / "guides" / "network-workshop.en.md"
SECRET = "ZEBRA-PLUM-4471"
SECRET_TH = "ม้าลายพลัม-4471"

PACK = """---
title: แฟ้มสะสมผลงานกับ AI (เอกสารประกอบเวิร์กชอป)
type: guide
language: th
---
# แฟ้มสะสมผลงานของผู้เรียน

แฟ้มสะสมผลงานของผู้เรียนในเวิร์กชอปนี้มีสี่ส่วน ได้แก่ เป้าหมายการเรียนรู้ ผลงานที่คัดเลือก การสะท้อนคิด และการประเมินตนเอง
ครูควรให้ผู้เรียนเลือกผลงานที่ดีที่สุดสามชิ้นในแต่ละภาคเรียน และเขียนเหตุผลที่เลือกผลงานแต่ละชิ้น

## การเปิดเผยการใช้ AI

ผู้เรียนต้องเขียนบันทึกการใช้ AI ทุกครั้งที่ใช้ AI ช่วยทำงาน โดยระบุว่าใช้เครื่องมือใด ใช้ช่วยส่วนใด และส่วนใดที่ผู้เรียนทำเอง
ห้ามใส่ชื่อจริง เลขประจำตัวประชาชน หรือภาพใบหน้าของนักเรียนลงในเครื่องมือ AI

## Learner portfolio (English summary)

The workshop portfolio has four parts: learning goals, selected work, reflection and self-assessment.
Learners write an AI-use note every time AI helps them, naming the tool, what it helped with
and what they did themselves.
"""

SECRET_DOC = f"""---
title: Confidential budget memo
type: other
language: en
---
# Confidential budget memo

The secret project code is {SECRET}. The learner portfolio workshop budget is 48,000 baht, kept in the
district safe. Teachers must not share the access word {SECRET} with participants.

รหัสโครงการลับคือ {SECRET_TH} งบประมาณเวิร์กชอปแฟ้มสะสมผลงานของผู้เรียนเก็บไว้ในตู้เซฟของเขต
ห้ามบอกรหัส {SECRET_TH} แก่ผู้เข้าร่วม การเปิดเผยการใช้ AI ของนักเรียนต้องบันทึกทุกครั้ง
"""

PROBES = [
    SECRET,
    SECRET_TH,
    "ZEBRA PLUM",
    "4471",
    "What is the secret project code?",
    "รหัสโครงการลับคืออะไร",
    "How much is the workshop budget?",
    "งบประมาณเวิร์กชอปเท่าไร",
    "Where is the budget kept? district safe",
    "ตู้เซฟของเขต",
    "Confidential budget memo",
    "access word participants",
    "learner portfolio workshop budget 48,000 baht",
    "แฟ้มสะสมผลงานมีกี่ส่วน",
    "การเปิดเผยการใช้ AI ของนักเรียนต้องบันทึกทุกครั้งไหม",
    "World Café",
    "Kirkpatrick four levels",
    "What is the capital of France?",
]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sessions") / "data"


@pytest.fixture(scope="module")
def mstore(data_dir: Path, embedder) -> Iterator:
    """A store with the library (``default``: the workshop guide) and ``other`` (the planted secret)."""
    from ingest.pipeline import ingest
    from ingest.store import Store

    store = Store.open(data_dir, embedder)
    folder = data_dir.parent / "files"
    folder.mkdir()
    secret = folder / "budget-memo.md"
    secret.write_text(SECRET_DOC, encoding="utf-8")
    assert ingest([secret], store, workspace="other").ok
    assert ingest([GUIDE], store, workspace="default").ok
    yield store
    store.manifest.close()


@pytest.fixture(scope="module")
def settings(data_dir: Path, model_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, model_dir=model_dir, backend="none")


@pytest.fixture(scope="module")
def sessions(settings: Settings, mstore, embedder) -> Sessions:
    return Sessions(settings, store=mstore, embedder=embedder, llm=False)


@pytest.fixture(scope="module")
def pack_file(data_dir: Path) -> Path:
    path = data_dir.parent / "แฟ้ม AI (pack).md"
    path.write_text(PACK, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def session(sessions: Sessions, pack_file: Path):
    return sessions.create_session("AI กับแฟ้มสะสมผลงาน", "อ.สมชาย", [pack_file], principal=SYSTEM)


# ---------------------------------------------------------------- codes


def test_codes_are_short_unambiguous_and_case_insensitive(session) -> None:
    assert len(session.code) == CODE_LENGTH and set(session.code) <= set(CODE_ALPHABET)
    assert not set("0O1IL") & set(CODE_ALPHABET)
    assert normalize_code(session.code.lower()) == session.code
    assert normalize_code(f" {session.code[:3]}-{session.code[3:]} ") == session.code
    assert normalize_code("ABC") == "" and normalize_code("OOOOOO") == ""
    assert session.workspace == workspace_for(session.code) == f"ws-{session.code.lower()}"
    assert session.is_open and session.trainer_key
    assert session.documents == ["แฟ้ม_AI_pack.md"]


def test_a_clashing_code_is_drawn_again(sessions: Sessions, session, pack_file: Path, monkeypatch) -> None:
    import assistant.sessions.facade as mod  # where _reserve looks new_code up

    draws = iter([session.code, session.code, "XYZ234"])
    monkeypatch.setattr(mod, "new_code", lambda: next(draws))
    code, key = sessions._reserve("another", "")
    assert code == "XYZ234" and key
    sessions._discard(code, workspace_for(code))
    with pytest.raises(SessionNotFoundError):
        sessions.get(code)


def test_create_refuses_bad_input_and_keeps_nothing(sessions: Sessions, tmp_path: Path) -> None:
    before = {s.code for s in sessions.list_sessions()}
    with pytest.raises(SessionError, match="needs a name"):
        sessions.create_session("  ", files=[GUIDE], principal=SYSTEM)
    with pytest.raises(SessionError, match="workshop pack"):
        sessions.create_session("empty", principal=SYSTEM)
    with pytest.raises(SessionError, match=r"not in workspace 'default': nothing\.md"):
        sessions.create_session("x", from_workspace="default", documents=["nothing.md"], principal=SYSTEM)
    blank = tmp_path / "blank.txt"
    blank.write_text("   \n", encoding="utf-8")
    with pytest.raises(SessionError, match="none of the pack files could be indexed"):
        sessions.create_session("blank", files=[blank], principal=SYSTEM)
    assert {s.code for s in sessions.list_sessions()} == before
    spaces = {w for w in sessions.store.manifest.workspaces() if w.startswith("ws-")}
    assert spaces <= {s.workspace for s in sessions.list_sessions()}


# ---------------------------------------------------------------- isolation


def test_the_planted_string_is_findable_in_its_own_workspace(mstore) -> None:
    from assistant.retrieval.hybrid import HybridRetriever

    hits = HybridRetriever(store=mstore, workspace="other", k=3).search(SECRET)
    assert hits and SECRET in hits[0].text


@pytest.mark.parametrize("probe", PROBES)
def test_a_participant_never_retrieves_another_workspace(sessions: Sessions, session, probe: str) -> None:
    answerer = sessions.answerer(session)
    assert answerer.retriever.workspace == session.workspace
    hits = answerer.retriever.search(probe, 20)
    assert all(SECRET not in h.text and SECRET_TH not in h.text for h in hits)
    assert {h.source for h in hits} <= set(session.documents)
    answer = sessions.ask(session.code, probe)
    assert SECRET not in answer.text and SECRET_TH not in answer.text
    assert all(c.source in session.documents for c in answer.citations)
    assert all(SECRET not in c.text and SECRET_TH not in c.text for c in answer.citations)


def test_answers_are_grounded_and_cited_from_the_pack(sessions: Sessions, session) -> None:
    p = sessions.join(session.code, "ครูนก")
    answer = sessions.ask(session.code, "แฟ้มสะสมผลงานในเวิร์กชอปนี้มีกี่ส่วน", participant=p.id)
    assert answer.grounded and answer.citations
    assert "สี่ส่วน" in answer.text and re.search(r"\[\d+\]", answer.text)
    assert answer.citations[0].source == "แฟ้ม_AI_pack.md"


# ---------------------------------------------------------------- codes that do not work


def test_wrong_and_closed_codes_get_specific_messages(sessions: Sessions, session, pack_file: Path) -> None:
    for bad in ["ZZZZZZ", "nope", ""]:
        with pytest.raises(SessionNotFoundError, match=r"^no session with this code$"):
            sessions.join(bad)
        with pytest.raises(SessionNotFoundError, match="no session with this code"):
            sessions.ask(bad, "แฟ้มสะสมผลงานมีกี่ส่วน")
    s = sessions.create_session("ปิดแล้ว", files=[pack_file], principal=SYSTEM)
    sessions.join(s.code)
    closed = sessions.close_session(s.code)
    assert closed.status.value == "closed" and closed.closed_at
    with pytest.raises(SessionClosedError, match=r"^this session is closed$"):
        sessions.join(s.code)
    with pytest.raises(SessionClosedError, match="this session is closed"):
        sessions.ask(s.code, "แฟ้มสะสมผลงานมีกี่ส่วน")
    with pytest.raises(ValueError, match="empty"):
        sessions.ask(session.code, "  ")


def test_the_trainer_key_guards_the_dashboard(sessions: Sessions, session) -> None:
    assert sessions.check_trainer(session.code.lower(), session.trainer_key).code == session.code
    with pytest.raises(TrainerKeyError):
        sessions.check_trainer(session.code, "wrong")
    with pytest.raises(TrainerKeyError):
        sessions.check_trainer(session.code, "")
    assert "trainer_key" not in sessions.get(session.code).to_dict()


# ---------------------------------------------------------------- library documents


def test_a_session_pack_can_come_from_library_documents(sessions: Sessions) -> None:
    s = sessions.create_session(
        "จากคลัง", "trainer", from_workspace="default", documents=["network-workshop.en.md"], principal=SYSTEM
    )
    assert s.documents == ["network-workshop.en.md"]
    docs = sessions.store.documents(s.workspace)
    assert [d.doc_type for d in docs] == ["guide"]
    assert Path(docs[0].path).parent == sessions.pack_dir(s.code)  # a copy: the session keeps its own file
    answer = sessions.ask(s.code, "How long should tables stay together in a World Café?")
    assert answer.grounded and all(c.source == "network-workshop.en.md" for c in answer.citations)
    assert "20 minutes" in " ".join(c.text for c in answer.citations)


# ---------------------------------------------------------------- themes and FAQ

THEMED = [
    "แฟ้มสะสมผลงานมีกี่ส่วน",
    "นักเรียนต้องเปิดเผยการใช้ AI อย่างไร",
    "แฟ้มสะสมผลงานประกอบด้วยส่วนใดบ้าง",
    "ต้องบอกไหมว่าใช้ AI ช่วยทำงาน",
    "ราคาทองคำวันนี้เท่าไร",
    "แฟ้มสะสมผลงานมีกี่ส่วน",
]


def test_grouping_is_deterministic_and_by_meaning(embedder) -> None:
    vectors = embedder.embed_queries(THEMED)
    groups = group_by_theme(THEMED, vectors)
    assert groups == group_by_theme(THEMED, vectors)
    where = {i: n for n, g in enumerate(groups) for i in g}
    assert where[0] == where[2] == where[5]  # portfolio parts
    assert where[1] == where[3]  # disclosing AI
    assert where[0] != where[1] and len({where[4], where[0], where[1]}) == 3  # gold price alone
    assert groups[0] == [0, 2, 5]  # largest first
    assert group_by_theme([], []) == []
    assert theme_label(["แฟ้มสะสมผลงานมีกี่ส่วน", "แฟ้มสะสมผลงานประกอบด้วยส่วนใดบ้าง"]).startswith("แฟ้ม")


def test_questions_are_logged_grouped_and_exported_as_faq(
    sessions: Sessions, pack_file: Path, tmp_path: Path
) -> None:
    from docx import Document

    from assistant.drafting.export import export

    s = sessions.create_session("FAQ", "อ.สมหญิง", [pack_file], principal=SYSTEM)
    p = sessions.join(s.code)
    for q in THEMED:
        sessions.ask(s.code, q, participant=p.id)
    log = sessions.log(s.code)
    assert [q.question for q in log] == THEMED and all(q.participant == p.id for q in log)
    assert log[0].grounded and log[0].citations and not log[4].grounded
    groups = sessions.questions(s.code)
    assert sum(g.size for g in groups) == len(THEMED)
    assert [q.question for q in groups[0].questions] == [THEMED[0], THEMED[2], THEMED[5]]
    assert "แฟ้ม" in groups[0].label

    draft = sessions.export_faq(s.code)
    assert draft.language == "th" and draft.problems() == [] and draft.citations
    path = export(draft, tmp_path / "faq.docx")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    text += "\n".join(c.text for t in Document(str(path)).tables for r in t.rows for c in r.cells)
    for q in set(THEMED):
        assert q in text
    assert "แฟ้ม_AI_pack.md" in text and re.search(r"\[1\]", text)
    assert "(×2)" in text  # the repeated question is counted once with its count
    md = export(draft, tmp_path / "faq.md").read_text(encoding="utf-8")
    assert "สี่ส่วน" in md and "แฟ้ม_AI_pack.md" in md


# ---------------------------------------------------------------- CLI


@pytest.fixture()
def cli(data_dir: Path, model_dir: Path, mstore, embedder, monkeypatch: pytest.MonkeyPatch) -> Cli:
    import assistant.retrieval.runtime as runtime

    monkeypatch.setattr(runtime, "get_embedder", lambda settings=None: embedder)  # one model per test run
    runner = Cli(data_dir, model_dir, monkeypatch)
    runner.env["EDUNET_BACKEND"] = "none"
    return runner


def test_cli_session_lifecycle(cli: Cli, pack_file: Path, tmp_path: Path) -> None:
    code, out, err = cli("workshop", "session", "create", "--name", "CLI session", "--pack", str(pack_file))
    assert code == 0, err
    join = out.strip().splitlines()[-1]
    assert normalize_code(join) == join

    code, out, err = cli("workshop", "session", "ask", join, "แฟ้มสะสมผลงานมีกี่ส่วน", "--json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["grounded"] and answer["citations"][0]["source"] == "แฟ้ม_AI_pack.md"

    code, out, _ = cli("workshop", "session", "questions", join, "--json")
    assert code == 0 and json.loads(out)[0]["questions"][0]["question"] == "แฟ้มสะสมผลงานมีกี่ส่วน"

    code, out, _ = cli("workshop", "session", "list", "--json")
    assert code == 0 and join in [s["code"] for s in json.loads(out)]

    faq = tmp_path / "faq.docx"
    code, _, err = cli("workshop", "session", "faq", join, "-o", str(faq))
    assert code == 0, err and faq.stat().st_size > 0

    code, _, err = cli("workshop", "session", "close", join)
    assert code == 0, err
    code, _, err = cli("workshop", "session", "ask", join, "แฟ้มสะสมผลงานมีกี่ส่วน")
    assert code == 1 and "this session is closed" in err
    code, _, err = cli("workshop", "session", "ask", "ZZZZZZ", "x")
    assert code == 1 and "no session with this code" in err
    code, _, err = cli("workshop", "session", "create", "--name", "x")
    assert code == 2 and "workshop pack" in err
