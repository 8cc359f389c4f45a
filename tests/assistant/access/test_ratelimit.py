"""Per-user sliding-window rate limits, shared through the app database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.access.ratelimit import Quota, RateLimiter, RateLimitError, check
from assistant.settings import Settings
from assistant.storage import app_db

ROOT = Path(__file__).resolve().parents[3]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_the_window_slides_and_says_when_to_retry(tmp_path: Path) -> None:
    clock = Clock()
    limiter = RateLimiter(tmp_path / "app.sqlite", limit=3, window=60, clock=clock)
    for step in (0, 10, 20):
        clock.now = 1_000 + step
        limiter.check("user:a")
    clock.now = 1_030
    with pytest.raises(RateLimitError) as refused:
        limiter.check("user:a")
    assert refused.value.retry_after == pytest.approx(30)  # the request at t=0 ages out at t=60
    assert "try again in 30 s" in str(refused.value) and "30 วินาที" in str(refused.value)
    assert limiter.remaining("user:a") == 0
    limiter.check("user:b")  # another user has their own budget
    clock.now = 1_060.5
    limiter.check("user:a")  # one slot free again
    with pytest.raises(RateLimitError) as again:
        limiter.check("user:a")
    assert again.value.retry_seconds == 10  # the t=10 request ages out at t=70


def test_refused_requests_do_not_count(tmp_path: Path) -> None:
    clock = Clock()
    limiter = RateLimiter(tmp_path / "app.sqlite", limit=1, window=60, clock=clock)
    limiter.check("k")
    for _ in range(5):
        clock.now += 1
        with pytest.raises(RateLimitError):
            limiter.check("k")
    clock.now = 1_060.01
    limiter.check("k")


def test_zero_means_no_limit_and_settings_are_used(tmp_path: Path) -> None:
    free = RateLimiter(tmp_path / "app.sqlite", limit=0)
    for _ in range(100):
        free.check("k")
    s = Settings(data_dir=tmp_path / "data", ask_rate_per_minute=2)
    check("user:x", settings=s)
    check("user:x", settings=s)
    with pytest.raises(RateLimitError):
        check("user:x", settings=s)
    assert Settings(data_dir=tmp_path).ask_rate_per_minute == 20


def test_a_request_counts_against_every_quota_or_none(tmp_path: Path) -> None:
    """A workshop question spends the asker's, the participant's and the room's budget at once."""
    clock = Clock()
    limiter = RateLimiter(tmp_path / "app.sqlite", limit=2, window=60, clock=clock)
    room = Quota("room:ABC123", 3)
    limiter.charge([Quota("client:10.0.0.1", 2), Quota("participant:p1", 2), room])
    limiter.charge([Quota("client:10.0.0.2", 2), Quota("participant:p2", 2), room])
    clock.now += 5
    limiter.charge([Quota("client:10.0.0.1", 2), Quota("participant:p1", 2), room])
    assert limiter.remaining("room:ABC123", 3) == 0
    with pytest.raises(RateLimitError) as full:  # p3 has budget, the room has not
        limiter.charge([Quota("client:10.0.0.3", 2), Quota("participant:p3", 2), room])
    assert full.value.key == "room:ABC123" and full.value.retry_seconds == 55
    assert limiter.remaining("client:10.0.0.3") == 2  # nothing was spent
    assert limiter.remaining("participant:p3") == 2
    with pytest.raises(RateLimitError) as both:  # two full quotas: the longer wait is reported
        limiter.charge([Quota("client:10.0.0.1", 2), room])
    assert both.value.retry_seconds == 55
    limiter.charge([Quota("client:10.0.0.3", 2), Quota("unlimited", 0)])
    assert limiter.remaining("unlimited", 0) == -1


def test_several_processes_share_one_limit(tmp_path: Path) -> None:
    """Three processes ask 4 times each against a limit of 10 for one user: exactly 10 get through."""
    s = Settings(data_dir=tmp_path / "data", ask_rate_per_minute=10)
    db = app_db(s)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from assistant.access.ratelimit import RateLimiter, RateLimitError\n"
        "limiter = RateLimiter(Path(sys.argv[1]), limit=10, window=60)\n"
        "ok = 0\n"
        "for _ in range(4):\n"
        "    try:\n"
        "        limiter.check('user:shared')\n"
        "        ok += 1\n"
        "    except RateLimitError:\n"
        "        pass\n"
        "print(ok)\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    allowed = sum(int(p.communicate(timeout=60)[0]) for p in procs)
    assert allowed == 10
    with pytest.raises(RateLimitError):
        check("user:shared", settings=s)
