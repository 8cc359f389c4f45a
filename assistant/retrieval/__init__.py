"""Retrieval: from a question to the passages that may answer it, in Thai and English.

Modules (import them directly; this package re-exports nothing, and nothing here loads a
model at import time):

* ``runtime.py`` — the process's lazily built index objects: the embedder, the store, the
  optional reranker, and the ingest options taken from the settings;
* ``hybrid.py`` — ``HybridRetriever``: dense (e5) and BM25 hits, for the question and its
  translation, fused by language-aware weighted reciprocal ranks (a LangChain retriever);
* ``glossary.py`` — the Thai ↔ English domain glossary that translates queries (and a chunk's
  terms for its keyword index) without a model;
* ``translate.py`` — the question in the other language by the chat model, checked, with the
  glossary as the fallback;
* ``abbreviations.py`` — Thai abbreviations in a question spelled out to their full forms;
* ``rerank.py`` — optional re-ranking of the fused top hits (a local cross-encoder, or e5 over sections);
* ``context.py`` — small-to-big: a retrieved chunk grows into its section, merged in reading order;
* ``relevance.py`` — the relevance gate: which hits may answer the question, or none ("not found").
"""
