"""Chroma server mode against a real ``chroma run`` on loopback: ingest, hybrid search, token, two processes.

The server comes from the ``chroma_server`` fixture (scripts/test.sh's shared one, else one
started for this session). Each test uses its own workspace, hence its own collection, so
tests sharing the server never see each other's vectors.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from assistant.retrieval.hybrid import HybridRetriever
from assistant.settings import ChromaMode, Settings
from ingest.pipeline import Outcome, ingest
from ingest.store import Store
from ingest.vectors import chroma_client
from tests.fixtures.chroma import ChromaServer, TokenProxy, make_certificate
from tests.fixtures.consistency import assert_consistent
from tests.fixtures.env import subprocess_env

ROOT = Path(__file__).resolve().parents[2]
BIRDS = ["kestrel", "osprey", "heron", "plover", "avocet", "bittern", "curlew", "dunlin"]
"""One distinctive code word per generated document (found by BM25 and by no other document)."""

TH_BODY = (
    "โรงเรียนขนาดเล็กในเครือข่าย{name}ร่วมกันจัดกิจกรรมพัฒนาครูทุกภาคเรียน "
    "โดยมีมหาวิทยาลัยในจังหวัดเป็นพี่เลี้ยงและองค์การบริหารส่วนตำบลสนับสนุนงบประมาณ "
    "ครูแต่ละโรงเรียนแลกเปลี่ยนแผนการสอนและสื่อการเรียนรู้ผ่านการประชุมประจำเดือน "
)
EN_BODY = (
    "The {name} cluster of small rural schools shares teachers, a school bus and a science lab. "
    "A partner university trains the teachers every term and the sub-district office pays for fuel. "
    "Principals meet monthly to review the plan and report progress to the network committee. "
)


def workspace_name() -> str:
    """A fresh workspace (and so a fresh Chroma collection) for one test."""
    return f"srv-{uuid.uuid4().hex[:10]}"


def write_docs(folder: Path, names: list[str], repeat: int = 6) -> dict[str, str]:
    """Thai and English Markdown files, one per code word; returns {code word: source name}."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = {}
    for i, name in enumerate(names):
        thai = i % 2 == 0
        body = (TH_BODY if thai else EN_BODY).format(name=f" {name} ")
        paragraphs = "\n\n".join(f"{body} ({name} {j})" for j in range(repeat))
        source = f"{i:02d}-{name}.{'th' if thai else 'en'}.md"
        text = f"---\ntitle: {name.title()} network\nlanguage: {'th' if thai else 'en'}\n---\n## {name}\n\n"
        (folder / source).write_text(text + paragraphs + "\n", encoding="utf-8")
        sources[name] = source
    return sources


def server_store(data_dir: Path, embedder, server: ChromaServer, token: str | None = None) -> Store:
    """A store whose manifest is under ``data_dir`` and whose vectors live on the server."""
    return Store.open(
        data_dir, embedder, client=chroma_client(host=server.host, port=server.port, token=token)
    )


def proxied_settings(data_dir: Path, embedder, proxy: TokenProxy, token: str, **options: object) -> Settings:
    """The app's settings for server mode through ``proxy`` (the EDUNET_CHROMA_* path)."""
    return Settings(
        data_dir=data_dir,
        model_dir=Path(embedder.model_dir),
        chroma_mode=ChromaMode.SERVER,
        chroma_host=proxy.host,
        chroma_port=proxy.port,
        chroma_token=token,
        **options,
    )


def test_ingest_and_hybrid_search_on_the_server(
    tmp_path: Path, embedder, chroma_server: ChromaServer
) -> None:
    ws = workspace_name()
    sources = write_docs(tmp_path / "docs", BIRDS[:4], repeat=3)
    store = server_store(tmp_path / "data", embedder, chroma_server)
    report = ingest([tmp_path / "docs"], store, workspace=ws)
    assert report.ok and len(report.of(Outcome.INGESTED)) == 4
    assert not (tmp_path / "data" / "chroma").exists(), "server mode must not create an embedded store"

    retriever = HybridRetriever(store=store, workspace=ws, k=5)
    for name, source in sources.items():
        hits = retriever.search(f"{name} network", 5)
        assert hits[0].source == source, (name, [h.source for h in hits])
        assert {"dense", "bm25"} <= set(hits[0].ranks), hits[0].ranks
    dense = store.dense(ws, "How do rural schools share a bus and a science lab?", 3)
    assert dense and dense[0].source.endswith(".en.md")
    assert store.keyword(ws, "มหาวิทยาลัย พี่เลี้ยง", 3)[0].source.endswith(".th.md")

    # A second, independent client sees exactly the live chunks on the server.
    other = chroma_client(host=chroma_server.host, port=chroma_server.port)
    ids = set(other.get_collection(f"edunet-{ws}").get(include=[])["ids"])
    assert ids == store.manifest.live_ids(ws)
    assert_consistent(store, ws, expected_sources=set(sources.values()))

    again = ingest([tmp_path / "docs"], store, workspace=ws)
    assert len(again.of(Outcome.UNCHANGED)) == 4
    assert_consistent(store, ws, expected_sources=set(sources.values()))


