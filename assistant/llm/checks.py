"""Checks of what a chat model wrote: empty, echoing, wrong language, leaking the prompt, looping, declining.

Usage:
    >>> output_problems(reply, prompts, question)     # -> ["wrong-language", ...]
    >>> points = parse_points(reply)                   # a JSON answer as [Point], or None for prose

The answering pipeline (:mod:`assistant.ask`) retries or falls back on what these find; the
checks themselves are pure functions of strings.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assistant import grounding as g
from assistant.records import AnswerNote

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Point:
    """One point of a structured model answer: a sentence and the passage number it comes from."""

    text: str
    source: int | None


def parse_points(reply: str) -> list[Point] | None:
    """The points of a JSON answer (``{"points": [{"text": …, "source": n}, …]}``), or None for prose.

    Lenient about what small models do: code fences around the JSON, a bare list, keys
    named ``point``/``passage``/``citation``, numbers as strings or as ``[n]``.
    """
    text = reply.strip()
    text = re.sub(r"^```(?:json)?\s*|\s*```$", "", text).strip()
    if g.MARKER.match(text):
        return None  # prose that opens with a citation marker ("[1] The plan …")
    if text.startswith(("{", "[")):
        start = 0
    else:  # chatter around an object: "Here is the answer: {"points": …}"
        start = text.find("{")
        if start < 0 or '"points"' not in text[start:]:
            return None
    data: Any = None
    for end in range(len(text), start, -1):
        if text[end - 1] not in "}]":
            continue
        try:
            data = json.loads(text[start:end])
            break
        except ValueError:
            continue
    if data is None:
        return None
    items = data.get("points") if isinstance(data, dict) else data
    if isinstance(data, dict) and items is None:
        items = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(items, list):
        return None
    if items and not any(isinstance(x, str | dict) for x in items):
        return None
    points = []
    for item in items:
        if isinstance(item, str):
            body, source = item, None
        elif isinstance(item, dict):
            body = str(item.get("text") or item.get("point") or item.get("answer") or "")
            raw = next((item[k] for k in ("source", "passage", "citation", "n") if k in item), None)
            source = _number(raw)
        else:
            continue
        found = g.parse_markers(body)
        if source is None and found:
            source = found[0]
        body = g.strip_markers(body).strip()
        if body:
            points.append(Point(body, source))
    return points


def _number(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, list) and value:
        return _number(value[0])
    match = re.search(r"\d+", str(value or ""))
    return int(match.group(0)) if match else None


def drop_echo_lines(text: str, question: str) -> str:
    """``text`` without lines that only restate the question (kept when nothing else is left)."""
    asked = g.content_terms(question)
    lines = text.splitlines()
    kept = [line for line in lines if not (terms := g.content_terms(line)) or not terms <= asked]
    if not any(line.strip() for line in kept) or len(kept) == len(lines):
        return text
    return "\n".join(kept).strip()


def output_problems(text: str, prompts: Any, question: str = "") -> list[str]:
    """The checks a model answer fails: empty, no-answer, echo, wrong-language, cjk, repetition,
    prompt-leak.

    "no-answer" is a reply without content words (only "[1]", or "OK"), "echo" one whose
    every content word comes from the question (it repeats the question); the other checks
    are then moot.
    """
    if not text.strip():
        return ["empty"]
    terms = g.content_terms(text)
    if len(terms) < g.MIN_CHECKED_TERMS:
        return ["no-answer"]
    if question and terms <= g.content_terms(question):
        return ["echo"]
    problems = []
    if g.language_mismatch(text, prompts.language):
        problems.append("wrong-language")
    if g.cjk_leak(text):
        problems.append("cjk")
    if g.has_repetition(text):
        problems.append("repetition")
    if leaks_prompt(text, prompts.system_message()):
        problems.append("prompt-leak")
    return problems


LEAK_WINDOW = 40
"""An answer containing this many consecutive characters of the system prompt leaks it."""


def leaks_prompt(text: str, system: str) -> bool:
    """True when the answer repeats a :data:`LEAK_WINDOW`-character stretch of the system prompt."""
    flat_text = " ".join(text.split()).lower()
    flat_system = " ".join(system.split()).lower()
    step = LEAK_WINDOW // 4
    return any(
        flat_system[i : i + LEAK_WINDOW] in flat_text
        for i in range(0, max(1, len(flat_system) - LEAK_WINDOW + 1), step)
    )


DECLINED = "declined"  # the model said "not found" although relevant passages were retrieved
NOT_FOUND_MESSAGES = ("ไม่พบข้อมูลนี้ในเอกสารของคุณ", "Not found in your documents")
""""Not found" in both languages, recognised in a model's answer whatever the prompt language."""


def says_not_found(text: str, messages: Iterable[str] = NOT_FOUND_MESSAGES) -> bool:
    """True when an answer is (little more than) one of the "not found" ``messages``."""
    flat = " ".join(g.strip_markers(text).split()).strip(" .").lower()
    if not flat:
        return False
    for message in messages:
        wanted = " ".join(message.split()).strip(" .").lower()
        if wanted and wanted in flat and len(flat) < len(wanted) + 40:
            return True
    return False


def backend_note(exc: BaseException) -> str:
    """The note for a model error: "backend unavailable: …" for backend errors, else "backend error: …"."""
    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    try:
        from assistant.llm.backends import is_backend_error
    except ImportError:  # the LLM module is optional for answering
        is_backend_error = None
    if is_backend_error is None or is_backend_error(exc):
        return AnswerNote.BACKEND_UNAVAILABLE.of(detail)
    log.exception("the chat model failed")
    return AnswerNote.BACKEND_ERROR.of(f"{type(exc).__name__}: {detail}")


def message_text(message: Any) -> str:
    """The text of a chat message or chunk whose content is a string or a list of parts."""
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    if isinstance(content, Iterable):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and part.get("type") == "text":
                parts.append(str(part.get("text", "")))
        return "".join(parts)
    return str(content)
