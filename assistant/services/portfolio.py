"""Learner portfolios: a guide from a short form (streamed, cited, kept in history), and reflection feedback.

Usage:
    >>> from assistant.services.portfolio import GuideRequest, PortfolioService
    >>> service = PortfolioService(settings)
    >>> request = GuideRequest(grade="P5", learning_area="science-technology", competencies=("thinking",),
    ...     description="โครงงานปลูกผัก", weeks=6, language="th")
    >>> form = service.parse(request.to_form())                  # FormError lists every problem
    >>> for event in service.stream(principal, "net-a", form): ...
    >>> service.problems(draft), service.remember(principal, "net-a", draft)
    >>> service.review("วันนี้หนูได้เรียนรู้…", ["thinking"], "P5", "th")   # PersonalDataError first

Both the Portfolio tab and ``edunet portfolio`` go through this service. The guide reads the
workspace's passages as the principal (WorkspaceAccessError before anything is opened); a
reflection with personal data is refused before any model is started.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.services.base import DraftingService, remember_draft

if TYPE_CHECKING:
    from assistant.access.workspaces import Principal
    from assistant.drafting.engine import Draft, DraftEvent
    from assistant.portfolio import PortfolioForm
    from assistant.portfolio.reflection import ReflectionFeedback


@dataclass(frozen=True)
class GuideRequest:
    """The guide's form: grade and learning area (framework ids), competencies, the unit and its weeks."""

    grade: str = ""
    learning_area: str = ""
    competencies: tuple[str, ...] = ()
    description: str = ""
    weeks: float | None = None
    language: str = "th"

    @classmethod
    def from_form(
        cls,
        grade: str | None,
        learning_area: str | None,
        competencies: Sequence[str] | None,
        description: str | None,
        weeks: float | None,
        language: str,
    ) -> GuideRequest:
        return cls(
            grade or "", learning_area or "", tuple(competencies or ()), description or "", weeks, language
        )

    def to_form(self) -> dict[str, Any]:
        """The mapping :func:`assistant.portfolio.parse_portfolio_form` validates (no weeks: 0)."""
        return {
            "grade": self.grade,
            "learning_area": self.learning_area,
            "competencies": list(self.competencies),
            "description": self.description,
            "weeks": int(self.weeks) if self.weeks is not None else 0,
            "language": self.language,
        }


class PortfolioService(DraftingService):
    """Portfolio guides over a workspace's passages, and reflection feedback (``store``: the index)."""

    @staticmethod
    def parse(data: Mapping[str, Any]) -> PortfolioForm:
        """The validated form (FormError lists every problem, in English: ``field: message``)."""
        from assistant.portfolio import parse_portfolio_form

        return parse_portfolio_form(data)

    def stream(
        self, principal: Principal, workspace: str | None, form: PortfolioForm, *, backend: str | None = None
    ) -> Iterator[DraftEvent]:
        """The guide drafted section by section, then the draft.

        The access check and the retriever come first (WorkspaceAccessError at the call);
        the model and the sections when the events are read.
        """
        ws = self.workspace(principal, workspace)
        retriever = self.retriever(principal, ws)

        def events() -> Iterator[DraftEvent]:
            from assistant.drafting.engine import draft_context
            from assistant.portfolio import stream_portfolio

            ctx = draft_context(
                self.settings, ws, form.language, backend=backend, retriever=retriever, principal=principal
            )
            yield from stream_portfolio(form, ctx)

        return events()

    @staticmethod
    def problems(draft: Draft) -> list[str]:
        """Broken citations and curriculum references that are not in the stored framework."""
        from assistant.portfolio import check_curriculum

        return draft.problems() + check_curriculum(draft)

    def remember(self, principal: Principal, workspace: str | None, draft: Draft) -> str | None:
        """Keep a finished guide in the user's history; its id (None when it could not be kept)."""
        from assistant.access.history import Kind

        ws = workspace or self.settings.workspace
        return remember_draft(self.settings, principal, ws, Kind.PORTFOLIO, draft)

    @staticmethod
    def needs_model(text: str | None) -> bool:
        """Whether feedback on ``text`` may use the model: it has words and no personal data."""
        from assistant.llm.privacy import find_personal_data

        return bool((text or "").strip()) and not find_personal_data(text or "")

    def model(self, backend: str | None = None) -> tuple[Any, str]:
        """The chat model for feedback and its backend's name (``None, "none"`` when it is off).

        ValueError names an unknown backend.
        """
        from assistant.llm.backends import get_chat_model

        llm, status = get_chat_model(self.settings, backend)
        return llm, status.backend

    @staticmethod
    def review(
        text: str,
        competencies: Sequence[str] | str,
        grade: str,
        language: str,
        *,
        llm: Any = None,
        backend: str = "none",
    ) -> ReflectionFeedback:
        """Rubric levels with the learner's own sentences, questions and gaps.

        PersonalDataError when the text has personal data; ValueError for an unknown
        competency or grade.
        """
        from assistant.portfolio.reflection import review_reflection

        return review_reflection(text, competencies, grade, language, llm=llm, backend=backend)
