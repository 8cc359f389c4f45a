"""Login and workspace isolation through the running app (EDUNET_AUTH=1), driven with gradio_client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings
from tests.fixtures.planted import planted_words, write_planted, write_public
from tests.ui.conftest import AppServer, start_app

PASSWORDS = {
    "alice": "zq-alice-Passphrase-11",
    "bob": "zq-bob-Passphrase-22",
    "carol": "zq-carol-Passphrase-33",
    "dave": "zq-dave-Passphrase-44",
    "erin": "zq-erin-Passphrase-55",
}
WORDS = planted_words(100)
RATE = 150


@pytest.fixture(scope="module")
def auth_app(tmp_path_factory: pytest.TempPathFactory, model_dir: Path, embedder) -> Iterator[AppServer]:
    """An app with accounts on: alice and carol in net-a, bob in net-b holding 100 planted code words."""
    from assistant.access.accounts import add_user
    from assistant.access.workspaces import add_member, checked_ingest, create_workspace, principal_for
    from ingest.store import Store

    root = tmp_path_factory.mktemp("auth-app")
    data_dir = root / "data"
    s = Settings(data_dir=data_dir, model_dir=model_dir, auth=True)
    roles = {"alice": "teacher", "bob": "leader", "carol": "trainer", "dave": "teacher", "erin": "teacher"}
    for name, role in roles.items():
        add_user(name, PASSWORDS[name], role, settings=s)
    create_workspace("net-a", "เครือข่าย A", settings=s)
    create_workspace("net-b", "เครือข่าย B", settings=s)
    for name in roles:
        ws = "net-b" if name == "bob" else "net-a"
        add_member(name, ws, settings=s)
    store = Store.open(data_dir, embedder)
    try:
        bob, alice = principal_for(s, "bob"), principal_for(s, "alice")
        assert checked_ingest(bob, "net-b", write_planted(root / "b", WORDS), settings=s, store=store).ok
        assert checked_ingest(alice, "net-a", write_public(root / "a"), settings=s, store=store).ok
    finally:
        store.manifest.close()
    server = start_app(
        data_dir,
        model_dir,
        root / "app.log",
        EDUNET_AUTH="1",
        EDUNET_LOCKOUT_FAILURES="3",
        EDUNET_ASK_RATE_PER_MINUTE=str(RATE),
    )
    yield server
    server.stop()


def _client(app: AppServer, user: str, password: str | None = None):
    from gradio_client import Client

    return Client(app.url, auth=(user, password or PASSWORDS[user]), verbose=False, download_files=False)


def _ask(client, question: str, workspace: str) -> tuple[str, str, str]:
    """(answer text, citation labels, notice) of one question through the Ask endpoint."""
    chat, citations, _panel, notice, *_ = client.predict(question, "en", workspace, api_name="/ask")
    answer = ""
    if isinstance(chat, list) and chat:
        content = chat[-1]["content"]
        answer = " ".join(c.get("text", "") for c in content) if isinstance(content, list) else str(content)
    labels = (
        " ".join(str(c) for c in (citations or {}).get("choices", [])) if isinstance(citations, dict) else ""
    )
    return answer, labels, notice if isinstance(notice, str) else ""


@pytest.mark.slow
def test_wrong_password_is_refused_and_the_right_one_works(auth_app: AppServer) -> None:
    with pytest.raises(ValueError, match="Could not login"):
        _client(auth_app, "alice", "not-the-password-1")
    with pytest.raises(ValueError, match="Could not login"):
        _client(auth_app, "mallory", "not-the-password-1")
    client = _client(auth_app, "alice")
    assert "alice" in client.predict("en", api_name="/show")  # the session bar names the user


@pytest.mark.slow
def test_a_locked_out_user_is_refused_even_with_the_right_password(auth_app: AppServer) -> None:
    for _ in range(3):
        with pytest.raises(ValueError, match="Could not login"):
            _client(auth_app, "dave", "wrong-password-123")
    with pytest.raises(ValueError, match="Could not login"):
        _client(auth_app, "dave")
    log = auth_app.log(tail=200_000)
    assert "dave is locked" in log
    assert not any(p in log for p in (*PASSWORDS.values(), "wrong-password-123", "not-the-password-1"))


@pytest.mark.slow
def test_a_session_ends_when_its_account_is_locked_or_its_password_changes(auth_app: AppServer) -> None:
    """Gradio's own tokens live forever; the app's end with a lockout and a password change."""
    import httpx

    from assistant.access.accounts import Accounts

    def signed_in(client) -> bool:
        try:
            return "erin" in client.predict("en", api_name="/show")
        except httpx.HTTPStatusError as exc:  # the app refuses the session's requests
            assert exc.response.status_code == 401
            return False

    erin = _client(auth_app, "erin")
    assert signed_in(erin)
    for _ in range(3):  # someone else guesses erin's password: the account locks
        with pytest.raises(ValueError, match="Could not login"):
            _client(auth_app, "erin", "wrong-password-123")
    assert not signed_in(erin)  # her open session is over
    accounts = Accounts.for_settings(Settings(data_dir=auth_app.data_dir))
    accounts.unlock("erin")
    assert not signed_in(erin)  # and stays over
    again = _client(auth_app, "erin")
    assert signed_in(again)
    accounts.set_password("erin", "zq-erin-New-Passphrase-66")  # an admin, from the command line
    assert not signed_in(again)
    assert signed_in(_client(auth_app, "erin", "zq-erin-New-Passphrase-66"))


@pytest.mark.slow
def test_a_user_of_workspace_a_gets_nothing_of_workspace_b_through_the_api(auth_app: AppServer) -> None:
    alice = _client(auth_app, "alice")
    answer, _, notice = _ask(alice, f"What is the secret project codeword {WORDS[0]}?", "net-b")
    assert "net-b" in notice and "may not use" in notice and WORDS[0] not in answer
    leaks = []
    for word in WORDS:
        answer, cited, notice = _ask(alice, f"What is the secret project codeword {word}?", "net-a")
        if word in answer or "secret-" in cited or "network B" in answer:
            leaks.append(word)
    assert leaks == []
    # control: bob, a member of net-b, gets the word with its source
    bob = _client(auth_app, "bob")
    answer, cited, _ = _ask(bob, f"What is the secret project codeword {WORDS[0]}?", "net-b")
    assert WORDS[0] in answer and "secret-" in cited
    log = auth_app.log(tail=200_000)
    assert "access refused: alice → workspace net-b" in log


@pytest.mark.slow
def test_conversations_are_saved_per_user_and_rate_limits_apply(auth_app: AppServer) -> None:
    from assistant.access.ratelimit import RateLimiter
    from assistant.storage import app_db

    carol = _client(auth_app, "carol")
    _ask(carol, "What does the school library plan say?", "net-a")
    saved = carol.predict("en", "net-a", api_name="/refresh_saved")
    assert next(label for label, _ in saved["choices"]).startswith("What does the school library plan say?")
    other = _client(auth_app, "bob").predict("en", "net-b", api_name="/refresh_saved")
    assert all("library plan" not in label for label, _ in other["choices"])

    # another process (this one) uses up carol's budget in the shared database; the app refuses her
    limiter = RateLimiter(app_db(Settings(data_dir=auth_app.data_dir)), RATE, 60)
    while limiter.remaining("user:carol") > 0:
        limiter.check("user:carol")
    _, _, notice = _ask(carol, "What does the school library plan say?", "net-a")
    assert "Too many questions" in notice and "seconds" in notice


def test_anonymous_mode_says_so() -> None:
    from assistant.ui.i18n import get_labels
    from assistant.ui.session import session_text

    labels = get_labels()
    s = Settings(data_dir=Path("/nonexistent"))
    assert "โหมดผู้ใช้คนเดียว" in session_text(labels, "th", s)
    assert "Anonymous single-user mode" in session_text(labels, "en", s)


def test_without_accounts_each_client_address_has_its_own_budget(tmp_path: Path) -> None:
    """Anonymous mode used to be one shared "anonymous" budget: one browser used up everyone's."""
    import gradio as gr
    from starlette.requests import Request

    from assistant.access.ratelimit import RateLimitError
    from assistant.access.workspaces import Principal
    from assistant.ui.session import charge_question, rate_key

    def request(host: str) -> gr.Request:
        return gr.Request(request=Request({"type": "http", "client": (host, 50000), "headers": []}))

    s = Settings(data_dir=tmp_path / "data", ask_rate_per_minute=2)
    anonymous = Principal.anonymous()
    assert rate_key(anonymous, request("10.0.0.7")) == "client:10.0.0.7"
    for _ in range(2):
        charge_question(s, anonymous, request("10.0.0.7"))
    with pytest.raises(RateLimitError):
        charge_question(s, anonymous, request("10.0.0.7"))
    charge_question(s, anonymous, request("10.0.0.8"))  # another school's browser still may ask


