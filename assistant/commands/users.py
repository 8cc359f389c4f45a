"""``edunet users ...`` and ``edunet workspaces ...``: accounts, roles and workspace members.

Usage:
    edunet users add somchai --role teacher            # asks for the password twice (hidden)
    echo "$PASSWORD" | edunet users add somchai --role teacher --password-stdin
    edunet users list [--json] | users passwd NAME | users unlock NAME | users remove NAME
    edunet workspaces create net-a --title "เครือข่าย A"
    edunet workspaces add-member net-a somchai [--role leader]
    edunet workspaces list [--json] | workspaces remove-member net-a somchai

Passwords are read hidden or from stdin and never printed. The command line is the local
operator of the installation (who can read its data folder anyway), so these commands are
not behind a login; :func:`ensure_admin` creates the first admin during ``edunet setup``.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.clikit import JsonOpt, UserError, err, out, print_json
from assistant.clikit import settings as _settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from assistant.settings import Settings

PasswordStdinOpt = Annotated[
    bool, typer.Option("--password-stdin", help="read the password from the first line of stdin")
]


@contextmanager
def _errors() -> Iterator[None]:
    """Library errors about accounts and workspaces become one-line user errors."""
    from assistant.access.accounts import AccountError, PasswordPolicyError
    from assistant.access.workspaces import WorkspaceError

    try:
        yield
    except PasswordPolicyError as exc:
        raise UserError(str(exc), code=2) from None
    except (AccountError, WorkspaceError) as exc:
        raise UserError(str(exc), code=1) from None
    except ValueError as exc:  # an unknown role and the like
        raise UserError(str(exc), code=2) from None


def read_password(from_stdin: bool, what: str = "password") -> str:
    """A new password: the first line of stdin, or typed twice without echo."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise UserError("no password on stdin", code=2)
        return password
    if not sys.stdin.isatty():
        raise UserError("stdin is not a terminal: pass the password with --password-stdin", code=2)
    return typer.prompt(f"{what} / รหัสผ่าน", hide_input=True, confirmation_prompt=True)


def ensure_admin(settings: Settings) -> None:
    """At set-up with accounts on: create the first admin unless there is one; register the default workspace.

    The admin comes from ``EDUNET_ADMIN_USER`` / ``EDUNET_ADMIN_PASSWORD``, else from a prompt
    when stdin is a terminal; otherwise set-up stops with a clear message. There is no default password.
    """
    from assistant.access.accounts import Accounts, Role
    from assistant.access.workspaces import Workspaces

    if not settings.auth:
        return
    accounts = Accounts.for_settings(settings)
    registry = Workspaces.for_settings(settings)
    if settings.workspace not in {w.name for w in registry.all()}:
        registry.create(settings.workspace, settings.workspace)
    if accounts.has_admin():
        err.print("accounts: an admin exists")
        return
    if settings.admin_password is not None:
        name, password = settings.admin_user, settings.admin_password.get_secret_value()
    elif sys.stdin.isatty():
        err.print("accounts are on and there is no admin yet: create one (บัญชีผู้ดูแลระบบคนแรก)")
        name = typer.prompt("admin user / ชื่อผู้ดูแล", default=settings.admin_user)
        password = read_password(False, "admin password")
    else:
        raise UserError(
            "accounts are on (EDUNET_AUTH=1) and no admin exists: set EDUNET_ADMIN_USER and "
            "EDUNET_ADMIN_PASSWORD, or run `edunet setup` in a terminal to be asked",
            code=2,
        )
    with _errors():
        accounts.add(name, password, Role.ADMIN)
    err.print(f"accounts: admin {name!r} created")


def register(app: typer.Typer) -> None:
    """Add the ``users`` and ``workspaces`` command groups."""
    users = typer.Typer(
        help="User accounts and roles (admin, leader, teacher, trainer).", no_args_is_help=True
    )
    spaces = typer.Typer(
        help="Workspaces (one per network or school) and their members.", no_args_is_help=True
    )
    app.add_typer(users, name="users")
    app.add_typer(spaces, name="workspaces")
    _user_commands(users)
    _workspace_commands(spaces)


