"""Workshop session mode: a join code, the session's own workspace, grounded answers, an FAQ.

Usage:
    >>> from assistant.sessions import Sessions
    >>> sessions = Sessions(settings, llm=False)                      # llm=True: the configured backend
    >>> s = sessions.create_session("AI กับแฟ้มสะสมผลงาน", "อ.สมชาย", files=[Path("pack.md")])
    >>> s.code, s.workspace                                           # ('K7QM4T', 'ws-k7qm4t')
    >>> p = sessions.join("k7qm-4t")                                  # codes are read leniently
    >>> answer = sessions.ask(s.code, "แฟ้มสะสมผลงานมีกี่ส่วน", participant=p.id)
    >>> groups = sessions.questions(s.code)                           # grouped by theme
    >>> draft = sessions.export_faq(s.code)                           # a Draft, for drafting.export
    >>> sessions.close_session(s.code)

**Isolation.** A participant only ever gives a join code. The code names a session row in the
app database (``assistant.storage.app_db``); the row names the session's workspace
(``ws-<code>``), and answers come from an :class:`~assistant.ask.Answerer` over a
:class:`~assistant.retrieval.hybrid.HybridRetriever` bound to that workspace alone (Chroma collection
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

Modules (one concept each; this package re-exports their public names):

* :mod:`~assistant.sessions.errors` — the errors a user can act on (and :class:`IsolationError`);
* :mod:`~assistant.sessions.records` — :class:`Session`, :class:`Participant`, logged questions, theme groups;
* :mod:`~assistant.sessions.codes` — join codes and the session's workspace name;
* :mod:`~assistant.sessions.themes` — grouping questions by theme, labelled by their key terms;
* :mod:`~assistant.sessions.storage` — the session tables of the app database and the question log;
* :mod:`~assistant.sessions.models` — the store, embedder and chat model, loaded once;
* :mod:`~assistant.sessions.pack` — copying the pack's files under safe names;
* :mod:`~assistant.sessions.answering` — answers from the session's workspace only, checked and logged;
* :mod:`~assistant.sessions.faq` — the FAQ draft;
* :mod:`~assistant.sessions.facade` — :class:`Sessions`, the one entry point.
"""

from __future__ import annotations

from assistant.sessions.answering import MAX_QUESTION_CHARS
from assistant.sessions.codes import (
    CODE_ALPHABET,
    CODE_ATTEMPTS,
    CODE_LENGTH,
    new_code,
    normalize_code,
    workspace_for,
)
from assistant.sessions.errors import (
    IsolationError,
    SessionClosedError,
    SessionError,
    SessionNotFoundError,
    SessionNotReadyError,
    TrainerKeyError,
)
from assistant.sessions.facade import Sessions
from assistant.sessions.pack import PACK_SUFFIXES
from assistant.sessions.records import LoggedQuestion, Participant, QuestionGroup, Session, Status
from assistant.sessions.storage import SCHEMA
from assistant.sessions.themes import (
    THEME_TERMS,
    THEME_THRESHOLD,
    glossary_compounds,
    group_by_theme,
    key_terms,
    theme_label,
)

__all__ = [
    "CODE_ALPHABET",
    "CODE_ATTEMPTS",
    "CODE_LENGTH",
    "MAX_QUESTION_CHARS",
    "PACK_SUFFIXES",
    "SCHEMA",
    "THEME_TERMS",
    "THEME_THRESHOLD",
    "IsolationError",
    "LoggedQuestion",
    "Participant",
    "QuestionGroup",
    "Session",
    "SessionClosedError",
    "SessionError",
    "SessionNotFoundError",
    "SessionNotReadyError",
    "Sessions",
    "Status",
    "TrainerKeyError",
    "glossary_compounds",
    "group_by_theme",
    "key_terms",
    "new_code",
    "normalize_code",
    "theme_label",
    "workspace_for",
]
