"""Accounts: argon2 hashes, roles, password policy, lockout, and passwords never in logs."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from assistant.accounts import (
    AccountError,
    Accounts,
    LoginStatus,
    PasswordPolicyError,
    Role,
    add_user,
    authenticate,
    list_users,
    remove_user,
    set_password,
)
from assistant.settings import Settings
from assistant.storage import app_db

PASSWORD = "ครูสมชาย-รหัสยาว-2024"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", auth=True, lockout_failures=3, lockout_minutes=10)


def test_add_list_authenticate_and_remove(settings: Settings) -> None:
    user = add_user("somchai", PASSWORD, "Teacher", settings=settings)
    assert user.role == Role.TEACHER and not user.is_admin
    add_user("admin", "admin-password-long", Role.ADMIN, settings=settings)
    assert [u.username for u in list_users(settings=settings)] == ["admin", "somchai"]
    found = authenticate("somchai", PASSWORD, settings=settings)
    assert found is not None and found.username == "somchai" and found.last_login is not None
    assert authenticate("SOMCHAI ", PASSWORD, settings=settings) is not None  # names are case-insensitive
    remove_user("somchai", settings=settings)
    assert authenticate("somchai", PASSWORD, settings=settings) is None
    with pytest.raises(AccountError, match="no user"):
        remove_user("somchai", settings=settings)


def test_hashes_are_salted_argon2_and_never_the_password(settings: Settings) -> None:
    add_user("a1", PASSWORD, "leader", settings=settings)
    add_user("b1", PASSWORD, "trainer", settings=settings)
    with sqlite3.connect(app_db(settings)) as db:
        rows = dict(db.execute("SELECT username, pw_hash FROM users").fetchall())
    assert all(h.startswith("$argon2id$") for h in rows.values())
    assert rows["a1"] != rows["b1"]  # same password, different salt
    assert PASSWORD not in app_db(settings).read_bytes().decode("utf-8", "replace")


def test_wrong_password_and_unknown_user_are_rejected(settings: Settings) -> None:
    add_user("somchai", PASSWORD, "teacher", settings=settings)
    accounts = Accounts.for_settings(settings)
    assert accounts.login("somchai", PASSWORD + "x").status == LoginStatus.WRONG
    assert accounts.login("somchai", "").status == LoginStatus.WRONG
    assert accounts.login("nobody", PASSWORD).status == LoginStatus.UNKNOWN
    assert accounts.login("somchai", "x" * 5000).user is None
    assert authenticate("somchai", PASSWORD, settings=settings) is not None


def test_lockout_refuses_even_the_right_password_until_it_expires(settings: Settings) -> None:
    clock = Clock()
    accounts = Accounts(app_db(settings), lockout_failures=3, lockout_minutes=10, clock=clock)
    accounts.add("somchai", PASSWORD, Role.TEACHER)
    assert [accounts.login("somchai", "wrong password!").status for _ in range(3)] == [
        LoginStatus.WRONG,
        LoginStatus.WRONG,
        LoginStatus.LOCKED,
    ]
    locked = accounts.login("somchai", PASSWORD)
    assert locked.status == LoginStatus.LOCKED and locked.user is None
    assert 599 <= locked.retry_after <= 600
    assert accounts.get("somchai").locked(clock.now)
    clock.now += 9 * 60
    assert accounts.authenticate("somchai", PASSWORD) is None
    clock.now += 61
    assert accounts.authenticate("somchai", PASSWORD) is not None


def test_a_success_resets_the_failure_count(settings: Settings) -> None:
    accounts = Accounts.for_settings(settings)
    accounts.add("somchai", PASSWORD, Role.TEACHER)
    for _ in range(2):
        accounts.login("somchai", "wrong password!")
    assert accounts.authenticate("somchai", PASSWORD) is not None
    for _ in range(2):
        accounts.login("somchai", "wrong password!")
    assert accounts.authenticate("somchai", PASSWORD) is not None  # 2 + 2 failures never reach 3 in a row


def test_unlock_and_new_password_lift_a_lock(settings: Settings) -> None:
    accounts = Accounts.for_settings(settings)
    accounts.add("somchai", PASSWORD, Role.TEACHER)
    for _ in range(3):
        accounts.login("somchai", "wrong password!")
    assert accounts.authenticate("somchai", PASSWORD) is None
    accounts.unlock("somchai")
    assert accounts.authenticate("somchai", PASSWORD) is not None
    for _ in range(3):
        accounts.login("somchai", "wrong password!")
    set_password("somchai", "a brand new password", settings=settings)
    assert accounts.authenticate("somchai", PASSWORD) is None
    assert accounts.authenticate("somchai", "a brand new password") is not None


def test_lockout_is_shared_across_processes_through_the_database(settings: Settings) -> None:
    first, second = Accounts.for_settings(settings), Accounts.for_settings(settings)
    first.add("somchai", PASSWORD, Role.TEACHER)
    first.login("somchai", "wrong password!")
    second.login("somchai", "wrong password!")
    first.login("somchai", "wrong password!")
    assert second.login("somchai", PASSWORD).status == LoginStatus.LOCKED


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("somchai", "short", "too short"),
        ("somchai", "SomChai   ", "must not be the user name"),
        ("longusername", "LongUserName", "must not be the user name"),
    ],
)
def test_password_policy(settings: Settings, name: str, password: str, message: str) -> None:
    with pytest.raises(PasswordPolicyError, match=message):
        add_user(name, password, "teacher", settings=settings)
    assert list_users(settings=settings) == []


def test_names_roles_and_duplicates_are_checked(settings: Settings) -> None:
    with pytest.raises(
        ValueError, match="unknown role 'principal'; use one of: admin, leader, teacher, trainer"
    ):
        add_user("somchai", PASSWORD, "principal", settings=settings)
    for bad in ("", "a", "Bad Name", "../etc", "anonymous"):
        with pytest.raises(AccountError):
            add_user(bad, PASSWORD, "teacher", settings=settings)
    add_user("somchai", PASSWORD, "teacher", settings=settings)
    with pytest.raises(AccountError, match="already exists"):
        add_user("somchai", PASSWORD + "2", "teacher", settings=settings)


def test_passwords_are_never_logged(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret, wrong = "zq-secret-Passphrase-91", "zq-wrong-Passphrase-73"
    accounts = Accounts.for_settings(settings)
    accounts.add("somchai", secret, Role.TEACHER)
    accounts.login("somchai", secret)
    for _ in range(4):
        accounts.login("somchai", wrong)
    accounts.login("nobody", wrong)
    accounts.set_password("somchai", secret + "!")
    with pytest.raises(PasswordPolicyError) as refused:
        accounts.set_password("somchai", "zq-short")
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "login refused" in logged and "somchai" in logged  # the events are logged...
    for text in (secret, wrong, "zq-short"):
        assert text not in logged  # ...never the passwords
        assert text not in str(refused.value)
    assert secret not in repr(accounts.get("somchai")) and secret not in str(
        accounts.get("somchai").to_dict()
    )


def test_admin_password_setting_is_masked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EDUNET_ADMIN_PASSWORD", "zq-env-admin-password")
    s = Settings(data_dir=tmp_path)
    assert s.admin_password is not None and s.admin_password.get_secret_value() == "zq-env-admin-password"
    assert "zq-env-admin-password" not in repr(s) and "zq-env-admin-password" not in str(s.public())
    assert s.auth is False  # anonymous single-user mode is the default
