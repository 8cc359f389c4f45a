"""Concurrent load through the Gradio API: simulated users asking the app, ``none`` backend.

Usage:
    python bench/load_gradio.py                                   # 20 users, 200 requests, one app
    python bench/load_gradio.py --processes 2 --chroma-server     # two apps, one Chroma server
    python bench/load_gradio.py --concurrency 4                   # EDUNET_CONCURRENCY=4 in the apps
    python bench/load_gradio.py --users 5 --requests 40           # quick run

Starts ``python app.py`` on free loopback ports with ``EDUNET_BACKEND=none`` (answers are
extractive, so the load is retrieval plus the app's own overhead), over a data directory
with corpus/ indexed (built once with ``edunet ingest`` and kept in ``--data-dir``, default
``~/.cache/edunet-bench/load-<mode>``). With ``--chroma-server`` a real ``chroma run`` on
loopback holds the vectors and every app process uses it (``EDUNET_CHROMA_MODE=server``)
while sharing the one SQLite manifest (WAL). Several processes require the server:
embedded Chroma is not safe to share between processes.

Each user is a thread with its own ``gradio_client.Client`` (its own session, so its chat
history grows as a real user's does), sending questions one after another until the fixed
total number of requests is spent; an answer without text counts as an error (a question
refused by the rate limit shows no answer). The apps run without the per-user rate limit
unless ``--rate-limit N`` sets one: anonymous users all count as one user. Users are
spread round-robin over the app processes. Reported: throughput, p50/p95/max latency,
errors (exceptions or empty answers), and the machine's load while it ran.

The app queues events with ``EDUNET_CONCURRENCY`` workers (default 1), so one process
answers one question at a time by default; ``--concurrency N`` sets it for the run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from common import REPO_ROOT, format_table, load_note, log, model_dir, percentile

from tests.fixtures.chroma import ChromaServer, free_port

QUESTIONS = [
    "องค์ประกอบของเครือข่ายความร่วมมือทางการศึกษามีอะไรบ้าง",
    "What are the components of an education collaboration network?",
    "ขั้นตอนการสร้างเครือข่ายความร่วมมือมีอะไรบ้าง",
    "When did the Personal Data Protection Act take effect for schools?",
    "ปัจจัยความสำเร็จของเครือข่ายคืออะไร",
    "What does SDG 4 aim to ensure?",
    "MOU-2024-001 มีระยะเวลากี่ปี",
    "What are the benefits of school networks for small schools?",
    "แผนการศึกษาแห่งชาติมีระยะเวลากี่ปี",
    "How should a network be managed?",
]
CACHE = Path.home() / ".cache" / "edunet-bench"
START_TIMEOUT_S = 180.0


def base_env(data_dir: Path, chroma: ChromaServer | None, rate: int = 0) -> dict[str, str]:
    """Environment of the app and ingest processes: offline, loopback, ``none`` backend.

    ``rate`` is ``EDUNET_ASK_RATE_PER_MINUTE`` (0: no limit). In anonymous mode every user is
    the same principal, so the default limit (20 a minute) would throttle all users together.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDUNET_")}
    env.update(
        EDUNET_DATA_DIR=str(data_dir),
        EDUNET_MODEL_DIR=str(model_dir()),
        EDUNET_BACKEND="none",
        EDUNET_ASK_RATE_PER_MINUTE=str(rate),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        TOKENIZERS_PARALLELISM="false",
        GRADIO_ANALYTICS_ENABLED="False",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        PYTHONPATH=str(REPO_ROOT),
    )
    if chroma is not None:
        env.update(
            EDUNET_CHROMA_MODE="server", EDUNET_CHROMA_HOST=chroma.host, EDUNET_CHROMA_PORT=str(chroma.port)
        )
    return env


def index_corpus(env: dict[str, str]) -> None:
    """``edunet ingest corpus/`` into the data directory (unchanged files are skipped on later runs)."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", str(REPO_ROOT / "corpus"), "--json"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode not in (0, 1):
        raise SystemExit(f"indexing the corpus failed:\n{result.stderr[-3000:]}")
    log(f"corpus indexed in {time.perf_counter() - started:.0f} s")


@dataclass
class App:
    """One app process on a loopback port."""

    url: str
    process: subprocess.Popen
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_app(env: dict[str, str], log_dir: Path, concurrency: int | None) -> App:
    """Start one app process and wait until it serves HTTP."""
    port = free_port()
    env = {**env, "EDUNET_HOST": "127.0.0.1", "EDUNET_PORT": str(port)}
    command = [sys.executable, str(REPO_ROOT / "app.py")]
    if concurrency is not None:
        env["EDUNET_CONCURRENCY"] = str(concurrency)
    log_path = log_dir / f"app-{port}.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    app = App(f"http://127.0.0.1:{port}/", process, log_path)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the app exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with opener.open(app.url, timeout=2) as response:
                if response.status == 200:
                    return app
        except OSError:
            time.sleep(0.3)
    app.stop()
    raise SystemExit(f"the app did not start within {START_TIMEOUT_S:.0f} s")


QUESTION_PARAMS = ("text", "question", "q", "message")
LANGUAGE_PARAMS = ("lang", "language", "ui_lang")


def ask_endpoint(client) -> tuple[str, list[dict]]:  # type: ignore[no-untyped-def]
    """The API name and parameters of the Ask tab's handler (a question parameter and a language one).

    The Ask tab's parameters change as tabs grow (history moved into session state, a
    workspace picker came), so they are matched by name rather than by position.
    """
    api = client.view_api(return_format="dict", print_info=False)
    named = api.get("named_endpoints", {})
    for name in sorted(n for n in named if n == "/ask" or n.startswith("/ask_")):
        params = named[name].get("parameters", [])
        names = [p.get("parameter_name") for p in params]
        if any(n in QUESTION_PARAMS for n in names) and any(n in LANGUAGE_PARAMS for n in names):
            return name, params
    raise SystemExit(f"no Ask endpoint among {sorted(named)}")


def ask_args(params: list[dict], question: str, lang: str) -> list[object]:
    """Positional arguments for the Ask endpoint: the question, the language, defaults for the rest."""
    args: list[object] = []
    for p in params:
        name = p.get("parameter_name")
        if name in QUESTION_PARAMS:
            args.append(question)
        elif name in LANGUAGE_PARAMS:
            args.append(lang)
        elif p.get("parameter_has_default"):
            args.append(p.get("parameter_default"))
        else:
            raise SystemExit(f"the Ask endpoint needs {name!r}, which this benchmark does not know")
    return args


@dataclass
class Results:
    """Latencies and errors, shared by the user threads."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    left: int = 0

    def take(self) -> bool:
        """Claim one request of the fixed total; False when none are left."""
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def answer_text(outputs: object) -> str:
    """The last assistant message of the chat in the app's outputs ("" when there is none)."""
    for output in outputs if isinstance(outputs, list | tuple) else [outputs]:
        if isinstance(output, list) and output and all(isinstance(m, dict) and "role" in m for m in output):
            replies = [m for m in output if m.get("role") == "assistant"]
            if not replies:
                return ""
            content = replies[-1].get("content")
            if isinstance(content, list):
                return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
            return str(content or "")
    return ""


