"""The cross-script support judge: windows of a passage, the closest one, the threshold."""

from assistant.ask.support import CROSS_SUPPORT_MIN, closest_window, cross_support, windows


def fake_similar(scores: dict[str, float]):
    """A Similar whose cosine for a text is looked up by a word the text holds (0.5 otherwise)."""

    def similar(question: str, texts):
        return [next((v for k, v in scores.items() if k in t), 0.5) for t in texts]

    return similar


def test_windows_are_sentences_and_pairs_in_a_row() -> None:
    assert windows("One thing here. Two things there. Three at last.") == [
        "One thing here.",
        "Two things there.",
        "Three at last.",
        "One thing here. Two things there.",
        "Two things there. Three at last.",
    ]
    assert windows("") == []


def test_closest_window_is_the_best_cosine() -> None:
    similar = fake_similar({"Two": 0.9})
    assert closest_window(similar, "สองอย่าง", "One thing here. Two things there.") == 0.9
    assert closest_window(similar, "สองอย่าง", "") == 0.0


def test_cross_support_uses_the_threshold_and_refuses_when_the_model_fails() -> None:
    assert cross_support(None) is None
    judge = cross_support(fake_similar({"Two": CROSS_SUPPORT_MIN, "One": CROSS_SUPPORT_MIN - 0.01}))
    assert judge is not None
    assert judge("สองอย่าง", "Two things there.")
    assert not judge("หนึ่งอย่าง", "One thing here.")

    def broken(question: str, texts):
        raise RuntimeError("model gone")

    failing = cross_support(broken)
    assert failing is not None and not failing("สองอย่าง", "Two things there.")
