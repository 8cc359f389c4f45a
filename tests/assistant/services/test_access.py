"""Every service refuses a workspace the principal cannot see, before anything is read or created.

alice is a member of ``net-a`` only. Each use case of each service is called for ``net-b``
and must raise WorkspaceAccessError; nothing of ``net-b`` (registry, uploads, sessions) may
exist afterwards. The anonymous principal is refused everywhere once accounts are on, and
the system principal (the CLI) is not.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.access.workspaces import SYSTEM, Principal, WorkspaceAccessError
from assistant.services.ask import AskService
from assistant.services.assess import AssessRequest, AssessService
from assistant.services.library import LibraryService
from assistant.services.mou import MouService
from assistant.services.partners import PartnersService, SuggestRequest
from assistant.services.plan import PlanRequest, PlanService
from assistant.services.portfolio import GuideRequest, PortfolioService
from assistant.services.workshop import NewSession, SessionService

from .conftest import Accounts

Call = Callable[[Any, Principal, str, Path], Any]


def _health_result() -> Any:
    """A scored health check (no workspace read)."""
    from assistant.assess import load_questionnaire, parse_answers, run_assessment

    q = load_questionnaire()
    return run_assessment(parse_answers({"stakeholders.1": 2}, q, require_all=False), q, language="th")


def _mou_form() -> Any:
    """The example MOU form (it names no workspace)."""
    import yaml

    root = Path(__file__).resolve().parents[3]
    return MouService.parse(yaml.safe_load((root / "examples" / "mou.th.yaml").read_text(encoding="utf-8")))


def _plan_form() -> Any:
    """A valid plan form, checked against the starter partners (no workspace read)."""
    from assistant.plan import parse_plan_form

    request = PlanRequest.from_form(network="N", lead="P016", members="P001\nP002", needs="n", goals="g")
    return parse_plan_form(request.to_form())


USE_CASES: dict[str, tuple[type, Call]] = {
    "partners.registry": (PartnersService, lambda s, p, ws, f: s.registry(p, ws)),
    "partners.citer": (PartnersService, lambda s, p, ws, f: s.citer(p, ws)),
    "partners.suggest": (PartnersService, lambda s, p, ws, f: s.suggest(p, ws, SuggestRequest("ฝึกงาน"))),
    "partners.add_to_plan": (PartnersService, lambda s, p, ws, f: s.add_to_plan(p, ws, ["P001"])),
    "partners.overview": (PartnersService, lambda s, p, ws, f: s.overview(p, ws)),
    "partners.import_csv": (PartnersService, lambda s, p, ws, f: s.import_csv(p, ws, f)),
    "partners.export_csv": (PartnersService, lambda s, p, ws, f: s.export_csv(p, ws)),
    "partners.export_file": (PartnersService, lambda s, p, ws, f: s.export_file(p, ws)),
    "partners.get": (PartnersService, lambda s, p, ws, f: s.get(p, ws, "P001")),
    "partners.save": (PartnersService, lambda s, p, ws, f: s.save(p, ws, None, {"id": "P900"})),
    "partners.remove": (PartnersService, lambda s, p, ws, f: s.remove(p, ws, "P001")),
    "partners.network": (PartnersService, lambda s, p, ws, f: s.network(p, ws)),
    "ask.answerer": (AskService, lambda s, p, ws, f: s.answerer(p, ws)),
    "ask.stream": (AskService, lambda s, p, ws, f: list(s.stream(p, ws, "What is SDG 4?"))),
    "ask.conversations": (AskService, lambda s, p, ws, f: s.conversations(p, ws)),
    "ask.save_conversation": (
        AskService,
        lambda s, p, ws, f: s.save_conversation(p, ws, None, [{"question": "q", "done": True}]),
    ),
    "assess.history": (AssessService, lambda s, p, ws, f: s.history(p, ws)),
    "assess.score": (
        AssessService,
        lambda s, p, ws, f: s.score(p, ws, AssessRequest({"stakeholders.1": 2}, require_all=False)),
    ),
    "assess.save": (
        AssessService,
        lambda s, p, ws, f: s.save(p, ws, AssessRequest({"stakeholders.1": 2}, require_all=False)),
    ),
    "assess.keep": (AssessService, lambda s, p, ws, f: s.keep(p, ws, _health_result())),
    "library.documents": (LibraryService, lambda s, p, ws, f: s.documents(p, ws)),
    "library.upload": (LibraryService, lambda s, p, ws, f: s.upload(p, ws, [f])),
    "library.remove": (LibraryService, lambda s, p, ws, f: s.remove(p, ws, str(f))),
    "library.reindex": (LibraryService, lambda s, p, ws, f: s.reindex(p, ws)),
    "mou.stream": (MouService, lambda s, p, ws, f: s.stream(p, ws, _mou_form())),
    "mou.documents": (MouService, lambda s, p, ws, f: s.documents(p, ws)),
    "mou.analyse": (MouService, lambda s, p, ws, f: s.analyse(p, ws, upload=f)),
    "mou.read": (MouService, lambda s, p, ws, f: s.read(p, ws, document="MOU-2024-001.th.md")),
    "mou.send": (
        MouService,
        lambda s, p, ws, f: s.send(p, {"_workspace": ws, "_partner": {"mou_id": "MOU-X", "parties": []}}),
    ),
    "plan.partners": (PlanService, lambda s, p, ws, f: s.partners(p, ws)),
    "plan.parse": (PlanService, lambda s, p, ws, f: s.parse(p, ws, {"network_name": "N"})),
    "plan.context": (PlanService, lambda s, p, ws, f: s.context(p, ws, "th")),
    "plan.stream": (PlanService, lambda s, p, ws, f: s.stream(p, ws, _plan_form())),
    "plan.take_partners": (PlanService, lambda s, p, ws, f: s.take_partners(p, ws, "P001")),
    "portfolio.retriever": (PortfolioService, lambda s, p, ws, f: s.retriever(p, ws)),
    "portfolio.stream": (
        PortfolioService,
        lambda s, p, ws, f: s.stream(
            p, ws, s.parse(GuideRequest("P5", "arts", ("thinking",), "unit", 4).to_form())
        ),
    ),
    "workshop.library_documents": (SessionService, lambda s, p, ws, f: s.library_documents(p, ws)),
    "workshop.create": (
        SessionService,
        lambda s, p, ws, f: s.create(p, ws, NewSession("Intruder", documents=("mou.md",))),
    ),
}


def _traces(settings, ws: str) -> list[Path]:
    """Whatever exists of workspace ``ws`` on disk."""
    data = Path(settings.data_dir)
    return [p for p in (data / "workspaces" / ws, data / "uploads" / ws) if p.exists()]


@pytest.mark.parametrize("use_case", sorted(USE_CASES))
def test_every_service_refuses_a_workspace_the_principal_cannot_see(
    use_case: str, accounts: Accounts, tmp_path: Path
) -> None:
    service_type, call = USE_CASES[use_case]
    service = service_type(accounts.settings)
    upload = tmp_path / "partners.csv"
    upload.write_text("id,name_th\n", encoding="utf-8")
    with pytest.raises(WorkspaceAccessError):
        call(service, accounts.alice, "net-b", upload)
    with pytest.raises(WorkspaceAccessError):
        call(service, Principal.anonymous(), "net-a", upload)
    assert _traces(accounts.settings, "net-b") == []
    assert _traces(accounts.settings, "net-a") == []


def test_a_bad_workspace_name_is_refused_too(accounts: Accounts) -> None:
    with pytest.raises(WorkspaceAccessError, match="invalid workspace name"):
        PartnersService(accounts.settings).overview(SYSTEM, "../net-b")


def test_the_system_principal_and_members_may_use_a_workspace(accounts: Accounts) -> None:
    service = PartnersService(accounts.settings)
    assert service.overview(SYSTEM, "net-b").workspace == "net-b"  # the CLI: every workspace
    assert service.overview(accounts.bob, "net-b").partners  # a member: seeded from the corpus
    assert service.workspace(accounts.alice, "net-a") == "net-a"
