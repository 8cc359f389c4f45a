"""MOUs: draft one from the MOU form, and analyse an existing one (a library document or a file).

Usage:
    >>> from assistant.services.mou import MouRequest, MouService
    >>> service = MouService(settings)
    >>> request = MouRequest.from_form(language="th", topic="…", parties="โรงเรียน A | …\\nวิทยาลัย B",
    ...     objectives="…", scope="…", duties="โรงเรียน A: จัดเวลา", start_date="2025-06-01",
    ...     duration_months=24)
    >>> data, problems = request.to_form()          # FormProblems: lines that are not "party: text"
    >>> form = service.parse(data)                  # FormError lists every problem (.found: typed)
    >>> for event in service.stream(principal, "net-a", form): ...
    >>> found = service.analyse(principal, "net-a", document="MOU-2024-001.th.md")
    >>> service.send(principal, found.state())      # the record to the workspace's partner registry

Both the MOU tab and ``edunet mou`` go through this service. Problems are English
:class:`assistant.drafting.forms.FormProblem` values (a field, or None for the whole form, and a
message; ``FormError.problems`` has their ``field: message`` text, which the CLI lists); the tab
shows them in its language. Every method that reads a workspace raises WorkspaceAccessError
before anything is opened unless the principal may use it; an analysed record goes to the
registry of the workspace it was analysed in.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.drafting.forms import FormProblem
from assistant.services.base import DraftingService, remember_draft

if TYPE_CHECKING:
    from assistant.access.workspaces import Principal
    from assistant.drafting.engine import DraftEvent, Writer
    from assistant.mou.analysis import MouRecord
    from assistant.mou.draft import MouForm


def lines(text: str | None) -> list[str]:
    """The non-empty lines of a multiline box, without bullet marks."""
    return [line.strip().lstrip("-•* ").strip() for line in (text or "").splitlines() if line.strip()]


def bad_line(field: str, line: str) -> FormProblem:
    """The problem of a line that is not ``party: text`` (what the tab shows in its language)."""
    return FormProblem(field, f"the line “{line}” must read party: text")


def _pairs(text: str | None, problems: list[FormProblem], field: str) -> list[tuple[str, str]]:
    pairs = []
    for line in lines(text):
        key, sep, value = line.partition(":")
        if not sep or not key.strip() or not value.strip():
            problems.append(bad_line(field, line))
            continue
        pairs.append((key.strip(), value.strip()))
    return pairs


@dataclass(frozen=True)
class MouRequest:
    """The MOU form as typed in the tab: lists one item per line, parties ``name | rep | title | short``."""

    language: str = "th"
    topic: str = ""
    place: str = ""
    parties: str = ""
    objectives: str = ""
    scope: str = ""
    duties: str = ""
    resources: str = ""
    start_date: str = ""
    duration_months: float | None = None
    coordinators: str = ""
    evaluation: str = ""
    notice_days: float | None = 30
    student_data: bool = False
    witnesses: str = ""

    @classmethod
    def from_form(cls, **values: Any) -> MouRequest:
        """The request of the form's inputs (None for an empty text box is an empty text)."""
        text = {"duration_months", "notice_days", "student_data"}
        return cls(**{k: v if k in text else (v or "") for k, v in values.items()})

    def to_form(self) -> tuple[dict[str, Any], list[FormProblem]]:
        """The mapping ``parse_mou_form`` validates, and the problems of the line formats."""
        problems: list[FormProblem] = []
        party_rows = []
        for line in lines(self.parties):
            cells = [c.strip() for c in line.split("|")] + ["", "", ""]
            party_rows.append(
                {"name": cells[0], "representative": cells[1], "title": cells[2], "short_name": cells[3]}
            )
        duty_map: dict[str, list[str]] = {}
        for key, value in _pairs(self.duties, problems, "duties"):
            duty_map.setdefault(key, []).append(value)
        form = {
            "language": self.language,
            "topic": self.topic or "",
            "place": self.place or "",
            "parties": party_rows,
            "objectives": lines(self.objectives),
            "scope": lines(self.scope),
            "duties": duty_map,
            "resources": lines(self.resources),
            "start_date": (self.start_date or "").strip(),
            "duration_months": int(self.duration_months) if self.duration_months else None,
            "coordinators": dict(_pairs(self.coordinators, problems, "coordinators")),
            "evaluation": lines(self.evaluation),
            "notice_days": int(self.notice_days) if self.notice_days else 30,
            "shares_student_data": bool(self.student_data),
            "witnesses": lines(self.witnesses),
        }
        return form, problems


@dataclass(frozen=True)
class LibraryDocument:
    """A ready document of the workspace that may be analysed: its source name and type."""

    source: str
    doc_type: str


@dataclass(frozen=True)
class MouAnalysis:
    """An analysed MOU: its record (``MouRecord.to_json()``), its registry mapping and its workspace."""

    record: dict[str, Any]
    partner: dict[str, Any] | None
    workspace: str

    def state(self) -> dict[str, Any]:
        """What the tab keeps between events: the record with ``_partner`` and ``_workspace``."""
        return self.record | {"_partner": self.partner, "_workspace": self.workspace}


