"""An ingested MOU's pages: re-read from the file while it is unchanged, else rebuilt from the live chunks.

The rebuild reads the chunks through the manifest's public reader (``Manifest.document_chunks``);
the pages must be exactly what the chunks table gives when read in page and start order.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.mou.analysis import _stitch, document_pages
from assistant.settings import Settings
from ingest.pipeline import ingest
from ingest.store import Store

ROOT = Path(__file__).resolve().parents[3]
MOU = ROOT / "corpus" / "mou" / "MOU-2025-002.en.md"


class ConstantEmbedder:
    """The same vector for every text: retrieval is not under test here, only the stored chunks."""

    model_dir = ""

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[list[float]]:
        if progress is not None:
            progress(len(texts))
        return [[1.0, 0.0, 0.0, 0.0] for _ in texts]

    def embed_query(self, text: str) -> list[float]:
        return [1.0, 0.0, 0.0, 0.0]


def test_pages_are_rebuilt_from_the_live_chunks_when_the_file_changed(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    folder = tmp_path / "docs"
    folder.mkdir()
    path = folder / MOU.name
    shutil.copy(MOU, path)
    store = Store.open(settings.data_dir, ConstantEmbedder())
    try:
        assert ingest([path], store, workspace="default").ok
        row, from_file = document_pages(settings, "default", MOU.name)
        path.write_text(path.read_text(encoding="utf-8") + "\nchanged after indexing\n", encoding="utf-8")
        row_again, rebuilt = document_pages(settings, "default", MOU.name)
        table = store.manifest._conn().execute(  # the chunks table, read the way the analyser once did
            'SELECT page, start, "end", text FROM chunks WHERE doc_id = ? AND state = ? ORDER BY page, start',
            (row.id, "live"),
        )
        expected = _stitch(table.fetchall())
    finally:
        store.manifest.close()
    assert row_again.id == row.id
    assert rebuilt == expected
    assert [n for n, _ in rebuilt] == [n for n, _ in from_file]
    assert "Ban Sap Makrut School" in " ".join(text for _, text in rebuilt)
