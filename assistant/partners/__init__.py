"""Partner tools: the registry, needs-to-partner matching, the complementary set and the network map.

Modules (one component each; import them directly, nothing heavy loads at import time):

* :mod:`assistant.partners.registry` — partners, MOUs and provenance in ``partners.sqlite``;
  its parts: :mod:`~assistant.partners.models` (the one partner model, used by plans too),
  :mod:`~assistant.partners.csv_rows`, :mod:`~assistant.partners.mou_links`,
  :mod:`~assistant.partners.tables`;
* :mod:`assistant.partners.matching` — ``suggest(needs_text, registry, embedder, filters)``;
  its parts: :mod:`~assistant.partners.match_records`, :mod:`~assistant.partners.wording`,
  :mod:`~assistant.partners.needs`, :mod:`~assistant.partners.geography`, :mod:`~assistant.partners.bm25`,
  :mod:`~assistant.partners.match_index`, :mod:`~assistant.partners.evidence`;
* :mod:`assistant.partners.cover` — the fewest partners that cover the needs (greedy set cover);
* :mod:`assistant.partners.network` — the MOU network: centrality, expiring MOUs, uncovered needs, maps.
"""