def partner_from_json(record: Mapping[str, Any]) -> dict[str, Any]:
    """The registry mapping for an uploaded file's record (rebuilt from its JSON form)."""
    from assistant.mou.analysis import FieldValue, MouRecord

    rec = MouRecord(source=record["source"], mou_id=record["mou_id"], title=record.get("title", ""))
    for name, value in record["fields"].items():
        if value is not None:
            v = value["value"]
            if name in ("signing_date", "start_date", "end_date"):
                v = date.fromisoformat(v)
            setattr(rec, name, FieldValue(v, value["page"], value["evidence_text"], value["method"]))
    return rec.to_partner_record()


class MouService(DraftingService):
    """Drafting an MOU and analysing one, in a workspace (``store``: the index to cite from)."""

    @staticmethod
    def parse(data: Mapping[str, Any]) -> MouForm:
        """The validated form (FormError lists every problem in English; ``found`` has them typed)."""
        from assistant.mou.draft import parse_mou_form

        return parse_mou_form(data)

    def stream(
        self, principal: Principal, workspace: str | None, form: MouForm, *, backend: str | None = None
    ) -> Iterator[DraftEvent]:
        """The MOU drafted section by section, then the draft (access checked before it starts)."""
        ws = self.workspace(principal, workspace)

        def events() -> Iterator[DraftEvent]:
            from assistant.drafting.engine import draft_context
            from assistant.mou.draft import stream_mou_draft

            retriever = self.retriever(principal, ws, k=5) if self.store is not None else None
            ctx = draft_context(
                self.settings, ws, form.language, backend=backend, retriever=retriever, principal=principal
            )
            yield from stream_mou_draft(form, ctx)

        return events()

    @staticmethod
    def title(form: MouForm) -> str:
        from assistant.mou.draft import mou_title

        return mou_title(form)

    def remember(self, principal: Principal, workspace: str | None, draft: Any) -> str | None:
        """Keep a finished MOU draft in the user's history; its id (None when it could not be kept)."""
        from assistant.access.history import Kind

        ws = workspace or self.settings.workspace
        return remember_draft(self.settings, principal, ws, Kind.MOU, draft)

    def documents(self, principal: Principal, workspace: str | None = None) -> list[LibraryDocument]:
        """The workspace's ready documents, MOUs first, then by name."""
        from ingest.manifest import Manifest

        ws = self.workspace(principal, workspace)
        db = self.settings.manifest_path
        if not db.is_file():
            return []
        manifest = Manifest(db)
        try:
            docs = [d for d in manifest.documents(ws) if d.status == "ready"]
        finally:
            manifest.close()
        docs.sort(key=lambda d: (d.doc_type != "mou", d.source))
        return [LibraryDocument(d.source, d.doc_type) for d in docs]

    def analyse(
        self,
        principal: Principal,
        workspace: str | None,
        *,
        document: str | None = None,
        upload: Path | str | None = None,
        writer: Writer | None = None,
    ) -> MouAnalysis:
        """The record of an uploaded file, or of a document of the workspace.

        An uploaded file reads no workspace, but its record may go to the workspace's registry,
        so the access check comes first either way.
        """
        ws = self.workspace(principal, workspace)
        source = Path(upload).name if upload else None
        record = self.read(principal, ws, document=document, upload=upload, writer=writer, source=source)
        partner = record.to_partner_record() if document and not upload else None
        return MouAnalysis(record.to_json(), partner, ws)

    def read(
        self,
        principal: Principal,
        workspace: str | None,
        *,
        document: str | None = None,
        upload: Path | str | None = None,
        writer: Writer | None = None,
        source: str | None = None,
    ) -> MouRecord:
        """The :class:`~assistant.mou.analysis.MouRecord` of a file (named ``source``), or of a document.

        DocumentNotFound names an unknown document; ``ingest.loaders.LoadError`` an unreadable file.
        """
        from assistant.mou.analysis import analyze_document, analyze_file

        ws = self.workspace(principal, workspace)
        if upload:
            return analyze_file(Path(upload), source=source, writer=writer)
        if not document:
            raise ValueError("give a document or a file to analyse")
        return analyze_document(self.settings, ws, document, writer=writer, principal=principal)

    def send(self, principal: Principal, state: Mapping[str, Any]) -> Any:
        """Send an analysed record (:meth:`MouAnalysis.state`) to its workspace's partner registry.

        The registry's upsert report, or None when there is no registry.
        """
        import importlib

        ws = self.workspace(principal, state.get("_workspace"))
        partner = state.get("_partner") or partner_from_json(state)
        try:
            registry_module = importlib.import_module("assistant.partners.registry")
        except ImportError:
            return None
        registry = registry_module.Registry.for_workspace(self.settings, ws, principal=principal)
        if not hasattr(registry, "upsert_from_mou"):
            return None
        return registry.upsert_from_mou(partner)

    def writer(self, backend: str | None) -> tuple[Writer | None, str | None]:
        """A Writer for the analysis (None for the ``none`` backend) and a note when the model is off.

        ValueError names an unknown backend; the language only picks prompts.
        """
        from assistant.drafting.engine import Writer
        from assistant.llm.backends import get_chat_model

        if backend is None or backend == "none":
            return None, None
        model, status = get_chat_model(self.settings, backend)
        if model is None:
            return None, f"backend {backend}: {status.message}; rules only"
        return Writer(model, status.backend, "en"), None
