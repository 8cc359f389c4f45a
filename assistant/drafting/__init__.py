"""Drafting: what every drafting tool shares (plans, MOUs, health reports, portfolio guides, workshops).

Modules (import them directly; this package re-exports nothing, and nothing here loads a
model, DOCX or a chart library at import time):

* ``engine.py`` — the one draft engine: a tool's ``SectionSpec`` list → ``Section``/``Block``
  → ``Draft``, streamed section by section; ``Sources`` (citations from retrieved, relevance-gated
  chunks only), ``Writer`` (short model prose, checked; none without a model), ``draft_context``;
* ``notes.py`` — ``DraftNote``, the kinds of a draft's notes (``prose-dropped:cjk``, ``llm:none``);
* ``knowledge.py`` — typed, validated access to the framework (``corpus/framework/framework.yaml``):
  components, steps, success factors, curriculum, with lookups that reject invented names;
* ``forms.py`` — form input for the tools: pydantic models in, every field's problem out (``FormError``);
* ``export.py`` — a draft out as DOCX (Thai font named), Markdown or JSON, written atomically.

The tools themselves stay in their own packages (``plan/``, ``mou/``, ``assess/``,
``portfolio/``, ``workshop/``).
"""
