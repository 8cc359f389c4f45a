"""Who is using the app, and in which workspace: login, the session bar and the workspace selector.

Usage (in a tab's ``build_tab``):
    >>> from assistant.ui.session import principal_from_request, workspace_selector
    >>> workspace = workspace_selector(ctx)                        # a dropdown of the user's workspaces
    >>> def handler(text, ws, lang, request: gr.Request):
    ...     caller = principal_from_request(request, ctx.settings)  # anonymous, or the logged-in user
    ...     retriever = scoped_retriever(caller, ws, settings=ctx.settings)   # checks access

With ``settings.auth`` on, :func:`auth_function` backs Gradio's login form with
:func:`assistant.access.accounts.authenticate` (lockout included) and every handler reads the user
from ``gr.Request.username``. With it off (the default), everyone is the anonymous single
user and the session bar says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.access.workspaces import Principal, WorkspaceAccessError, principal_for, workspaces_for
from assistant.settings import Settings
from assistant.ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, Labels, get_labels, normalize_language

if TYPE_CHECKING:
    from assistant.ui.app import TabContext

log = logging.getLogger(__name__)


def principal_from_request(request: gr.Request | None, settings: Settings) -> Principal:
    """The caller of a Gradio event: anonymous when accounts are off, else the logged-in account.

    Raises WorkspaceAccessError when accounts are on and the request carries no known user.
    """
    username = getattr(request, "username", None) if request is not None else None
    return principal_for(settings, username)


def rate_key(principal: Principal, request: gr.Request | None) -> str:
    """Whose budget a request spends: the account (``user:<name>``), or without accounts the
    client's address (``client:<ip>``), so one browser cannot use up everyone's questions."""
    if not principal.is_anonymous:
        return principal.key
    client = getattr(request, "client", None) if request is not None else None
    host = getattr(client, "host", None)
    return f"client:{host}" if host else principal.key


def charge_question(
    settings: Settings,
    principal: Principal,
    request: gr.Request | None,
    *,
    room: str | None = None,
    participant: str | None = None,
) -> None:
    """Count one question (or draft) against the caller's limit, and for a workshop question also the
    participant's and the room's (``room_rate_per_minute``); RateLimitError when any is used up.

    Every path of the app that reaches the retriever or a model calls this first: Ask and workshop
    questions directly, drafts, the health check, MOU analysis and partner search through
    :func:`limit_refusal`; so does the Gradio API, which runs the same handlers.
    """
    from assistant.access.ratelimit import Quota, RateLimiter

    limit = settings.ask_rate_per_minute
    quotas = [Quota(rate_key(principal, request), limit)]
    if participant:
        quotas.append(Quota(f"participant:{participant}", limit))
    if room:
        quotas.append(Quota(f"room:{room}", settings.room_rate_per_minute))
    RateLimiter.for_settings(settings).charge(quotas)


def limit_refusal(settings: Settings, request: gr.Request | None, lang: str) -> str | None:
    """Charge one draft, search or analysis to the caller's budget (:func:`charge_question`);
    the refusal to show, in the UI language ``lang``, when the budget is used up, else None.

    Every handler that reaches a model or the retriever outside Ask and the workshop questions
    calls this just before the work starts (after its form is checked, so a typing mistake costs
    nothing): drafts, the health check, MOU analysis, partner search. The Gradio API runs the same
    handlers, so it is charged the same. A caller that is not logged in spends its client
    address's budget (the handler then refuses it for the missing log-in anyway).
    """
    from assistant.access.ratelimit import RateLimitError

    try:
        principal = principal_from_request(request, settings)
    except WorkspaceAccessError:
        principal = Principal.anonymous()
    try:
        charge_question(settings, principal, request)
    except RateLimitError as exc:
        return get_labels().text("session.rate_limited_work", lang, seconds=exc.retry_seconds)
    return None


def auth_function(settings: Settings) -> Callable[[str, str], bool]:
    """Gradio's ``auth=`` callable: true for a right password on an unlocked account."""
    from assistant.access.accounts import Accounts

    accounts = Accounts.for_settings(settings)

    def check(username: str, password: str) -> bool:
        return accounts.authenticate(username, password) is not None

    return check


class SessionTokens(MutableMapping[str, str]):
    """Gradio's map of log-in cookie tokens to user names (``App.tokens``), backed by the accounts.

    Gradio keeps tokens in a plain dict forever; this one stores each token's hash in the app
    database when Gradio hands it out, and answers a lookup only while the session is alive
    (:meth:`assistant.access.accounts.Accounts.session_user`: not expired, account not locked, changed
    or removed). Install it with :func:`install_session_tokens` once the app is launched.
    """

    def __init__(self, accounts: Any) -> None:
        self.accounts = accounts
        self._issued: dict[str, str] = {}
        """Tokens handed out by this process (Gradio's log-out walks them to end a user's sessions)."""

    def __setitem__(self, token: str, username: str) -> None:
        self.accounts.open_session(token, username)
        self._issued[token] = username

    def __getitem__(self, token: str) -> str:
        user = self.accounts.session_user(token)
        if user is None:
            self._issued.pop(token, None)
            raise KeyError("session ended")
        return user

    def __delitem__(self, token: str) -> None:
        self.accounts.end_session(token)
        self._issued.pop(token, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._issued))

    def __len__(self) -> int:
        return len(self._issued)

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and self.accounts.session_user(token) is not None

    def get(self, token: Any, default: Any = None) -> Any:  # type: ignore[override]
        """The user of a live session, else ``default`` (Gradio calls this on every request)."""
        user = self.accounts.session_user(token) if isinstance(token, str) else None
        return user if user is not None else default


