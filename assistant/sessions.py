"""Workshop session mode: a join code, the session's own workspace, grounded answers, an FAQ.

Usage:
    >>> from assistant.sessions import Sessions
    >>> sessions = Sessions(settings, llm=False)                      # llm=True: the configured backend
    >>> s = sessions.create_session("AI กับแฟ้มสะสมผลงาน", "อ.สมชาย", files=[Path("pack.md")])
    >>> s.code, s.workspace                                           # ('K7QM4T', 'ws-k7qm4t')
    >>> p = sessions.join("k7qm-4t")                                  # codes are read leniently
    >>> answer = sessions.ask(s.code, "แฟ้มสะสมผลงานมีกี่ส่วน", participant=p.id)
    >>> groups = sessions.questions(s.code)                           # grouped by theme
    >>> draft = sessions.export_faq(s.code)                           # → assistant.export.export(draft, path)
    >>> sessions.close_session(s.code)

**Isolation.** A participant only ever gives a join code. The code names a session row in the
app database (``assistant.storage.app_db``); the row names the session's workspace
(``ws-<code>``), and answers come from an :class:`~assistant.ask.Answerer` over a
:class:`~assistant.retrieval.HybridRetriever` bound to that workspace alone (Chroma collection
and FTS rows are per workspace). As a second guard every citation of an answer is checked to
be a live chunk of that workspace before the answer is returned or logged.

**Join codes** are 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn
with :mod:`secrets` (about 887 million codes) and unique (a clash draws again). Input is read
leniently: case, spaces and dashes are ignored. The trainer also gets a **trainer key**
(stored as a SHA-256 hash) that the web dashboard asks for, so a participant who knows the
join code cannot read everyone's questions or close the session. The command line is the
local operator and needs no key.

**The pack** is ingested into the session's workspace: uploaded files are copied into
``<data_dir>/sessions/<code>/pack/`` first; library documents are re-ingested from the file
that the manifest records as their ``path`` (copied the same way, keeping their type), so the
session stays complete if the library changes later.

**Themes.** Questions are grouped deterministically by meaning: each question is embedded
with the e5 model's ``query: `` prompt (:meth:`ingest.embeddings.Embedder.embed_queries`), and
average-linkage agglomerative clustering merges the two most similar groups while their mean
cosine is at least :data:`THEME_THRESHOLD` (ties: the earliest pair). e5 cosines are compressed
(unrelated Thai or English questions score about 0.75–0.82; paraphrases 0.88 and up), hence
the high threshold. Groups are ordered by size, then by first question; each is labelled with
its most frequent key terms (:func:`ingest.lexical.tokenize`).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.records import Answer, Citation
from assistant.settings import Settings
from assistant.storage import app_db, connect, open_db
from ingest.records import check_workspace

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.drafting import Draft
    from assistant.records import AnswerEvent
    from assistant.workspaces import Principal
    from ingest.embeddings import Embedder
    from ingest.store import Store

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Join-code letters: no 0/O, 1/I/L look-alikes."""
CODE_LENGTH = 6
CODE_ATTEMPTS = 20
THEME_THRESHOLD = 0.87
"""Mean e5 cosine at which two question groups count as one theme (see the module docstring)."""
THEME_TERMS = 3
MAX_QUESTION_CHARS = 1000
PACK_SUFFIXES = (".pdf", ".docx", ".md", ".markdown", ".txt", ".html", ".htm")

SCHEMA = """
CREATE TABLE IF NOT EXISTS workshop_sessions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    trainer TEXT NOT NULL DEFAULT '',
    workspace TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('preparing', 'open', 'closed')),
    key_hash TEXT NOT NULL,
    documents TEXT NOT NULL DEFAULT '[]',
    created_at REAL NOT NULL,
    closed_at REAL
);
CREATE TABLE IF NOT EXISTS workshop_participants (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL REFERENCES workshop_sessions (code) ON DELETE CASCADE,
    name TEXT NOT NULL DEFAULT '',
    joined_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS workshop_questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL REFERENCES workshop_sessions (code) ON DELETE CASCADE,
    participant TEXT,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL DEFAULT '[]',
    grounded INTEGER NOT NULL,
    language TEXT NOT NULL,
    backend TEXT NOT NULL,
    asked_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS workshop_questions_code ON workshop_questions (code, id);
"""


