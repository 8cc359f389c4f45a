"""The edunet CLI: ingest report and exit codes, the search and ask JSON contracts, docs/remove/status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.cli import Cli
from tests.fixtures.files import bad_inputs

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-data")


@pytest.fixture()
def cli(data_dir: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(data_dir, model_dir, monkeypatch)


@pytest.fixture(scope="module")
def corpus_report(data_dir: Path, model_dir: Path) -> dict:
    """The starter corpus indexed once through the CLI."""
    with pytest.MonkeyPatch.context() as mp:
        code, out, err = Cli(data_dir, model_dir, mp)("ingest", str(CORPUS), "--json")
    assert code == 0, err
    return json.loads(out)


def test_ingest_report_of_the_corpus(corpus_report: dict) -> None:
    counts = corpus_report["counts"]
    assert counts["ingested"] >= 30 and counts["failed"] == 0
    assert "README.md" in {r["source"] for r in corpus_report["skipped"]}
    sources = {r["source"] for r in corpus_report["ingested"]}
    assert {"framework/components.th.md", "framework/components.en.md"} <= sources


def test_reingest_of_unchanged_corpus_changes_nothing(corpus_report: dict, cli: Cli) -> None:
    code, out, _ = cli("ingest", str(CORPUS), "--json")
    report = json.loads(out)
    assert code == 0
    assert report["counts"]["unchanged"] == corpus_report["counts"]["ingested"]
    assert report["counts"]["ingested"] == report["counts"]["replaced"] == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("องค์ประกอบของเครือข่ายความร่วมมือ", "framework/components.th.md"),
        ("components of a collaboration network", "framework/components.en.md"),
    ],
)
def test_search_finds_the_components_section(
    corpus_report: dict, cli: Cli, query: str, expected: str
) -> None:
    code, out, _ = cli("search", query, "--json", "-k", "3")
    assert code == 0
    results = json.loads(out)["results"]
    assert results[0]["source"] == expected
    assert results[0]["page"] == 1 and results[0]["text"]


def test_search_filters_by_type_and_language(corpus_report: dict, cli: Cli) -> None:
    code, out, _ = cli("search", "ระยะเวลาและการบอกเลิกข้อตกลง", "--type", "mou", "--lang", "th", "--json")
    results = json.loads(out)["results"]
    assert code == 0 and results
    assert all(r["doc_type"] == "mou" and r["language"] == "th" for r in results)


def test_search_reads_queries_from_stdin_as_json_lines(corpus_report: dict, cli: Cli) -> None:
    code, out, _ = cli(
        "search", "-k", "2", stdin="การประเมินผลแบบ PDCA\n\nhow to share resources between schools\n"
    )
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [x["query"] for x in lines] == ["การประเมินผลแบบ PDCA", "how to share resources between schools"]
    for line in lines:
        assert len(line["results"]) == 2
        assert {"text", "source", "page", "score"} <= set(line["results"][0])


def test_bad_files_exit_1_with_one_line_each(cli: Cli, tmp_path: Path) -> None:
    bad = bad_inputs(tmp_path / "bad")
    good = tmp_path / "good.md"
    good.write_text("# Bus sharing\n\nThree schools share one school bus.", encoding="utf-8")
    code, out, err = cli("ingest", *map(str, bad.values()), str(good), "-w", "badbatch", "--json")
    assert code == 1
    report = json.loads(out)
    assert [r["source"] for r in report["ingested"]] == ["good.md"]
    failed = {r["source"]: r["reason"] for r in report["failed"] + report["needs_ocr"]}
    assert set(failed) == {p.name for p in bad.values()}
    assert "Traceback" not in err

    code, _, err = cli("ingest", str(bad["encrypted"]), "-w", "badbatch")
    assert code == 1
    assert "locked.pdf" in err and "encrypted" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ("ingest", "corpus", "--type", "poem"),
        ("search", "   "),
        ("search", "x", "-w", "Bad Name!"),
        ("search", "x", "--mode", "magic"),
        ("ingest",),
    ],
)
def test_usage_errors_exit_2_without_traceback(cli: Cli, args: tuple[str, ...]) -> None:
    code, _, err = cli(*args)
    assert code == 2
    assert "Traceback" not in err


def test_docs_remove_and_status(cli: Cli, tmp_path: Path) -> None:
    doc = tmp_path / "visit.md"
    doc.write_text(
        "# Farm visit\n\nStudents visit the durian farm to learn about grafting.", encoding="utf-8"
    )
    assert cli("ingest", str(doc), "-w", "docs-test")[0] == 0
    code, out, _ = cli("docs", "-w", "docs-test", "--json")
    rows = json.loads(out)
    assert code == 0 and [r["source"] for r in rows] == ["visit.md"] and rows[0]["status"] == "ready"
    code, out, _ = cli("status", "-w", "docs-test", "--json")
    assert json.loads(out)["index"]["chunks"] == rows[0]["chunks"]
    assert cli("remove", "visit.md", "-w", "docs-test")[0] == 0
    assert json.loads(cli("docs", "-w", "docs-test", "--json")[1]) == []
    code, _, err = cli("remove", "nothing.md", "-w", "docs-test")
    assert code == 1 and "not found" in err


def test_file_names_with_terminal_escapes_are_printed_escaped(cli: Cli, tmp_path: Path) -> None:
    """A name that would clear the screen, retitle the terminal or hide its suffix is shown, not obeyed."""
    name = "\x1b[2J\x1b]0;pwned\x07visit\u202edm.[red]x.md"
    doc = tmp_path / name
    doc.write_text("# Farm visit\n\nStudents visit the durian farm to learn grafting.", encoding="utf-8")
    bad = tmp_path / "bad\x1b[31m.pdf"
    bad.write_text("not a pdf", encoding="utf-8")
    code, _, err = cli("ingest", str(doc), str(bad), "-w", "escapes")
    assert code == 1 and "\x1b" not in err and "\\x1b[31m.pdf" in err
    code, out, _ = cli("docs", "-w", "escapes")
    assert code == 0
    printed = "".join(c for c in out if not c.isspace() and c not in "│┃")  # the column wraps the name
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[2J\\x1b]0;pwne" in printed  # the narrow column cuts the rest with "…"
    assert json.loads(cli("docs", "-w", "escapes", "--json")[1])[0]["source"] == name  # data unchanged
    code, _, err = cli("remove", name, "-w", "escapes")
    assert code == 0 and "\x1b" not in err and "\u202e" not in err
    assert "removed: \\x1b[2J\\x1b]0;pwned\\x07visit\\u202edm.[red]x.md" in err  # markup shown as text


def test_console_script_streams_json_lines(corpus_report: dict, data_dir: Path, model_dir: Path) -> None:
    """The installed `edunet` command, as an outside benchmark would call it."""
    env = {**os.environ, "EDUNET_DATA_DIR": str(data_dir), "EDUNET_MODEL_DIR": str(model_dir)}
    exe = Path(sys.executable).with_name("edunet")
    proc = subprocess.run(
        [str(exe), "search", "-k", "1"],
        input="แฟ้มสะสมผลงาน\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    line = json.loads(proc.stdout.strip())
    assert line["query"] == "แฟ้มสะสมผลงาน" and line["results"][0]["source"].startswith(
        ("guides/", "framework/")
    )


ASK_KEYS = {
    "question",
    "answer",
    "kind",
    "citations",
    "backend",
    "grounded",
    "language",
    "unsupported",
    "notes",
}
CITATION_KEYS = {"n", "source", "title", "page", "section", "text", "quotes", "ocr"}


def test_console_script_answers_questions_from_stdin_as_json_lines(
    corpus_report: dict, data_dir: Path, model_dir: Path
) -> None:
    """`edunet ask` without a question: one question a line in, one JSON answer a line out."""
    env = {**os.environ, "EDUNET_DATA_DIR": str(data_dir), "EDUNET_MODEL_DIR": str(model_dir)}
    exe = Path(sys.executable).with_name("edunet")
    questions = [
        "องค์ประกอบของเครือข่ายความร่วมมือทางการศึกษามีอะไรบ้าง",
        "What are the components of a collaboration network?",
        "What is the capital of France?",
    ]
    proc = subprocess.run(
        [str(exe), "ask", "-b", "none"],
        input="\n".join([questions[0], "", *questions[1:]]) + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [x["question"] for x in lines] == questions  # the blank line is skipped
    for line in lines:
        assert set(line) == ASK_KEYS, line
        assert line["backend"] == "none"
        assert all(set(c) == CITATION_KEYS for c in line["citations"])
    thai, english, france = lines
    for line, language in ((thai, "th"), (english, "en")):
        assert line["kind"] == "list" and line["language"] == language and line["grounded"]
        assert {c["source"] for c in line["citations"]} == {f"framework/components.{language}.md"}
        assert all(c["quotes"] and c["text"] for c in line["citations"])
        assert len([x for x in line["answer"].splitlines() if x[:1].isdigit()]) >= 5
    assert france["kind"] == "not-found" and france["citations"] == [] and not france["grounded"]
    assert "nothing-relevant" in france["notes"]


def test_ingest_can_yield_cpu_to_a_live_app() -> None:
    """EDUNET_INGEST_NICE / _THREADS lower the ingest's priority and cap its embedder's threads."""
    import subprocess
    import sys

    code = (
        "import os\n"
        "from assistant import cli\n"
        "before = os.nice(0)\n"
        "cli._yield_cpu(5, 1)\n"
        "import torch\n"
        "print(before, os.nice(0), os.environ['OMP_NUM_THREADS'], torch.get_num_threads())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after, omp, threads = (int(x) for x in result.stdout.split())
    assert after == min(19, before + 5)  # (in-process ingests of earlier tests may have niced pytest)
    assert (omp, threads) == (1, 1)
