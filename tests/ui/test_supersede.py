"""The conversation generations behind "New conversation" (assistant.ui.supersede)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from assistant.ui.supersede import Superseder, until_stale


def test_an_answer_goes_stale_when_its_generation_is_superseded() -> None:
    sup = Superseder(wait_seconds=0)
    with sup.answering("s1", 0) as stale:
        assert not stale()
        assert sup.supersede("s1", 0) == 1
        assert stale()


def test_an_answer_of_the_new_generation_and_other_sessions_stay_current() -> None:
    sup = Superseder(wait_seconds=0)
    sup.supersede("s1", 0)
    with sup.answering("s1", 1) as stale_new, sup.answering("s2", 0) as stale_other:
        assert not stale_new()
        assert not stale_other()
    with sup.answering("s1", 0) as stale_old:  # asked before the reset, started after it
        assert stale_old()


def test_an_older_reset_arriving_late_does_not_revive_stale_answers() -> None:
    sup = Superseder(wait_seconds=0)
    sup.supersede("s1", 3)
    assert sup.supersede("s1", 1) == 2
    with sup.answering("s1", 2) as stale:
        assert stale()


def test_the_reset_waits_until_the_superseded_answer_has_stopped() -> None:
    sup = Superseder(wait_seconds=5)
    started, stopped_at = threading.Event(), []

    def answer() -> None:
        with sup.answering("s1", 0) as stale:
            started.set()
            while not stale():
                time.sleep(0.01)
            time.sleep(0.2)  # the last update is being sent
            stopped_at.append(time.monotonic())

    worker = threading.Thread(target=answer)
    worker.start()
    started.wait(5)
    sup.supersede("s1", 0)
    reset_done = time.monotonic()
    worker.join(5)
    assert stopped_at and stopped_at[0] <= reset_done


def test_the_reset_gives_up_waiting_after_its_time_limit() -> None:
    sup = Superseder(wait_seconds=0.2)
    with sup.answering("s1", 0):
        began = time.monotonic()
        assert sup.supersede("s1", 0) == 1
        assert 0.15 <= time.monotonic() - began < 2


def test_a_forgotten_session_starts_again_from_generation_zero() -> None:
    sup = Superseder(wait_seconds=0)
    sup.supersede("s1", 0)
    sup.forget("s1")
    with sup.answering("s1", 0) as stale:
        assert not stale()


def test_the_browser_value_becomes_a_generation() -> None:
    assert Superseder.generation(None) == 0
    assert Superseder.generation(2.0) == 2
    assert Superseder.generation(-4) == 0
    assert Superseder.generation("x") == 0  # type: ignore[arg-type]


def test_until_stale_passes_every_update_while_current() -> None:
    assert list(until_stale(iter([1, 2, 3]), lambda: False)) == [1, 2, 3]
    assert list(until_stale([], lambda: False)) == []


def test_until_stale_stops_while_an_update_is_still_being_made() -> None:
    closed = threading.Event()
    flag = {"stale": False}

    def slow() -> Iterator[int]:
        try:
            yield 1
            time.sleep(5)  # a model that takes long for its first token
            yield 2
        finally:
            closed.set()

    got, began = [], time.monotonic()
    for update in until_stale(slow(), lambda: flag["stale"], poll_seconds=0.05):
        got.append(update)
        flag["stale"] = True  # "New conversation" right after the first update
    assert got == [1]
    assert time.monotonic() - began < 2  # not the 5 s the next update takes
    assert closed.wait(10)  # the worker closed the source once its update was made


def test_until_stale_raises_the_updates_error() -> None:
    def broken() -> Iterator[int]:
        yield 1
        raise RuntimeError("the model server went away")

    with pytest.raises(RuntimeError, match="went away"):
        list(until_stale(broken(), lambda: False))


def test_a_stale_answer_that_showed_something_ends_with_its_farewell() -> None:
    # Gradio's "complete" message repeats the last update; the farewell makes that a no-op
    flag = {"stale": False}
    got = []
    for update in until_stale(iter(["question shown", "answer"]), lambda: flag["stale"], farewell="nothing"):
        got.append(update)
        flag["stale"] = True  # "New conversation" right after the question was shown
    assert got == ["question shown", "nothing"]


def test_an_answer_stale_before_it_showed_anything_ends_without_a_word() -> None:
    assert list(until_stale(iter(["question shown"]), lambda: True, farewell="nothing")) == []
    assert list(until_stale(iter(["a", "b"]), lambda: False, farewell="nothing")) == ["a", "b"]