# ---------------------------------------------------------------------------------------- errors


class SessionError(ValueError):
    """A session problem a user can act on; the message says which."""


class SessionNotFoundError(SessionError):
    def __init__(self, code: str = "") -> None:
        super().__init__("no session with this code")
        self.code = code


class SessionClosedError(SessionError):
    def __init__(self, code: str = "") -> None:
        super().__init__("this session is closed")
        self.code = code


class SessionNotReadyError(SessionError):
    def __init__(self, code: str = "") -> None:
        super().__init__("this session is still being prepared; try again in a moment")
        self.code = code


class TrainerKeyError(SessionError):
    def __init__(self) -> None:
        super().__init__("the trainer key does not match this session")


class IsolationError(RuntimeError):
    """An answer cited a chunk outside the session's workspace (must never happen)."""


# ---------------------------------------------------------------------------------------- records


class Status(StrEnum):
    PREPARING = "preparing"
    OPEN = "open"
    CLOSED = "closed"


@dataclass
class Session:
    """A workshop session. ``trainer_key`` is set only on the object ``create_session`` returns."""

    code: str
    name: str
    trainer: str
    workspace: str
    status: Status
    documents: list[str]
    created_at: float
    closed_at: float | None = None
    trainer_key: str = ""

    @property
    def is_open(self) -> bool:
        return self.status is Status.OPEN

    def to_dict(self, *, with_key: bool = False) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        if not with_key:
            data.pop("trainer_key")
        return data


@dataclass(frozen=True)
class Participant:
    """A participant's handle: which session they joined, under which id."""

    id: str
    code: str
    session_name: str
    name: str = ""


@dataclass
class LoggedQuestion:
    """A question asked in a session, with the answer it got."""

    id: int
    question: str
    answer: str
    citations: list[Citation]
    grounded: bool
    language: str
    backend: str
    asked_at: float
    participant: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["citations"] = [c.to_dict() for c in self.citations]
        return data