def test_a_draft_refused_for_the_limit_says_so_in_the_ui_language(tmp_path: Path) -> None:
    """Drafts and searches charge the same budget as questions, per client address without accounts."""
    import gradio as gr
    from starlette.requests import Request

    from assistant.access.ratelimit import RateLimiter
    from assistant.access.workspaces import Principal
    from assistant.storage import app_db
    from assistant.ui.session import charge_question, limit_refusal

    def request(host: str) -> gr.Request:
        return gr.Request(request=Request({"type": "http", "client": (host, 50000), "headers": []}))

    s = Settings(data_dir=tmp_path / "data", ask_rate_per_minute=2)
    assert limit_refusal(s, request("10.0.0.7"), "th") is None  # a draft: one of two
    charge_question(s, Principal.anonymous(), request("10.0.0.7"))  # a question: two of two
    refused = limit_refusal(s, request("10.0.0.7"), "th")
    assert refused is not None and "ส่งคำขอบ่อยเกินไป" in refused and "วินาที" in refused
    refused = limit_refusal(s, request("10.0.0.7"), "en")
    assert refused is not None and "Too many requests" in refused and "seconds" in refused
    assert RateLimiter(app_db(s), 2).remaining("client:10.0.0.7") == 0  # refusals cost nothing
    assert limit_refusal(s, request("10.0.0.8"), "en") is None  # another address: its own budget
    unlimited = Settings(data_dir=tmp_path / "data", ask_rate_per_minute=0)
    assert all(limit_refusal(unlimited, request("10.0.0.7"), "en") is None for _ in range(5))


