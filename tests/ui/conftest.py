"""Browser-test harness: an indexed data dir, the app in a subprocess, and Playwright on Debian Chromium.

Fixtures (reusable by any ``tests/ui`` test):

* ``ui_data_dir`` (session): a temporary data directory holding the repo's ``corpus/``
  indexed into the ``default`` workspace. The index is built once by ``edunet ingest`` in a
  subprocess and cached under ``~/.cache/edunet-test/ui-index/<key>`` (the key hashes the
  corpus, the ingest code and the model folder), then copied per session. Set
  ``EDUNET_UI_FRESH_INDEX=1`` to rebuild, ``EDUNET_UI_INDEX_CACHE`` to move the cache.
  ``make_data_dir()`` gives more private copies (for a second app instance).
* ``app_server`` / ``app_url`` (session): ``python app.py`` on a free loopback port with
  ``EDUNET_DATA_DIR``, ``EDUNET_MODEL_DIR`` and ``EDUNET_BACKEND=none`` (fast, deterministic);
  ``app_server.log()`` returns its output for failure messages. ``start_app(...)`` starts
  another instance with other settings (stop it with ``.stop()``).
* ``browser`` (session): headless ``/usr/bin/chromium`` (``EDUNET_CHROMIUM`` overrides) via
  ``playwright.sync_api``; skips with a reason when Chromium is missing
  (``scripts/browser-deps.sh`` installs it).
* ``new_context`` (factory), ``context``, ``page``: ``page`` is a fresh context's page with the
  app loaded; call ``new_context()`` again for a second, independent user.
* ``ui``: helpers that know the page's element ids (open a tab, ask, screenshot...).
* ``sample_pdf``: a PDF to upload (the shared real MOU, else one made with pypdf).

Screenshots go to ``EDUNET_SCREENSHOT_DIR`` (default ``/tmp/edunet-ui``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.fixtures.env import subprocess_env

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
SHARED_PDF = (
    Path(os.environ.get("EDUNET_SHARED", ROOT.parent / "shared"))
    / "testdata"
    / "pdf"
    / "en06_mou_secab_turnia_internship.pdf"
)
CHROMIUM = Path(os.environ.get("EDUNET_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOT_DIR = Path(os.environ.get("EDUNET_SCREENSHOT_DIR", "/tmp/edunet-ui"))
INDEX_CACHE = Path(
    os.environ.get("EDUNET_UI_INDEX_CACHE", Path.home() / ".cache" / "edunet-test" / "ui-index")
)
WORKSPACE = "default"
START_TIMEOUT = float(os.environ.get("EDUNET_UI_START_TIMEOUT", "120"))
ANSWER_TIMEOUT_MS = 120_000
"""How long a test waits for an answer (the first one loads the embedding model)."""
EXPECT_TIMEOUT_MS = 15_000
"""How long an ``expect`` waits for the page by default (Playwright's own default is 5 s)."""


def _base_env(data_dir: Path, model_dir: Path) -> dict[str, str]:
    """The environment of the app and ingest subprocesses: offline, isolated, backend ``none``."""
    return subprocess_env(
        data_dir,
        model_dir,
        WORKSPACE,
        EDUNET_BACKEND="none",
        # every browser test asks as the one anonymous user; the limit has its own test (test_login)
        EDUNET_ASK_RATE_PER_MINUTE="600",
        GRADIO_ANALYTICS_ENABLED="False",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )


# ---------------------------------------------------------------- the indexed data dir


def _index_key(model_dir: Path) -> str:
    """A hash of everything the cached index depends on: corpus, ingest code, settings, model."""
    h = hashlib.sha256()
    h.update(str(ROOT).encode())
    h.update(str(Path(model_dir).resolve()).encode())
    marker = Path(model_dir) / "modules.json"
    if marker.is_file():
        h.update(str(marker.stat().st_mtime_ns).encode())
    sources = sorted(p for p in CORPUS.rglob("*") if p.is_file())
    sources += [*sorted((ROOT / "ingest").glob("*.py")), ROOT / "assistant" / "settings.py"]
    for path in sources:
        h.update(str(path.relative_to(ROOT)).encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:16]


def _build_index(target: Path, model_dir: Path) -> None:
    """Index the corpus into ``target`` with ``edunet ingest`` (a subprocess, like a user would)."""
    staging = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    cmd = [sys.executable, "-m", "assistant.cli", "ingest", str(CORPUS), "--workspace", WORKSPACE, "--json"]
    result = subprocess.run(
        cmd, cwd=ROOT, env=_base_env(staging, model_dir), capture_output=True, text=True, timeout=1800
    )
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        pytest.fail(f"indexing the corpus failed ({result.returncode}):\n{result.stderr[-3000:]}")
    (staging / "INDEX_OK").write_text(result.stdout, encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    os.replace(staging, target)
    _prune_cache(keep=target)


def _prune_cache(keep: Path, max_age_s: float = 86_400) -> None:
    """Delete cached indexes (and leftovers of killed builds) unused for a day, except ``keep``."""
    now = time.time()
    for entry in keep.parent.iterdir():
        if entry != keep and entry.is_dir() and now - entry.stat().st_mtime > max_age_s:
            shutil.rmtree(entry, ignore_errors=True)


@pytest.fixture(scope="session")
def ui_index(model_dir: Path) -> Path:
    """The cached data directory with the corpus indexed (read-only: copy it, never use it in place)."""
    cached = INDEX_CACHE / _index_key(model_dir)
    if os.environ.get("EDUNET_UI_FRESH_INDEX") == "1" or not (cached / "INDEX_OK").is_file():
        _build_index(cached, model_dir)
    os.utime(cached)  # mark as used, so pruning keeps it
    return cached


@pytest.fixture(scope="session")
def make_data_dir(ui_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    """A factory of private copies of the indexed data directory (one per app instance)."""

    def make() -> Path:
        data_dir = tmp_path_factory.mktemp("ui") / "data"
        shutil.copytree(ui_index, data_dir)
        return data_dir

    return make


@pytest.fixture(scope="session")
def ui_data_dir(make_data_dir: Callable[[], Path]) -> Path:
    """The data directory of the session's app: the corpus indexed into ``default`` (a private copy)."""
    return make_data_dir()


# ---------------------------------------------------------------- the app


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _http_ok(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass
class AppServer:
    """A running app subprocess."""

    url: str
    data_dir: Path
    model_dir: Path
    process: subprocess.Popen
    log_path: Path

    def log(self, tail: int = 4000) -> str:
        """The app's combined output so far (the last ``tail`` characters)."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-tail:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_app(data_dir: Path, model_dir: Path, log_path: Path, **env: str) -> AppServer:
    """Start ``python app.py`` on a free port and wait until it answers HTTP (fails with its log)."""
    port = _free_port()
    full_env = _base_env(data_dir, model_dir)
    full_env.update(EDUNET_HOST="127.0.0.1", EDUNET_PORT=str(port), **env)
    log_file = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        cwd=ROOT,
        env=full_env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    log_file.close()
    server = AppServer(f"http://127.0.0.1:{port}/", data_dir, model_dir, process, log_path)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the app exited with {process.returncode} before answering:\n{server.log()}")
        if _http_ok(server.url):
            return server
        time.sleep(0.3)
    server.stop()
    pytest.fail(f"the app did not answer within {START_TIMEOUT:.0f} s:\n{server.log()}")


@pytest.fixture(scope="session")
def app_server(
    ui_data_dir: Path, model_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    """The app on a free loopback port over ``ui_data_dir`` with the ``none`` backend."""
    server = start_app(ui_data_dir, model_dir, tmp_path_factory.mktemp("ui-log") / "app.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_url(app_server: AppServer) -> str:
    """The running app's URL (``http://127.0.0.1:<port>/``)."""
    return app_server.url


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium driven by Playwright (skips when Chromium is not installed)."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} not found: run scripts/browser-deps.sh (installs Debian's chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    # a loaded CI machine can take longer than Playwright's 5 s default to update the page; a check
    # that something stays away (count 0 after a wait) is not weakened by a longer limit
    sync_api.expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """A factory of independent browser contexts (separate users); all are closed after the test."""
    made: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("viewport", {"width": 1280, "height": 1000})
        options.setdefault("locale", "th-TH")
        ctx = browser.new_context(**options)
        ctx.set_default_timeout(30_000)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        with contextlib.suppress(Exception):
            ctx.close()


@pytest.fixture()
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context()


@pytest.fixture()
def page(context: BrowserContext, app_url: str, ui: UI) -> Page:
    """A page with the app loaded (the Ask tab open)."""
    pg = context.new_page()
    ui.open(pg, app_url)
    return pg


# ---------------------------------------------------------------- page helpers


class UI:
    """Helpers that know the app's element ids; shared by all browser tests."""

    screenshot_dir = SCREENSHOT_DIR
    answer_timeout = ANSWER_TIMEOUT_MS

    @staticmethod
    def open(page: Page, url: str) -> None:
        """Load the app and wait until Gradio has rendered it."""
        page.goto(url)
        page.locator("#question textarea").wait_for(state="visible", timeout=60_000)

    @staticmethod
    def open_tab(page: Page, tab_id: str) -> None:
        """Open a tab by its id (``ask``, ``library``, …)."""
        page.locator(f"#tab-{tab_id}-button").click()
        page.locator(f"#tab-{tab_id}").wait_for(state="visible")

    @staticmethod
    def set_language(page: Page, code: str) -> None:
        """Switch the interface language (``th`` or ``en``)."""
        name = {"th": "ไทย", "en": "English"}[code]
        page.locator("#lang").get_by_text(name, exact=True).click()

    @staticmethod
    def ask(page: Page, question: str) -> None:
        """Type a question and send it (does not wait for the answer)."""
        page.locator("#question textarea").fill(question)
        page.locator("#ask-button").click()

    @staticmethod
    def last_answer(page: Page):
        """The locator of the last assistant message in the chat."""
        return page.locator("#chat .message.bot, #chat [data-testid='bot']").last

    @classmethod
    def screenshot(cls, page: Page, name: str) -> Path:
        """Save a full-page screenshot as ``<screenshot_dir>/<name>.png``."""
        cls.screenshot_dir.mkdir(parents=True, exist_ok=True)
        path = cls.screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture(scope="session")
def ui() -> UI:
    return UI()


# ---------------------------------------------------------------- files to upload


def make_pdf(path: Path) -> Path:
    """A small text PDF (two pages, Helvetica) written with pypdf."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    paragraphs = [
        "Memorandum of understanding on student internships between Chanthaburi Technical College "
        "and the Trat Provincial Tourism Association. The parties agree to place second-year students "
        "in partner hotels for eight weeks each semester, with a mentor assigned to every student.",
        "The college prepares students in hospitality English and workplace safety before placement. "
        "The association reports attendance and a short evaluation of each student to the college. "
        "Both parties review the programme every year and share the results with the school network.",
    ]
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    for text in paragraphs:
        page = writer.add_blank_page(width=595, height=842)
        words, lines, line = text.split(), [], ""
        for word in words:
            if len(line) + len(word) > 80:
                lines.append(line)
                line = ""
            line = f"{line} {word}".strip()
        lines.append(line)
        body = "".join(f"({ln}) Tj 0 -16 Td " for ln in lines)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 11 Tf 60 780 Td {body}ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
        )
    with path.open("wb") as fh:
        writer.write(fh)
    return path


@pytest.fixture()
def sample_pdf(tmp_path: Path) -> Path:
    """A PDF to upload under a Thai client name with spaces and brackets.

    The shared real MOU (``en06_mou_secab_turnia_internship.pdf``) when ../shared is
    present, else a small text PDF made with pypdf.
    """
    target = tmp_path / "บันทึก MOU ฝึกงาน (ร่าง).pdf"
    if SHARED_PDF.is_file():
        target.write_bytes(SHARED_PDF.read_bytes())
        return target
    return make_pdf(target)