def install_session_tokens(app: Any, settings: Settings) -> SessionTokens:
    """Replace a launched Gradio app's token dict with :class:`SessionTokens` (keeping any issued)."""
    from assistant.access.accounts import Accounts

    tokens = SessionTokens(Accounts.for_settings(settings))
    for token, user in dict(app.tokens).items():
        tokens[token] = user
    app.tokens = tokens
    return tokens


def auth_message(labels: Labels | None = None) -> str:
    """The text above the login form, Thai then English."""
    labels = labels or get_labels()
    return "\n\n".join(labels.text("session.auth_message", code) for code in LANGUAGES)


DEFAULT_WORKSPACE = "default"
"""The workspace every install starts with; shown in words (``session.workspace_main``), not by its name."""


def workspace_label(labels: Labels, lang: str | None, name: str, title: str = "") -> str:
    """How a workspace is shown: its title (with its name), the main workspace in words, else its name."""
    if title and title != name:
        return f"{title} ({name})"
    if name == DEFAULT_WORKSPACE:
        return labels.text("session.workspace_main", lang)
    return name


def workspace_choices(
    principal: Principal, settings: Settings, lang: str | None = None
) -> list[tuple[str, str]]:
    """The selector's choices for ``principal``: ``(label, name)``, labelled by :func:`workspace_label`."""
    labels = get_labels()
    return [
        (workspace_label(labels, lang, ws.name, ws.title), ws.name)
        for ws in workspaces_for(principal, settings=settings)
    ]


def access_message(labels: Labels, lang: str, exc: Exception) -> str:
    """A user-facing sentence for a refused workspace (or a missing login)."""
    if isinstance(exc, WorkspaceAccessError) and exc.workspace and exc.user != "anonymous":
        return labels.text(
            "session.access_denied", lang, workspace=workspace_label(labels, lang, exc.workspace)
        )
    if isinstance(exc, WorkspaceAccessError):
        return labels.text("session.login_required", lang)
    return str(exc)


def workspace_selector(ctx: TabContext, *, elem_id: str | None = None, **options: Any) -> gr.Dropdown:
    """A dropdown of the workspaces the current user may use, filled when the page loads.

    Its value is only a choice: handlers must still pass it through the library's checks
    (``scoped_retriever``, ``checked_ingest``, ``history``), which refuse other workspaces.
    """
    labels = get_labels()
    s = ctx.settings
    initial = [] if s.auth else [(workspace_label(labels, DEFAULT_LANGUAGE, s.workspace), s.workspace)]
    dropdown = gr.Dropdown(
        initial,
        value=None if s.auth else s.workspace,
        label=ctx.t("session.workspace"),
        info=None,
        allow_custom_value=True,
        elem_id=elem_id,
        interactive=True,
        **options,
    )
    ctx.relabel(dropdown, label="session.workspace")

    def fill(lang: str, request: gr.Request) -> dict:
        lang = normalize_language(lang)
        try:
            choices = workspace_choices(principal_from_request(request, s), s, lang)
        except WorkspaceAccessError:
            return gr.update(choices=[], value=None, info=labels.text("session.login_required", lang))
        if not choices:
            return gr.update(choices=[], value=None, info=labels.text("session.no_workspace", lang))
        names = [name for _, name in choices]
        value = s.workspace if s.workspace in names else names[0]
        return gr.update(choices=choices, value=value, info=None)

    def relabel(lang: str, request: gr.Request) -> dict:
        """The same choices in the new language (the chosen workspace stays: no value is sent)."""
        try:
            return gr.update(
                choices=workspace_choices(principal_from_request(request, s), s, normalize_language(lang))
            )
        except WorkspaceAccessError:
            return gr.skip()

    ctx.demo.load(fill, ctx.lang, dropdown, show_progress="hidden", queue=False)
    ctx.lang.change(relabel, ctx.lang, dropdown, show_progress="hidden", queue=False)
    return dropdown


def session_text(labels: Labels, lang: str, settings: Settings, signed_in: Principal | None = None) -> str:
    """The session bar: anonymous single-user mode, or who is logged in (with a log-out link).

    ``signed_in`` only names who to show (None: nobody yet); it grants nothing.
    """
    if not settings.auth:
        return labels.text("session.anonymous", lang)
    if signed_in is None or signed_in.user is None:
        return ""
    role = labels.text(f"session.roles.{signed_in.user.role.value}", lang)
    return labels.text("session.signed_in", lang, user=signed_in.name, role=role)


def session_bar(ctx: TabContext) -> gr.Markdown:
    """A line under the header: the anonymous-mode notice, or the logged-in user."""
    labels = get_labels()
    s = ctx.settings
    bar = gr.Markdown(session_text(labels, "th", s), elem_id="session-bar")
    if not s.auth:
        ctx.relabel(bar, value=lambda code: session_text(labels, code, s))
        return bar

    def show(lang: str, request: gr.Request) -> str:
        try:
            principal = principal_from_request(request, s)
        except WorkspaceAccessError:
            return labels.text("session.login_required", normalize_language(lang))
        return session_text(labels, normalize_language(lang), s, principal)

    ctx.demo.load(show, ctx.lang, bar, show_progress="hidden", queue=False)
    ctx.lang.change(show, ctx.lang, bar, show_progress="hidden", queue=False)
    return bar