def _draft_calls(workspace: str, lang: str) -> dict[str, tuple]:
    """One valid request for every draft, analysis and search endpoint (api name → arguments)."""
    from gradio_client import handle_file

    from assistant.assess import load_questionnaire
    from assistant.ui.mou_tab import example_inputs

    root = Path(__file__).resolve().parents[2]
    mou = example_inputs("en")
    mou_names = ["language", "topic", "place", "parties", "objectives", "scope", "duties", "resources"]
    mou_names += ["start_date", "duration_months", "coordinators", "evaluation", "notice_days"]
    mou_names += ["student_data", "witnesses"]
    radios = ["3"] + [None] * (len(load_questionnaire().indicators) - 1)
    plan = ("Trat school network", "P019", "P012", "students need farming skills", "all practise farming")
    reflection = "Today I learned how to grow vegetables without soil and I worked with my team."
    return {
        "/run_draft": (*plan, 12, "", None, None, None, "", "en", workspace, lang),  # network plan
        "/build_agenda": (lang, "Student portfolios", "teachers", 3, "09:00", "start a portfolio", workspace),
        "/run_draft_1": (*[mou[n] for n in mou_names], workspace, lang),  # MOU
        "/run_analysis": (None, handle_file(str(root / "corpus/mou/MOU-2025-002.en.md")), workspace, lang),
        "/draft_guide": (lang, workspace, "M3", "science-technology", ["communication"], "hydroponics", 6),
        "/review": (lang, reflection, ["communication"], "M3"),
        "/score": (workspace, lang, "", "", *radios),  # health check
        "/run_suggest": ("internship placements for students", [], "", "", None, 5, workspace, lang),
        "/run_draw": (12, "", workspace, lang),  # partner network
    }


def _first_text(result: object) -> str:
    """The status text of an endpoint's result (its first string output)."""
    values = result if isinstance(result, tuple | list) else (result,)
    return next((v for v in values if isinstance(v, str)), "")


@pytest.mark.slow
def test_a_user_at_the_limit_is_refused_on_every_draft_and_search_path(auth_app: AppServer) -> None:
    """Only Ask and workshop questions were counted: drafts, the health check, MOU analysis and
    partner search reached the model and the retriever however often one user called them.

    Now they spend the same budget as questions: two drafts use up the last two, the next question
    is refused, and so is every other draft path, in the UI's language; another user still may.
    """
    from assistant.access.ratelimit import RateLimiter
    from assistant.storage import app_db
    from assistant.ui.i18n import get_labels

    labels = get_labels()
    refused_en = labels.text("session.rate_limited_work", "en", seconds="")[:30]
    refused_th = labels.text("session.rate_limited_work", "th", seconds="")[:30]
    limiter = RateLimiter(app_db(Settings(data_dir=auth_app.data_dir)), RATE, 60)
    alice = _client(auth_app, "alice")
    try:
        limiter.reset("user:alice")
        while limiter.remaining("user:alice") > 2:
            limiter.check("user:alice")
        calls = _draft_calls("net-a", "en")
        for api in ("/run_draft", "/build_agenda"):  # the last two of the minute: drafted
            status = _first_text(alice.predict(*calls[api], api_name=api))
            assert refused_en not in status and "Too many" not in status, (api, status)
        assert limiter.remaining("user:alice") == 0
        _, _, notice = _ask(alice, "What does the school library plan say?", "net-a")
        assert "Too many questions" in notice
        for api, args in calls.items():
            status = _first_text(alice.predict(*args, api_name=api))
            assert refused_en in status and "seconds" in status, (api, status)
        for api, args in _draft_calls("net-a", "th").items():  # the Thai interface says it in Thai
            assert refused_th in _first_text(alice.predict(*args, api_name=api)), api
        # bob has his own budget
        bob = _client(auth_app, "bob")
        agenda = _draft_calls("net-b", "en")["/build_agenda"]
        status = _first_text(bob.predict(*agenda, api_name="/build_agenda"))
        assert refused_en not in status, status
    finally:
        limiter.reset("user:alice")