def test_the_token_reaches_an_authenticating_proxy(
    tmp_path: Path, embedder, chroma_server: ChromaServer
) -> None:
    """Chroma 1.x's server checks no token: a proxy does, and the app's token must get through it."""
    from assistant.retrieval.runtime import get_store

    ws = workspace_name()
    proxy = TokenProxy(chroma_server, token="s3cret-token")
    try:
        guarded = ChromaServer(proxy.host, proxy.port)
        sources = write_docs(tmp_path / "docs", BIRDS[:1], repeat=2)
        store = server_store(tmp_path / "data", embedder, guarded, token="s3cret-token")
        assert ingest([tmp_path / "docs"], store, workspace=ws).ok
        assert store.keyword(ws, BIRDS[0], 1)[0].source == sources[BIRDS[0]]
        assert store.dense(ws, f"{BIRDS[0]} rural schools", 1)[0].source == sources[BIRDS[0]]
        assert proxy.seen["ok"] > 0 and proxy.seen["refused"] == 0

        # The settings path (EDUNET_CHROMA_* → runtime.get_store) sends the same token.
        settings = proxied_settings(tmp_path / "data", embedder, proxy, token="s3cret-token")
        assert get_store(settings).vectors.all_ids(ws) == store.manifest.live_ids(ws)
        assert proxy.seen["refused"] == 0

        with pytest.raises(Exception, match=r"(?i)unauthori[sz]ed|401"):
            chroma_client(host=proxy.host, port=proxy.port, token="wrong").get_collection(f"edunet-{ws}")
        assert proxy.seen["refused"] >= 1
    finally:
        proxy.close()


def test_tls_to_the_server_is_verified_against_the_configured_ca(
    tmp_path: Path, embedder, chroma_server: ChromaServer
) -> None:
    """EDUNET_CHROMA_SSL + EDUNET_CHROMA_CA_FILE: HTTPS through a TLS-terminating proxy, never unverified."""
    from assistant.retrieval.runtime import get_store

    ws = workspace_name()
    cert, key = make_certificate(tmp_path / "tls")
    proxy = TokenProxy(chroma_server, token="tls-token", certificate=(cert, key))
    try:
        sources = write_docs(tmp_path / "docs", BIRDS[2:3], repeat=2)
        settings = proxied_settings(
            tmp_path / "data", embedder, proxy, token="tls-token", chroma_ssl=True, chroma_ca_file=cert
        )
        store = get_store(settings)
        assert ingest([tmp_path / "docs"], store, workspace=ws).ok
        assert store.dense(ws, f"{BIRDS[2]} rural schools", 1)[0].source == sources[BIRDS[2]]
        assert proxy.seen["ok"] > 0 and proxy.seen["refused"] == 0

        # without the CA the self-signed certificate is refused; plain HTTP gets no answer
        with pytest.raises(Exception) as refused:
            chroma_client(host=proxy.host, port=proxy.port, token="tls-token", ssl=True).heartbeat()
        chain, error = [], refused.value
        while error is not None:
            chain.append(f"{type(error).__name__}: {error}")
            error = error.__cause__ or error.__context__
        assert any("CERTIFICATE_VERIFY_FAILED" in e for e in chain), chain
        with pytest.raises(Exception):  # noqa: B017 - a TLS port does not speak HTTP
            chroma_client(host=proxy.host, port=proxy.port, token="tls-token").heartbeat()
        with pytest.raises(FileNotFoundError, match="CA file"):
            chroma_client(host=proxy.host, port=proxy.port, ssl=True, ca_file=tmp_path / "missing.pem")
    finally:
        proxy.close()


# ---------------------------------------------------------------- two processes


def cli_env(data_dir: Path, model_dir: Path, server: ChromaServer, workspace: str) -> dict[str, str]:
    """The environment of an ``edunet`` subprocess in server mode over the shared data dir."""
    return subprocess_env(
        data_dir,
        model_dir,
        workspace,
        EDUNET_CHROMA_MODE="server",
        EDUNET_CHROMA_HOST=server.host,
        EDUNET_CHROMA_PORT=str(server.port),
        EDUNET_BACKEND="none",
        PYTHONUNBUFFERED="1",
    )