def user(n: int, url: str, endpoint: tuple[str, list[dict]], results: Results, lang: str) -> None:
    """One simulated user: its own client session, questions one after another."""
    from gradio_client import Client

    api_name, params = endpoint
    client = Client(url, verbose=False)
    i = n
    while results.take():
        question = QUESTIONS[i % len(QUESTIONS)]
        i += 1
        started = time.perf_counter()
        try:
            outputs = client.predict(*ask_args(params, question, lang), api_name=api_name)
            error = "" if answer_text(outputs).strip() else "empty answer"
        except Exception as exc:  # counted, not fatal: the run goes on
            error = f"{type(exc).__name__}: {str(exc)[:120]}"
        elapsed = time.perf_counter() - started
        with results.lock:
            if error:
                results.errors.append(error)
            else:
                results.latencies.append(elapsed)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=20, help="simulated users (threads)")
    parser.add_argument("--requests", type=int, default=200, help="questions asked in all")
    parser.add_argument(
        "--processes", type=int, default=1, help="app processes (more than 1 needs the server)"
    )
    parser.add_argument("--chroma-server", action="store_true", help="vectors in a `chroma run` on loopback")
    parser.add_argument(
        "--concurrency", type=int, default=None, help="override the queue's concurrency limit"
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="indexed data dir to (re)use")
    parser.add_argument(
        "--rate-limit", type=int, default=0, help="EDUNET_ASK_RATE_PER_MINUTE for the apps (0: none)"
    )
    args = parser.parse_args()
    if args.processes > 1 and not args.chroma_server:
        parser.error("several app processes need --chroma-server (embedded Chroma is one process only)")

    mode = "server" if args.chroma_server else "embedded"
    data_dir = args.data_dir or CACHE / f"load-{mode}"
    data_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="edunet-load-"))
    chroma: ChromaServer | None = None
    apps: list[App] = []
    try:
        if args.chroma_server:
            chroma = ChromaServer.start(data_dir / "chroma-server")
            log(f"chroma server at {chroma.url}")
        env = base_env(data_dir, chroma, args.rate_limit)
        index_corpus(env)
        apps = [start_app(env, work, args.concurrency) for _ in range(args.processes)]
        log(f"{len(apps)} app process(es): {', '.join(a.url for a in apps)}")

        from gradio_client import Client

        endpoint = ask_endpoint(Client(apps[0].url, verbose=False))
        for app in apps:  # warm-up: the first question loads the embedding model
            warm = Client(app.url, verbose=False).predict(
                *ask_args(endpoint[1], QUESTIONS[0], "th"), api_name=endpoint[0]
            )
            if not answer_text(warm).strip():
                raise SystemExit(f"the warm-up question got no answer from {app.url}")
        log(f"endpoint {endpoint[0]}; warmed up; {load_note()}")

        results = Results(left=args.requests)
        threads = [
            threading.Thread(
                target=user, args=(n, apps[n % len(apps)].url, endpoint, results, ("th", "en")[n % 2])
            )
            for n in range(args.users)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        note = load_note()
    finally:
        for app in apps:
            app.stop()
        if chroma is not None:
            chroma.stop()
        shutil.rmtree(work, ignore_errors=True)

    lat = results.latencies
    done = len(lat) + len(results.errors)
    print(
        f"\nConcurrent load through the Gradio API ({args.users} users, {done} requests, backend none, "
        f"{args.processes} app process(es), Chroma {mode}, queue concurrency "
        f"{args.concurrency if args.concurrency is not None else '1 (app default)'}, "
        f"rate limit {args.rate_limit or 'off'})"
    )
    print(
        format_table(
            ["requests", "errors", "wall s", "throughput req/s", "p50 s", "p95 s", "max s"],
            [
                [
                    done,
                    len(results.errors),
                    wall,
                    len(lat) / wall if wall else float("nan"),
                    percentile(lat, 50),
                    percentile(lat, 95),
                    max(lat, default=float("nan")),
                ]
            ],
        )
    )
    if results.errors:
        print("first errors: " + "; ".join(results.errors[:3]))
    print(f"machine: {note}")


if __name__ == "__main__":
    main()
