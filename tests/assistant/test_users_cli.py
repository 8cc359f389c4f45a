"""`edunet users` and `edunet workspaces`, the first admin at set-up, and isolation through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.access.accounts import Accounts, authenticate
from assistant.settings import Settings
from tests.fixtures.cli import Cli
from tests.fixtures.planted import planted_words, write_planted, write_public

SECRET = "zq-cli-Secret-Passphrase-55"


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture()
def cli(data_dir: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(data_dir, model_dir, monkeypatch)


def test_users_add_list_passwd_unlock_remove(cli: Cli, data_dir: Path) -> None:
    s = Settings(data_dir=data_dir, lockout_failures=5)
    seen: list[str] = []

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        code, out, err = cli(*args, stdin=stdin)
        seen.append(out + err)
        return code, out, err

    code, _, err = run(
        "users", "add", "somchai", "--role", "Teacher", "--password-stdin", stdin=SECRET + "\n"
    )
    assert code == 0 and "user 'somchai' added (teacher)" in err
    assert authenticate("somchai", SECRET, settings=s) is not None
    code, out, _ = run("users", "list", "--json")
    [row] = json.loads(out)
    assert row["username"] == "somchai" and row["role"] == "teacher" and row["locked"] is False
    assert "pw_hash" not in row

    for _ in range(5):
        Accounts.for_settings(s).login("somchai", "wrong password!")
    assert json.loads(run("users", "list", "--json")[1])[0]["locked"] is True
    assert run("users", "unlock", "somchai")[0] == 0
    assert authenticate("somchai", SECRET, settings=s) is not None

    code, _, err = run("users", "passwd", "somchai", "--password-stdin", stdin=SECRET + "-new\n")
    assert code == 0 and "password of 'somchai' changed" in err
    assert authenticate("somchai", SECRET, settings=s) is None
    assert authenticate("somchai", SECRET + "-new", settings=s) is not None

    code, out, _ = run("users", "list")
    assert "somchai" in out and "teacher" in out
    assert run("users", "remove", "somchai")[0] == 0
    assert json.loads(run("users", "list", "--json")[1]) == []
    assert not any(SECRET in text for text in seen)  # the password is never printed


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (("users", "add", "somchai", "--role", "teacher", "--password-stdin"), "short\n", 2, "too short"),
        (("users", "add", "somchai", "--role", "teacher", "--password-stdin"), "somchai\n", 2, "too short"),
        (
            ("users", "add", "longusername", "-r", "teacher", "--password-stdin"),
            "LongUserName\n",
            2,
            "user name",
        ),
        (("users", "add", "somchai", "--role", "janitor", "--password-stdin"), SECRET, 2, "unknown role"),
        (
            ("users", "add", "Bad Name", "--role", "teacher", "--password-stdin"),
            SECRET,
            1,
            "invalid user name",
        ),
        (("users", "add", "somchai", "--role", "teacher"), "", 2, "--password-stdin"),
        (("users", "add", "somchai", "--role", "teacher", "--password-stdin"), "", 2, "no password"),
        (("users", "remove", "nobody"), "", 1, "no user 'nobody'"),
        (("users", "passwd", "nobody", "--password-stdin"), SECRET, 1, "no user 'nobody'"),
        (("users", "unlock", "nobody"), "", 1, "no user 'nobody'"),
    ],
)
def test_user_errors_are_one_clear_line(
    cli: Cli, args: tuple[str, ...], stdin: str, code: int, message: str
) -> None:
    got, out, err = cli(*args, stdin=stdin)
    assert got == code and message in err and "Traceback" not in err
    assert SECRET not in out + err and "short" not in out


def test_duplicate_user_is_refused(cli: Cli) -> None:
    assert cli("users", "add", "somchai", "-r", "teacher", "--password-stdin", stdin=SECRET)[0] == 0
    code, _, err = cli("users", "add", "somchai", "-r", "leader", "--password-stdin", stdin=SECRET)
    assert code == 1 and "already exists" in err


def test_workspaces_create_list_and_members(cli: Cli) -> None:
    cli("users", "add", "somchai", "-r", "teacher", "--password-stdin", stdin=SECRET)
    assert cli("workspaces", "create", "net-a", "--title", "เครือข่ายจันทบุรี")[0] == 0
    code, _, err = cli("workspaces", "add-member", "net-a", "somchai", "--role", "leader")
    assert code == 0 and "'somchai' is a member of 'net-a' (leader)" in err
    [ws] = json.loads(cli("workspaces", "list", "--json")[1])
    assert ws["name"] == "net-a" and ws["title"] == "เครือข่ายจันทบุรี"
    assert ws["members"] == [{"username": "somchai", "workspace": "net-a", "role": "leader"}]
    assert json.loads(cli("users", "list", "--json")[1])[0]["workspaces"] == ["net-a"]
    assert "เครือข่ายจันทบุรี" in cli("workspaces", "list")[1]
    assert cli("workspaces", "remove-member", "net-a", "somchai")[0] == 0
    code, _, err = cli("workspaces", "remove-member", "net-a", "somchai")
    assert code == 1 and "not a member" in err
    assert cli("workspaces", "create", "net-a")[2].count("already exists") == 1
    assert cli("workspaces", "create", "Net A")[0] == 1
    assert "no workspace 'net-z'" in cli("workspaces", "add-member", "net-z", "somchai")[2]


def test_setup_creates_the_first_admin_from_the_environment(cli: Cli, data_dir: Path) -> None:
    cli.env.update(EDUNET_AUTH="1", EDUNET_ADMIN_USER="root-admin", EDUNET_ADMIN_PASSWORD=SECRET)
    code, out, err = cli("setup", "--no-corpus", "--no-llm")
    assert code == 0, err
    assert "admin 'root-admin' created" in err and SECRET not in out + err
    s = Settings(data_dir=data_dir, auth=True)
    admin = authenticate("root-admin", SECRET, settings=s)
    assert admin is not None and admin.is_admin
    code, _, err = cli("setup", "--no-corpus", "--no-llm")  # idempotent
    assert code == 0 and "an admin exists" in err
    assert [u.username for u in Accounts.for_settings(s).list()] == ["root-admin"]
    assert "default" in cli("workspaces", "list")[1]


def test_setup_without_an_admin_password_fails_clearly_when_it_cannot_ask(cli: Cli, data_dir: Path) -> None:
    cli.env.update(EDUNET_AUTH="1")
    code, _, err = cli("setup", "--no-corpus", "--no-llm")
    assert code == 2 and "EDUNET_ADMIN_PASSWORD" in err and "no admin exists" in err
    assert Accounts.for_settings(Settings(data_dir=data_dir)).list() == []  # never a default password
    cli.env.update(EDUNET_ADMIN_PASSWORD="short")
    code, _, err = cli("setup", "--no-corpus", "--no-llm")
    assert code == 2 and "too short" in err


def test_setup_without_accounts_creates_no_admin(cli: Cli, data_dir: Path) -> None:
    assert cli("setup", "--no-corpus", "--no-llm")[0] == 0
    assert Accounts.for_settings(Settings(data_dir=data_dir)).list() == []


@pytest.mark.slow
def test_searching_workspace_a_from_the_cli_never_returns_workspace_b(cli: Cli, tmp_path: Path) -> None:
    """The CLI acts as the local operator but is still scoped to one workspace per command."""
    words = planted_words(100)
    write_planted(tmp_path / "b", words)
    write_public(tmp_path / "a")
    assert cli("ingest", str(tmp_path / "b"), "-w", "net-b", "--json")[0] == 0
    assert cli("ingest", str(tmp_path / "a"), "-w", "net-a", "--json")[0] == 0
    probes = "".join(f"What is the secret project codeword {w}?\n" for w in words)
    code, out, err = cli("search", "-w", "net-a", "-k", "10", stdin=probes)
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 100
    leaks = [
        (line["query"], r["source"])
        for line in lines
        for r in line["results"]
        if r["source"].startswith("secret-") or any(w in r["text"] for w in words)
    ]
    assert leaks == []
    # control: the same probes in net-b find every word
    code, out, _ = cli("search", "-w", "net-b", "-k", "5", stdin="".join(f"{w}\n" for w in words))
    found = [
        any(line["query"] in r["text"] for r in line["results"]) for line in map(json.loads, out.splitlines())
    ]
    assert code == 0 and len(found) == 100 and all(found)