def _user_commands(users: typer.Typer) -> None:
    """``edunet users add|list|remove|passwd|unlock``."""

    @users.command("add")
    def users_add(
        name: Annotated[str, typer.Argument(help="user name: 2–32 of a–z, 0–9, '.', '_', '-'")],
        role: Annotated[str, typer.Option("--role", "-r", help="admin, leader, teacher or trainer")],
        password_stdin: PasswordStdinOpt = False,
    ) -> None:
        """Create an account (the password is asked twice, hidden, or read with --password-stdin)."""
        from assistant.access.accounts import Accounts, Role, check_username

        with _errors():
            role_value = Role.parse(role)
            check_username(name)
            accounts = Accounts.for_settings(_settings())
            if accounts.find(name) is not None:
                raise UserError(f"the user {name!r} already exists", code=1)
            user = accounts.add(name, read_password(password_stdin), role_value)
        err.print(f"user {user.username!r} added ({user.role.value})", highlight=False)

    @users.command("list")
    def users_list(as_json: JsonOpt = False) -> None:
        """List the accounts with their role, lock state and workspaces."""
        from assistant.access.accounts import Accounts
        from assistant.access.workspaces import Workspaces

        s = _settings()
        registry = Workspaces.for_settings(s)
        rows = []
        for user in Accounts.for_settings(s).list():
            row = user.to_dict()
            row["workspaces"] = [m.workspace for m in registry.memberships(user.username)]
            rows.append(row)
        if as_json:
            print_json(rows)
            return
        if not rows:
            out.print("no users (add one with `edunet users add NAME --role admin`)")
            return
        from rich.table import Table

        table = Table("user", "role", "locked", "workspaces")
        for r in rows:
            table.add_row(r["username"], r["role"], "yes" if r["locked"] else "", ", ".join(r["workspaces"]))
        out.print(table)

    @users.command("remove")
    def users_remove(name: Annotated[str, typer.Argument(help="the user to delete")]) -> None:
        """Delete an account with its memberships and history."""
        from assistant.access.accounts import Accounts

        with _errors():
            Accounts.for_settings(_settings()).remove(name)
        err.print(f"user {name!r} removed", highlight=False)

    @users.command("passwd")
    def users_passwd(
        name: Annotated[str, typer.Argument(help="whose password to change")],
        password_stdin: PasswordStdinOpt = False,
    ) -> None:
        """Set a new password (also lifts a lockout)."""
        from assistant.access.accounts import Accounts

        with _errors():
            accounts = Accounts.for_settings(_settings())
            accounts.get(name)
            accounts.set_password(name, read_password(password_stdin, "new password"))
        err.print(f"password of {name!r} changed", highlight=False)

    @users.command("unlock")
    def users_unlock(name: Annotated[str, typer.Argument(help="the locked user")]) -> None:
        """Lift a lockout after too many wrong passwords."""
        from assistant.access.accounts import Accounts

        with _errors():
            Accounts.for_settings(_settings()).unlock(name)
        err.print(f"user {name!r} unlocked", highlight=False)


def _workspace_commands(spaces: typer.Typer) -> None:
    """``edunet workspaces create|list|add-member|remove-member``."""

    @spaces.command("create")
    def spaces_create(
        name: Annotated[str, typer.Argument(help="workspace name: a–z, 0–9, '-', '_'")],
        title: Annotated[str | None, typer.Option("--title", help="a readable title, e.g. in Thai")] = None,
    ) -> None:
        """Register a workspace."""
        from assistant.access.workspaces import Workspaces

        with _errors():
            ws = Workspaces.for_settings(_settings()).create(name, title)
        err.print(f"workspace {ws.name!r} created", highlight=False)

    @spaces.command("list")
    def spaces_list(as_json: JsonOpt = False) -> None:
        """List the registered workspaces with their members."""
        from assistant.access.workspaces import Workspaces

        registry = Workspaces.for_settings(_settings())
        rows = [
            {**w.to_dict(), "members": [m.to_dict() for m in registry.members(w.name)]}
            for w in registry.all()
        ]
        if as_json:
            print_json(rows)
            return
        if not rows:
            out.print("no workspaces (create one with `edunet workspaces create NAME`)")
            return
        from rich.table import Table

        table = Table("workspace", "title", "members")
        for r in rows:
            members = ", ".join(f"{m['username']} ({m['role']})" for m in r["members"])
            table.add_row(r["name"], r["title"], members)
        out.print(table)

    @spaces.command("add-member")
    def spaces_add_member(
        workspace: Annotated[str, typer.Argument(help="the workspace")],
        name: Annotated[str, typer.Argument(help="the user")],
        role: Annotated[str | None, typer.Option("--role", "-r", help="role there (default: theirs)")] = None,
    ) -> None:
        """Add a user to a workspace (or change their role there)."""
        from assistant.access.workspaces import Workspaces

        with _errors():
            m = Workspaces.for_settings(_settings()).add_member(name, workspace, role)
        err.print(f"{m.username!r} is a member of {m.workspace!r} ({m.role.value})", highlight=False)

    @spaces.command("remove-member")
    def spaces_remove_member(
        workspace: Annotated[str, typer.Argument(help="the workspace")],
        name: Annotated[str, typer.Argument(help="the user")],
    ) -> None:
        """Take a user out of a workspace."""
        from assistant.access.workspaces import Workspaces

        with _errors():
            Workspaces.for_settings(_settings()).remove_member(name, workspace)
        err.print(f"{name!r} removed from {workspace!r}", highlight=False)