@dataclass
class QuestionGroup:
    """Questions of one theme; ``label`` is their most frequent key terms."""

    label: str
    questions: list[LoggedQuestion] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.questions)

    def best(self) -> LoggedQuestion:
        """The best-answered question: grounded first, then more citations, better score, earlier."""
        return max(
            self.questions,
            key=lambda q: (
                q.grounded,
                len(q.citations),
                max((c.score for c in q.citations), default=0),
                -q.id,
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "size": self.size, "questions": [q.to_dict() for q in self.questions]}


# ---------------------------------------------------------------------------------------- codes


def new_code() -> str:
    """A random join code (6 letters/digits without look-alikes)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: str) -> str:
    """A typed code in canonical form (upper case, no spaces or dashes); "" when it cannot be a code."""
    text = unicodedata.normalize("NFKC", code or "").upper()
    text = "".join(ch for ch in text if ch not in " -_\t\n")
    if len(text) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in text):
        return ""
    return text


def workspace_for(code: str) -> str:
    """The session's own workspace name: ``ws-<code in lower case>`` (checked)."""
    return check_workspace(f"ws-{code.lower()}")


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------- themes


def group_by_theme(
    texts: Sequence[str], vectors: Sequence[Sequence[float]], threshold: float = THEME_THRESHOLD
) -> list[list[int]]:
    """Average-linkage agglomerative clustering of unit vectors by cosine; deterministic.

    Repeatedly merges the pair of groups with the highest mean pairwise cosine while it is at
    least ``threshold`` (ties: the pair with the smallest indices). Returns groups of indices,
    each in ascending order, ordered by size (largest first) then by first index.
    """
    import numpy as np

    n = len(texts)
    if n == 0:
        return []
    m = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    m = m / np.where(norms == 0, 1, norms)
    sim = m @ m.T
    groups: list[list[int]] = [[i] for i in range(n)]
    while len(groups) > 1:
        best: tuple[float, int, int] | None = None
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                score = float(sim[np.ix_(groups[a], groups[b])].mean())
                if best is None or score > best[0] + 1e-12:
                    best = (score, a, b)
        assert best is not None
        score, a, b = best
        if score < threshold:
            break
        groups[a] = sorted(groups[a] + groups[b])
        del groups[b]
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def theme_label(questions: Iterable[str], limit: int = THEME_TERMS) -> str:
    """The group's most frequent key terms (ties: first seen), e.g. ``"แฟ้ม · ผลงาน · ส่วน"``."""
    from ingest.lexical import tokenize

    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for q in questions:
        for term in dict.fromkeys(tokenize(q)):
            counts[term] += 1
            first.setdefault(term, len(first))
    ranked = sorted(counts, key=lambda t: (-counts[t], first[t]))
    return " · ".join(ranked[:limit])


# ---------------------------------------------------------------------------------------- sessions


class Sessions:
    """Workshop sessions of one installation (app database + the shared index).

    ``llm``: ``True`` uses the configured backend (``backend`` overrides it), ``False``/``None``
    answers extractively, a chat model is used as given. ``store`` and ``embedder`` default to
    the process-wide ones (:mod:`assistant.runtime`).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        store: Store | None = None,
        embedder: Embedder | None = None,
        llm: BaseChatModel | bool | None = True,
        backend: str | None = None,
    ) -> None:
        self.settings = settings
        self.db_path = app_db(settings)
        self._store = store
        self._embedder = embedder
        self._llm = llm
        self._backend = backend
        self._model: tuple[Any, str] | None = None
        conn = open_db(self.db_path)
        try:
            conn.executescript(SCHEMA)
        finally:
            conn.close()

    # ------------------------------------------------------------------ plumbing

    @property
    def store(self) -> Store:
        if self._store is None:
            from assistant.runtime import get_store

            self._store = get_store(self.settings)
        return self._store

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = getattr(self.store.vectors, "embedder", None) or _runtime_embedder(self.settings)
        return self._embedder

    def _chat_model(self) -> tuple[Any, str]:
        if self._model is None:
            if self._llm is True:
                from assistant.llm import get_chat_model

                model, status = get_chat_model(self.settings, self._backend)
                self._model = (model, status.backend)
            elif self._llm is False or self._llm is None:
                self._model = (None, "none")
            else:
                self._model = (self._llm, self._backend or "custom")
        return self._model

    def _row(self, code: str) -> Session:
        canonical = normalize_code(code)
        if not canonical:
            raise SessionNotFoundError(code)
        conn = open_db(self.db_path)
        try:
            row = conn.execute("SELECT * FROM workshop_sessions WHERE code = ?", (canonical,)).fetchone()
        finally:
            conn.close()
        if row is None:
            raise SessionNotFoundError(code)
        return _session(row)

    def pack_dir(self, code: str) -> Path:
        return Path(self.settings.data_dir) / "sessions" / code / "pack"

    # ------------------------------------------------------------------ trainer

    def create_session(
        self,
        name: str,
        trainer: str = "",
        files: Iterable[str | Path] = (),
        *,
        from_workspace: str | None = None,
        documents: Iterable[str] = (),
        progress: Callable[[float, int, str], None] | None = None,
        principal: Principal,
    ) -> Session:
        """Create a session: reserve a unique code, ingest the pack into its own workspace, open it.

        ``files`` are uploaded pack files; ``documents`` name documents (by source, title or
        path) of ``from_workspace`` to copy in. Raises :class:`SessionError` for an empty name,
        no pack, unknown documents or a pack of which nothing could be indexed (nothing is
        kept then). Copying from ``from_workspace`` needs ``principal`` to have access to it:
        WorkspaceAccessError is raised before anything is read or reserved (the CLI passes
        :data:`assistant.workspaces.SYSTEM`).
        """
        from assistant.runtime import ingest_options
        from ingest.pipeline import Outcome, ingest

        if from_workspace:
            from assistant.workspaces import require_access

            require_access(principal, from_workspace, settings=self.settings)
        name = " ".join((name or "").split())
        if not name:
            raise SessionError("the session needs a name")
        if len(name) > 200:
            raise SessionError("the session name is too long (at most 200 characters)")
        trainer = " ".join((trainer or "").split())[:200]
        files = [Path(f) for f in files]
        docs = [d.strip() for d in documents if d and d.strip()]
        if docs and not from_workspace:
            raise SessionError("name the workspace the documents come from")
        picked = self._library_documents(check_workspace(from_workspace), docs) if docs else []
        if not files and not picked:
            raise SessionError("the session needs a workshop pack: upload files or choose library documents")
        for f in files:
            if not f.is_file():
                raise SessionError(f"{f}: no such file")
            if f.suffix.lower() not in PACK_SUFFIXES:
                raise SessionError(f"{f.name}: unsupported file type (use {', '.join(PACK_SUFFIXES)})")

        code, key = self._reserve(name, trainer)
        workspace = workspace_for(code)
        pack = self.pack_dir(code)
        try:
            stored = _copy_into(files, pack)
            typed = _copy_into(
                [Path(d.path) for d in picked], pack, names=[_source_name(d.source) for d in picked]
            )
            store = self.store
            reports = []
            total = len(stored) + len(typed)
            done = 0

            def step(offset: int) -> Callable[[float, int, str], None]:
                def inner(d: float, t: int, label: str) -> None:
                    if progress is not None:
                        progress(offset + min(d, t), total, label)

                return inner

            if stored:
                reports.append(
                    ingest(
                        stored,
                        store,
                        workspace=workspace,
                        options=ingest_options(self.settings),
                        progress=step(0),
                    )
                )
                done += len(stored)
            for path, doc in zip(typed, picked, strict=True):
                options = ingest_options(self.settings, doc_type=doc.doc_type)
                reports.append(
                    ingest([path], store, workspace=workspace, options=options, progress=step(done))
                )
                done += 1
            results = [r for rep in reports for r in rep.results]
            ok = [r for r in results if r.outcome in (Outcome.INGESTED, Outcome.REPLACED, Outcome.UNCHANGED)]
            if not ok:
                reasons = (
                    "; ".join(f"{r.source}: {r.reason or r.outcome.value}" for r in results) or "no files"
                )
                raise SessionError(f"none of the pack files could be indexed ({reasons})")
        except BaseException:
            self._discard(code, workspace)
            raise
        with connect(self.db_path) as db:
            db.execute(
                "UPDATE workshop_sessions SET status = ?, documents = ? WHERE code = ?",
                (Status.OPEN.value, json.dumps([r.source for r in ok], ensure_ascii=False), code),
            )
        session = self._row(code)
        session.trainer_key = key
        return session

    def _library_documents(self, workspace: str, names: Sequence[str]) -> list[Any]:
        """The manifest rows of ``names`` in ``workspace`` (each must exist and have its file)."""
        found, missing = [], []
        for name in dict.fromkeys(names):
            rows = [r for r in self.store.manifest.find(workspace, name) if r.status != "duplicate"]
            if not rows:
                missing.append(name)
                continue
            for row in rows:
                if not Path(row.path).is_file():
                    raise SessionError(f"{row.source}: its file is gone; upload it instead")
                found.append(row)
        if missing:
            raise SessionError(f"not in workspace {workspace!r}: {', '.join(missing)}")
        return found

    def _reserve(self, name: str, trainer: str) -> tuple[str, str]:
        """Insert a 'preparing' row under a fresh unique code whose workspace is empty."""
        import sqlite3

        key = secrets.token_urlsafe(12)
        for _ in range(CODE_ATTEMPTS):
            code = new_code()
            workspace = workspace_for(code)
            if self.store.manifest.documents(workspace):  # leftovers under this name: draw again
                continue
            try:
                with connect(self.db_path) as db:
                    db.execute(
                        "INSERT INTO workshop_sessions (code, name, trainer, workspace, status, key_hash,"
                        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (code, name, trainer, workspace, Status.PREPARING.value, _hash_key(key), time.time()),
                    )
                return code, key
            except sqlite3.IntegrityError:
                continue
        raise SessionError("could not find a free join code; try again")

    def _discard(self, code: str, workspace: str) -> None:
        """Remove a half-created session: its row, its indexed documents and its pack folder."""
        store = self.store
        with store.writing(workspace):
            for doc in store.documents(workspace):
                store.remove(workspace, doc.path)
        with connect(self.db_path) as db:
            db.execute("DELETE FROM workshop_sessions WHERE code = ?", (code,))
        shutil.rmtree(self.pack_dir(code).parent, ignore_errors=True)

    def check_trainer(self, code: str, key: str) -> Session:
        """The session when ``key`` is its trainer key (for the web dashboard); else TrainerKeyError."""
        session = self._row(code)
        conn = open_db(self.db_path)
        try:
            row = conn.execute(
                "SELECT key_hash FROM workshop_sessions WHERE code = ?", (session.code,)
            ).fetchone()
        finally:
            conn.close()
        if not key or not secrets.compare_digest(row["key_hash"], _hash_key(key.strip())):
            raise TrainerKeyError()
        return session

    def close_session(self, code: str) -> Session:
        """Close the session: participants can no longer join or ask; the log and the FAQ stay."""
        session = self._row(code)
        if session.status is not Status.CLOSED:
            with connect(self.db_path) as db:
                db.execute(
                    "UPDATE workshop_sessions SET status = ?, closed_at = ? WHERE code = ?",
                    (Status.CLOSED.value, time.time(), session.code),
                )
        return self._row(session.code)

    def list_sessions(self) -> list[Session]:
        """Every session, newest first."""
        conn = open_db(self.db_path)
        try:
            rows = conn.execute(
                "SELECT * FROM workshop_sessions WHERE status != 'preparing' ORDER BY created_at DESC"
            ).fetchall()
        finally:
            conn.close()
        return [_session(r) for r in rows]

    def get(self, code: str) -> Session:
        """The session with this code (any status); SessionNotFoundError otherwise."""
        return self._row(code)

    # ------------------------------------------------------------------ participants

    def open_session(self, code: str) -> Session:
        """The session if participants may use it now: not found / closed / preparing are errors."""
        session = self._row(code)
        if session.status is Status.CLOSED:
            raise SessionClosedError(code)
        if session.status is Status.PREPARING:
            raise SessionNotReadyError(code)
        return session

    def join(self, code: str, name: str = "") -> Participant:
        """Join an open session; returns the participant's handle."""
        session = self.open_session(code)
        pid = secrets.token_hex(8)
        with connect(self.db_path) as db:
            db.execute(
                "INSERT INTO workshop_participants (id, code, name, joined_at) VALUES (?, ?, ?, ?)",
                (pid, session.code, " ".join((name or "").split())[:80], time.time()),
            )
        return Participant(pid, session.code, session.name, name)

    def answerer(self, session: Session) -> Any:
        """An Answerer bound to the session's workspace only."""
        from assistant.ask import Answerer
        from assistant.retrieval import HybridRetriever

        retriever = HybridRetriever(store=self.store, workspace=session.workspace, k=self.settings.top_k)
        model, backend = self._chat_model()
        return Answerer(retriever, model, backend)

    def stream(self, code: str, question: str, participant: str | None = None) -> Iterator[AnswerEvent]:
        """Answer events for a question (PASSAGES, TOKEN…, FINAL); the FINAL is checked and logged.

        Raises SessionNotFoundError / SessionClosedError / ValueError (empty question) before
        anything is streamed.
        """
        from assistant.records import EventKind

        session = self.open_session(code)
        question = (question or "").strip()
        if not question:
            raise ValueError("the question is empty")
        question = question[:MAX_QUESTION_CHARS]
        answerer = self.answerer(session)

        def events() -> Iterator[AnswerEvent]:
            for event in answerer.stream(question):
                if event.kind is EventKind.PASSAGES:
                    self._check_isolation(session, event.citations)
                if event.kind is EventKind.FINAL and event.answer is not None:
                    self._check_isolation(session, event.answer.citations)
                    self._log(session, question, event.answer, participant)
                yield event

        return events()

    def ask(self, code: str, question: str, participant: str | None = None) -> Answer:
        """A grounded, cited answer from the session's documents only; the question is logged."""
        final: Answer | None = None
        for event in self.stream(code, question, participant):
            final = event.answer or final
        assert final is not None
        return final

    def _check_isolation(self, session: Session, citations: Sequence[Citation]) -> None:
        ids = [c.chunk_id for c in citations]
        if not ids:
            return
        live = self.store.manifest.live_ids(session.workspace, ids)
        outside = [i for i in ids if i not in live]
        if outside:
            raise IsolationError(f"an answer cited chunks outside {session.workspace}: {outside}")

    def _log(self, session: Session, question: str, answer: Answer, participant: str | None) -> None:
        with connect(self.db_path) as db:
            db.execute(
                "INSERT INTO workshop_questions (code, participant, question, answer, citations, grounded,"
                " language, backend, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session.code,
                    participant,
                    question,
                    answer.text,
                    json.dumps([c.to_dict() for c in answer.citations], ensure_ascii=False),
                    int(answer.grounded),
                    answer.language,
                    answer.backend,
                    time.time(),
                ),
            )

    # ------------------------------------------------------------------ the trainer's view

    def log(self, code: str) -> list[LoggedQuestion]:
        """Every question of the session, in the order asked."""
        session = self._row(code)
        conn = open_db(self.db_path)
        try:
            rows = conn.execute(
                "SELECT * FROM workshop_questions WHERE code = ? ORDER BY id", (session.code,)
            ).fetchall()
        finally:
            conn.close()
        return [
            LoggedQuestion(
                id=r["id"],
                question=r["question"],
                answer=r["answer"],
                citations=[Citation(**c) for c in json.loads(r["citations"])],
                grounded=bool(r["grounded"]),
                language=r["language"],
                backend=r["backend"],
                asked_at=r["asked_at"],
                participant=r["participant"],
            )
            for r in rows
        ]

    def questions(self, code: str, threshold: float = THEME_THRESHOLD) -> list[QuestionGroup]:
        """The session's questions grouped by theme (see the module docstring), largest group first."""
        logged = self.log(code)
        if not logged:
            return []
        texts = [q.question for q in logged]
        vectors = self.embedder.embed_queries(texts)
        groups = group_by_theme(texts, vectors, threshold)
        return [
            QuestionGroup(theme_label(texts[i] for i in g) or texts[g[0]], [logged[i] for i in g])
            for g in groups
        ]

    def export_faq(self, code: str, language: str | None = None) -> Draft:
        """The FAQ as a Draft: one section per theme with the questions asked and the best answer, cited.

        Citation numbers are renumbered across the whole FAQ (the same chunk keeps one number).
        The FAQ's wording is the ``faq:`` block of ``corpus/templates/workshop.yaml``.
        """
        from assistant import grounding as g
        from assistant.drafting import Block, Draft, Section, check_language
        from assistant.workshop import load_template

        faq = load_template().faq
        session = self._row(code)
        groups = self.questions(code)
        if language is None:
            langs = Counter(q.language for grp in groups for q in grp.questions)
            language = max(("th", "en"), key=lambda x: (langs[x], x == "th"))
        language = check_language(language)
        by_chunk: dict[str, int] = {}
        citations: list[Citation] = []
        sections: list[Section] = []
        for i, group in enumerate(groups, start=1):
            best = group.best()
            mapping: dict[int, int] = {}
            for c in best.citations:
                if c.chunk_id not in by_chunk:
                    by_chunk[c.chunk_id] = len(citations) + 1
                    citations.append(Citation(**{**c.to_dict(), "n": by_chunk[c.chunk_id]}))
                mapping[c.n] = by_chunk[c.chunk_id]
            text = g.MARKER.sub(lambda m, mp=mapping: _renumber(m.group(0), mp), best.answer)
            counts = Counter(q.question for q in group.questions)
            asked = [f"{q} (×{n})" if n > 1 else q for q, n in counts.items()]
            blocks = [
                Block.paragraph(faq.asked.get(language)),
                Block.bullets(asked),
                Block.paragraph(faq.answer.fill(language, answer=text.strip())),
            ]
            if not best.grounded:
                blocks.append(Block.note(faq.not_answered.get(language)))
            title = f"{i}. {best.question}"
            sections.append(Section(f"theme-{i}", title, blocks))
        if not sections:
            sections.append(
                Section("empty", faq.empty_title.get(language), [Block.note(faq.empty_note.get(language))])
            )
        backends = sorted({q.backend for grp in groups for q in grp.questions}) or ["none"]
        fields = {
            faq.field_session.get(language): session.name,
            faq.field_trainer.get(language): session.trainer or "—",
            faq.field_code.get(language): session.code,
            faq.field_questions.get(language): str(sum(grp.size for grp in groups)),
        }
        return Draft(
            kind="faq",
            title=faq.title.fill(language, session=session.name),
            language=language,
            sections=sections,
            citations=citations,
            backend=", ".join(backends),
            fields=fields,
            data={"session": session.to_dict(), "groups": [grp.to_dict() for grp in groups]},
        )