class Searcher:
    """A long-running ``edunet search`` process: one query per stdin line, one JSON line back."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "search", "-k", "10"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )

    def ask(self, query: str) -> list[dict]:
        """The results of one query (blocks until the process answers)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(query + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, f"the search process died (exit {self.proc.poll()})"
        reply = json.loads(line)
        assert reply["query"] == query
        return reply["results"]

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def test_two_processes_share_one_store(
    tmp_path: Path, embedder, model_dir: Path, chroma_server: ChromaServer
) -> None:
    """One process ingests while another searches; then both, and a third, see the same documents."""
    ws = workspace_name()
    data = tmp_path / "data"
    seed = write_docs(tmp_path / "seed", ["seedling"], repeat=3)
    store = server_store(data, embedder, chroma_server)
    assert ingest([tmp_path / "seed"], store, workspace=ws).ok
    sources = write_docs(tmp_path / "docs", BIRDS, repeat=8)
    env = cli_env(data, model_dir, chroma_server, ws)

    searcher = Searcher(env)
    try:
        assert searcher.ask("seedling network")[0]["source"] == seed["seedling"]  # model loaded, ready
        ingester = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "ingest", str(tmp_path / "docs"), "--json"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        seen: list[dict] = []
        during = 0
        deadline = time.monotonic() + 300
        while ingester.poll() is None and time.monotonic() < deadline:
            for name in (*BIRDS, "seedling"):
                results = searcher.ask(f"{name} network")
                ids = [r["chunk_id"] for r in results]
                assert len(ids) == len(set(ids)), f"duplicate hits: {ids}"
                seen.extend(results)
                during += 1
        out, err = ingester.communicate(timeout=max(1.0, deadline - time.monotonic()))
        assert ingester.returncode == 0, err[-2000:]
        report = json.loads(out)
        assert report["counts"]["ingested"] == len(BIRDS), report["counts"]
        assert during >= 3, f"only {during} searches answered while the ingest ran"

        # Every passage ever returned mid-ingest belongs to a document that went fully live.
        live = store.manifest.live_ids(ws)
        assert {r["chunk_id"] for r in seen} <= live, "a search returned a chunk that never went live"
        assert_consistent(store, ws, expected_sources={*sources.values(), *seed.values()})

        # The long-running searcher, a fresh process and this process agree, document by document.
        retriever = HybridRetriever(store=store, workspace=ws, k=10)
        fresh_queries = "\n".join(f"{name} network" for name in BIRDS) + "\n"
        fresh = subprocess.run(
            [sys.executable, "-m", "assistant.cli", "search", "-k", "10"],
            cwd=ROOT,
            env=env,
            input=fresh_queries,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert fresh.returncode == 0, fresh.stderr[-2000:]
        fresh_results = [json.loads(line)["results"] for line in fresh.stdout.splitlines() if line.strip()]
        for name, fresh_hits in zip(BIRDS, fresh_results, strict=True):
            old_hits = searcher.ask(f"{name} network")
            here = retriever.search(f"{name} network", 10)
            assert old_hits[0]["source"] == sources[name] == fresh_hits[0]["source"] == here[0].source
            assert [h["chunk_id"] for h in old_hits] == [h["chunk_id"] for h in fresh_hits]
            assert [h["chunk_id"] for h in fresh_hits] == [h.chunk_id for h in here]
    finally:
        searcher.close()

    # Ingesting the same folder again from another process adds nothing.
    again = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", str(tmp_path / "docs"), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert json.loads(again.stdout)["counts"]["unchanged"] == len(BIRDS)
    assert_consistent(store, ws, expected_sources={*sources.values(), *seed.values()})


def pending_chunks(db: Path) -> int:
    """Pending chunks in a manifest file right now (0 while it does not exist yet)."""
    import sqlite3

    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=30) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM chunks WHERE state = 'pending'").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def test_two_processes_ingest_into_one_workspace_at_once(
    tmp_path: Path, embedder, model_dir: Path, chroma_server: ChromaServer
) -> None:
    """Two app processes uploading at the same time: neither run's repair may eat the other's work."""
    ws = workspace_name()
    data = tmp_path / "data"
    first = write_docs(tmp_path / "a", BIRDS[:4], repeat=6)
    second = write_docs(tmp_path / "b", BIRDS[4:], repeat=6)
    env = cli_env(data, model_dir, chroma_server, ws)

    def start(folder: Path) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "ingest", str(folder), "--json"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    procs = [start(tmp_path / "a")]
    deadline = time.monotonic() + 120
    while not pending_chunks(data / "edunet.db"):  # the second starts while the first is mid-document
        assert procs[0].poll() is None and time.monotonic() < deadline, "the first ingest never staged"
        time.sleep(0.05)
    procs.append(start(tmp_path / "b"))
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-3000:]
        assert json.loads(out)["counts"]["ingested"] == 4
    store = server_store(data, embedder, chroma_server)
    assert_consistent(store, ws, expected_sources={*first.values(), *second.values()})
