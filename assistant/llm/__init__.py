"""The chat model: its backends, what it may be sent, and checks of what it wrote.

Modules (import them directly; this package re-exports nothing, and nothing here loads a
model at import time):

* ``backends.py`` — ``get_chat_model``: one factory over the backends (embedded | openai |
  ollama | none) that never crashes on a missing one and says why it fell back;
* ``embedded.py`` — the packaged Qwen2.5-Coder GGUF: assembled from its PyPI chunks
  (sha256-checked) and served in-process by llama.cpp on loopback;
* ``privacy.py`` — the personal-data screen at the model boundary (PDPA): ``screened`` masks
  every message a model is sent; ``ensure_no_personal_data`` refuses learner text;
* ``checks.py`` — checks of a reply (empty, echo, wrong language, prompt leak, loop,
  declining) and parsing of the model's JSON points.
"""
