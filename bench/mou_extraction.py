"""MOU field-extraction accuracy, field by field: rules only vs rules + the embedded LLM.

Usage:
    python bench/mou_extraction.py                      # corpus MOUs + real PDFs, both modes
    python bench/mou_extraction.py --no-llm             # rules only
    python bench/mou_extraction.py --llm-budget 300     # stop asking the model after 300 s

Truth: the corpus MOUs' front matter (parties via corpus/partners.csv, start/end dates,
duration, notice days) plus ``bench/data/mou_truth.yaml`` (hand-checked values for the real
PDFs in ../shared/testdata/pdf, and what front matter does not hold). A field whose truth is
``null`` is scored correct when the analysis reports it missing and wrong when it gives a value
(an invented value is an error, an honest "not found" is not). ``page`` scores the page of
every correct value whose truth names a page. The LLM run is skipped, with a message, when
the embedded model is not available; its model time is bounded by ``--llm-budget``.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PDF_DIR = ROOT.parent / "shared" / "testdata" / "pdf"
TRUTH = ROOT / "bench" / "data" / "mou_truth.yaml"
from assistant.mou.analysis import FIELDS as SCORED  # noqa: E402  (every field is scored)


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", str(text).lower())


def load_cases() -> list[dict[str, Any]]:
    """Each MOU with its expected fields: {field: None | {"value": ..., "page": ...}}."""
    import frontmatter
    import yaml

    truth = yaml.safe_load(TRUTH.read_text(encoding="utf-8"))
    with (ROOT / "corpus" / "partners.csv").open(encoding="utf-8") as fh:
        partners = {row["id"]: row for row in csv.DictReader(fh)}
    cases = []
    for path in sorted((ROOT / "corpus" / "mou").glob("*.md")):
        meta = frontmatter.load(path).metadata
        extra = truth["corpus"].get(path.name, {})
        key = "name_th" if meta.get("language") == "th" else "name_en"
        expected = {
            "parties": {"value": [partners[p][key] for p in meta["parties"]]},
            "start_date": {"value": str(meta["start_date"])},
            "end_date": {"value": str(meta["end_date"])},
            "duration_months": {"value": int(meta["duration_years"]) * 12},
            "notice_days": {"value": int(meta["notice_days"])},
            "signing_date": {"value": extra["signing_date"]} if extra.get("signing_date") else None,
            "areas": {"count": extra["areas_count"]} if extra.get("areas_count") else None,
            "duties": {"count": extra["duty_parties"]} if extra.get("duty_parties") else None,
            "termination": {} if extra.get("termination") else None,
        }
        cases.append({"name": path.name, "path": path, "expected": expected})
    for name, fields in truth["pdf"].items():
        path = PDF_DIR / name
        if not path.is_file():
            print(f"[bench] {path} not found: skipped", file=sys.stderr)
            continue
        if "unreadable" in fields:
            cases.append({"name": name, "path": path, "excluded": fields["unreadable"]})
            continue
        expected = {}
        for field in SCORED:
            value = fields.get(field)
            if isinstance(value, dict) and "parties" in value:
                value = {"parties": value["parties"], "page": value.get("page")}
            expected[field] = value
        cases.append({"name": name, "path": path, "expected": expected})
    return cases


def score_field(field: str, expected: dict | None, got: Any) -> tuple[bool, bool | None]:
    """(value correct, page correct or None when not scored)."""
    if expected is None:
        return got is None, None
    if got is None:
        return False, None
    value = got.value.isoformat() if hasattr(got.value, "isoformat") else got.value
    if field == "termination":
        ok = True
    elif "count" in expected:
        ok = len(value) == expected["count"]
    elif "parties" in expected:
        ok = {_squash(k) for k in value} == {_squash(k) for k in expected["parties"]}
    elif isinstance(expected.get("value"), list):
        ok = {_squash(v) for v in value} == {_squash(v) for v in expected["value"]}
    else:
        ok = value == expected["value"]
    page = expected.get("page")
    return ok, (got.page == page) if ok and page is not None else None


def run(
    cases: list[dict[str, Any]], writer: Any, budget: float | None, use_rules: bool = True
) -> tuple[dict, list[str], float]:
    from assistant.mou.analysis import analyze_file

    totals: dict[str, list[int]] = {f: [0, 0, 0, 0] for f in SCORED}  # correct, total, page ok, pages
    lines, spent = [], 0.0
    for case in cases:
        if "excluded" in case:
            continue
        use = writer if (writer is not None and (budget is None or spent < budget)) else None
        start = time.perf_counter()
        record = analyze_file(case["path"], writer=use, use_rules=use_rules)
        elapsed = time.perf_counter() - start
        if use is not None:
            spent += elapsed
        wrong = []
        for field in SCORED:
            ok, page_ok = score_field(field, case["expected"].get(field), record.get(field))
            totals[field][0] += ok
            totals[field][1] += 1
            if page_ok is not None:
                totals[field][2] += page_ok
                totals[field][3] += 1
            if not ok:
                wrong.append(field)
        llm = [n for n in record.notes if n.startswith("llm")]
        lines.append(
            f"{case['name']}: {elapsed:.1f} s, wrong: {', '.join(wrong) or '-'}"
            + (f" [{'; '.join(llm)}]" if llm else "")
        )
    return totals, lines, spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-llm", action="store_true", help="rules only")
    parser.add_argument("--llm-budget", type=float, default=600, help="seconds of model time at most")
    args = parser.parse_args()

    cases = load_cases()
    scored = [c for c in cases if "excluded" not in c]
    print(
        f"MOUs: {len(scored)} scored ({sum('.pdf' in c['name'] for c in scored)} real PDFs), "
        f"{len(cases) - len(scored)} excluded"
    )
    for c in cases:
        if "excluded" in c:
            print(f"  excluded {c['name']}: {c['excluded']}")
    results = {}
    t0 = time.perf_counter()
    results["rules"], details, _ = run(cases, None, None)
    rules_time = time.perf_counter() - t0
    print(f"\nrules only ({rules_time:.1f} s for all documents)")
    print("\n".join(f"  {d}" for d in details))

    if not args.no_llm:
        writer = None
        from assistant.drafting import Writer
        from assistant.llm import get_chat_model
        from assistant.settings import get_settings

        settings = get_settings()
        if not Path(settings.llm_model_path).is_file():
            print(f"\n[bench] embedded model not found at {settings.llm_model_path}: LLM run skipped")
        else:
            model, status = get_chat_model(settings, "embedded")
            if model is None:
                print(f"\n[bench] embedded model unavailable ({status.message}): LLM run skipped")
            else:
                writer = Writer(model, status.backend, "en")
        if writer is not None:
            results["rules+llm"], details, spent = run(cases, writer, args.llm_budget)
            print(f"\nrules + embedded LLM ({spent:.1f} s with the model; budget {args.llm_budget:.0f} s)")
            print("\n".join(f"  {d}" for d in details))
            results["llm only"], details, spent = run(cases, writer, args.llm_budget, use_rules=False)
            print(f"\nembedded LLM alone, checked against the text ({spent:.1f} s with the model)")
            print("\n".join(f"  {d}" for d in details))

    modes = list(results)
    header = "| field | " + " | ".join(f"{m} value | {m} page" for m in modes) + " |"
    print("\n" + header)
    print("|" + "---|" * (1 + 2 * len(modes)))
    overall = {m: [0, 0] for m in modes}
    for field in SCORED:
        cells = []
        for m in modes:
            ok, total, pok, ptotal = results[m][field]
            overall[m][0] += ok
            overall[m][1] += total
            cells += [f"{ok}/{total}", f"{pok}/{ptotal}" if ptotal else "—"]
        print(f"| {field} | " + " | ".join(cells) + " |")
    print(
        "| **all fields** | "
        + " | ".join(
            f"**{overall[m][0]}/{overall[m][1]} ({overall[m][0] / overall[m][1]:.0%})** | " for m in modes
        ).rstrip(" |")
        + " |"
    )


if __name__ == "__main__":
    main()