# ---------------------------------------------------------------------------------------- helpers


def _session(row: Any) -> Session:
    return Session(
        code=row["code"],
        name=row["name"],
        trainer=row["trainer"],
        workspace=row["workspace"],
        status=Status(row["status"]),
        documents=json.loads(row["documents"] or "[]"),
        created_at=row["created_at"],
        closed_at=row["closed_at"],
    )


def _renumber(marker: str, mapping: dict[int, int]) -> str:
    """``[1, 2]`` with each number mapped (numbers without a mapping dropped; "" when none is left)."""
    from assistant import grounding as g

    numbers = list(dict.fromkeys(mapping[n] for n in g.parse_markers(marker) if n in mapping))
    return f"[{', '.join(str(n) for n in numbers)}]" if numbers else ""


def _runtime_embedder(settings: Settings) -> Embedder:
    from assistant.runtime import get_embedder

    return get_embedder(settings)


def _source_name(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1]


def _safe_name(name: str) -> str:
    """A file name with only letters (Thai too), digits and ``-_.``; never empty or hidden."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = "".join(ch if ch in "-_." or unicodedata.category(ch)[0] in "LMN" else "_" for ch in stem)
    stem = "_".join(part for part in stem.split("_") if part).strip("._-")[:80] or "pack"
    suffix = "".join(ch for ch in suffix.lower() if ch.isalnum())[:10]
    return f"{stem}.{suffix}" if suffix else stem


def _copy_into(files: Sequence[Path], folder: Path, names: Sequence[str] | None = None) -> list[Path]:
    """Copy files into ``folder`` under safe, distinct names; returns the copies."""
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    for i, src in enumerate(files):
        name = _safe_name(names[i] if names else src.name)
        stem, suffix = Path(name).stem, Path(name).suffix
        n = 1
        while (folder / name).exists():
            n += 1
            name = f"{stem}-{n}{suffix}"
        target = folder / name
        shutil.copyfile(src, target)
        out.append(target)
    return out
