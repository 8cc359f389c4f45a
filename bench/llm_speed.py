"""Speed of the embedded LLM backend: time to first token and generation tokens/s on RAG-like prompts.

Usage:
    python bench/llm_speed.py                      # 3 Thai + 3 English questions, 128 new tokens each
    python bench/llm_speed.py --max-tokens 64      # quicker
    python bench/llm_speed.py --fresh-assembly     # also time assembling the GGUF into a temp folder
    python bench/llm_speed.py --wait-quiet 600     # first wait (up to 10 min) for a quiet machine

Each prompt is what the Ask feature sends: a short system instruction, numbered
passages from the starter corpus (``corpus/``, same language as the question)
filled up to ``--context-tokens`` (600 by default, counted with the model's own
tokenizer through the server's ``/tokenize``), then the question. Answers stream
through the same client the app uses (``assistant.llm.backends.get_chat_model``), at
temperature 0.

Reported: model-file preparation (marker check, or a fresh assembly), server start
(model load), then per question the prompt tokens, time to first token (TTFT,
mostly prompt processing), prompt tokens/s (prompt / TTFT), generated tokens,
generation tokens/s (after the first token) and total time. llama.cpp's prompt
cache keeps the shared system-prompt prefix between questions, as in the app.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from common import REPO_ROOT, format_table, load_note, log, peak_rss_mib, wait_for_quiet

from assistant.llm.backends import get_chat_model, reset_chat_models
from assistant.llm.embedded import EmbeddedServer, assemble_gguf, prepare_embedded
from assistant.settings import Settings

CORPUS = REPO_ROOT / "corpus"

SYSTEM = {
    "th": "คุณเป็นผู้ช่วยของเครือข่ายความร่วมมือทางการศึกษา ตอบคำถามโดยใช้ข้อมูลจากข้อความที่มีหมายเลขเท่านั้น "
    "อ้างอิงหมายเลขข้อความ เช่น [1] ตอบเป็นภาษาไทย 2–3 ประโยค",
    "en": "You are the assistant of an educational collaboration network. Answer only from the numbered "
    "passages, cite them like [1], and answer in English in 2-3 sentences.",
}

QUESTIONS: list[tuple[str, str, list[str]]] = [
    (
        "th",
        "เครือข่ายความร่วมมือทางการศึกษามีประโยชน์ต่อโรงเรียนอย่างไร",
        ["framework/benefits.th.md", "framework/network-meaning.th.md"],
    ),
    (
        "th",
        "ปัจจัยใดทำให้เครือข่ายประสบความสำเร็จ",
        ["framework/success-factors.th.md", "framework/management.th.md"],
    ),
    (
        "th",
        "การสร้างเครือข่ายมีขั้นตอนอะไรบ้าง",
        ["framework/building-steps.th.md", "framework/components.th.md"],
    ),
    (
        "en",
        "How does an educational collaboration network benefit schools?",
        ["framework/benefits.en.md", "framework/network-meaning.en.md"],
    ),
    (
        "en",
        "Which factors make a network successful?",
        ["framework/success-factors.en.md", "framework/management.en.md"],
    ),
    (
        "en",
        "What are the steps to build a network?",
        ["framework/building-steps.en.md", "framework/components.en.md"],
    ),
]


@dataclass
class Result:
    """Timings of one streamed answer."""

    lang: str
    question: str
    load: float
    """1-minute load average when the question started (the machine may be shared)."""
    prompt_tokens: int
    ttft: float
    generated: int
    total: float

    @property
    def gen_rate(self) -> float:
        """Generated tokens per second after the first token."""
        span = self.total - self.ttft
        return (self.generated - 1) / span if self.generated > 1 and span > 0 else float("nan")

    @property
    def prompt_rate(self) -> float:
        """Prompt tokens per second, taking TTFT as the prompt-processing time."""
        return self.prompt_tokens / self.ttft if self.ttft > 0 else float("nan")


def _paragraphs(relative: str) -> list[str]:
    """The text paragraphs of a corpus Markdown file (front matter and headings dropped)."""
    text = (CORPUS / relative).read_text(encoding="utf-8")
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return [p for p in paragraphs if p and not p.startswith("#")]


def _count_tokens(address: str, text: str) -> int:
    """Tokens of ``text`` by the served model's tokenizer (llama.cpp ``/tokenize``)."""
    body = json.dumps({"content": text}).encode()
    request = urllib.request.Request(f"{address}/tokenize", body, {"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as response:
        return len(json.loads(response.read())["tokens"])


def build_messages(address: str, lang: str, question: str, files: list[str], budget: int) -> list[tuple]:
    """System + user messages whose text is about ``budget`` tokens: numbered passages, then the question."""
    passages: list[str] = []
    for paragraph in (p for f in files for p in _paragraphs(f)):
        candidate = [*passages, f"[{len(passages) + 1}] {paragraph}"]
        user = _user_text(lang, candidate, question)
        if _count_tokens(address, SYSTEM[lang] + "\n" + user) <= budget:
            passages = candidate  # a paragraph that would overflow is skipped; shorter ones may still fit
    return [("system", SYSTEM[lang]), ("user", _user_text(lang, passages, question))]


def _user_text(lang: str, passages: list[str], question: str) -> str:
    """The user turn: the passages, then the question."""
    head, ask = ("ข้อความ:", "คำถาม:") if lang == "th" else ("Passages:", "Question:")
    return f"{head}\n" + "\n\n".join(passages) + f"\n\n{ask} {question}"


def run_one(model, address: str, lang: str, question: str, messages: list[tuple]) -> Result:
    """Stream one answer and time it; token counts come from the server's usage report."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    first = None
    pieces: list[str] = []
    usage = None
    for chunk in model.stream(messages, stream_usage=True):
        if chunk.content and first is None:
            first = time.perf_counter() - started
        pieces.append(chunk.content or "")
        usage = chunk.usage_metadata or usage
    total = time.perf_counter() - started
    answer = "".join(pieces)
    log(f"{lang} {question[:40]}… → {answer[:120]!r}")
    prompt = usage["input_tokens"] if usage else _count_tokens(address, str(messages))
    generated = usage["output_tokens"] if usage else _count_tokens(address, answer)
    return Result(lang, question, load, prompt, first if first is not None else total, generated, total)


def _time_fresh_assembly() -> float:
    """Seconds to assemble and verify the GGUF from the installed parts into a temp folder."""
    folder = Path(tempfile.mkdtemp(prefix="edunet-llm-bench-"))
    try:
        started = time.perf_counter()
        assemble_gguf(folder / "model.gguf")
        return time.perf_counter() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-tokens", type=int, default=128, help="new tokens per answer (default 128)")
    parser.add_argument("--context-tokens", type=int, default=600, help="prompt size target (default 600)")
    parser.add_argument("--fresh-assembly", action="store_true", help="also time a fresh GGUF assembly")
    parser.add_argument(
        "--wait-quiet", type=float, default=0, help="wait up to N s for the load average to drop below 1"
    )
    args = parser.parse_args(argv)
    if args.wait_quiet:
        wait_for_quiet(args.wait_quiet)

    log(load_note())
    base = Settings()
    started = time.perf_counter()
    path = prepare_embedded(base, progress=log)
    prepare_s = time.perf_counter() - started
    fresh_s = _time_fresh_assembly() if args.fresh_assembly else float("nan")

    settings = Settings(llm_path=path, llm_max_tokens=args.max_tokens, llm_temperature=0.0)
    model, status = get_chat_model(settings, "embedded")
    if model is None:
        print(f"embedded backend unavailable: {status.message}", file=sys.stderr)
        return 1
    server = EmbeddedServer.for_model(path)
    address = server.address
    log(status.message)
    list(model.stream([("user", "hi")], max_completion_tokens=2))  # warm-up: first-request allocations

    results = []
    for lang, question, files in QUESTIONS:
        messages = build_messages(address, lang, question, files, args.context_tokens)
        results.append(run_one(model, address, lang, question, messages))
    reset_chat_models()

    print(f"\nEmbedded LLM speed ({path.name}; {load_note()})\n")
    print(
        format_table(
            ["step", "value"],
            [
                ["prepare model file (marker check / assembly)", prepare_s],
                ["fresh assembly + sha256 (--fresh-assembly)", fresh_s],
                ["server start (model load)", server.start_seconds or float("nan")],
                ["peak RSS of this process, MiB (model mmap included)", peak_rss_mib()],
            ],
        )
    )
    print()
    rows = [
        [
            r.lang,
            r.question[:34],
            r.load,
            r.prompt_tokens,
            r.ttft,
            r.prompt_rate,
            r.generated,
            r.gen_rate,
            r.total,
        ]
        for r in results
    ]
    for lang in ("th", "en"):
        mine = [r for r in results if r.lang == lang]
        rows.append([lang, "mean", *_means(mine)])
    headers = [
        "lang",
        "question",
        "load",
        "prompt tok",
        "TTFT s",
        "prompt tok/s",
        "gen tok",
        "gen tok/s",
        "total s",
    ]
    print(format_table(headers, rows))
    return 0


def _means(results: list[Result]) -> list[float]:
    """Column means for a group of results."""
    n = len(results) or 1
    return [
        sum(r.load for r in results) / n,
        round(sum(r.prompt_tokens for r in results) / n, 1),
        sum(r.ttft for r in results) / n,
        sum(r.prompt_rate for r in results) / n,
        round(sum(r.generated for r in results) / n, 1),
        sum(r.gen_rate for r in results) / n,
        sum(r.total for r in results) / n,
    ]


if __name__ == "__main__":
    raise SystemExit(main())
