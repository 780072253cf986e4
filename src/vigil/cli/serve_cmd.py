"""`vigil serve` (the web console and API) and `vigil users` (local accounts)."""

from __future__ import annotations

import secrets
from pathlib import Path

import typer

from vigil.cli._common import err_console, load_settings, out_console

__all__ = ["register"]

users_app = typer.Typer(
    help="Local accounts of the console and API: add, list, passwd, disable, token."
)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="TCP port."),
    results: Path | None = typer.Option(
        None, "--results", help="Scan results directory (default: results/ in the data home)."
    ),
    demo_login: bool = typer.Option(
        False,
        "--demo-login",
        help="Create a one-time analyst login (password works once) and print it.",
    ),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        max=64,
        help="Server processes (one per core you give the API; see docs/api.md, Deployment).",
    ),
    backlog: int = typer.Option(
        2048,
        "--backlog",
        min=64,
        max=65535,
        help="Connections the kernel queues before the server accepts them.",
    ),
    home: Path | None = typer.Option(None, "--home", help="Data home (default: VIGIL_HOME)."),
) -> None:
    """Serve the web console and the HTTP API (/api/v1, OpenAPI at /api/v1/openapi.json).

    Create accounts first with `vigil users add`. Cookies are marked Secure when the
    request came over HTTPS (set VIGIL_WEB_SECURE_COOKIES=true behind a TLS proxy).
    """
    import os

    import uvicorn

    settings = load_settings(home=home)
    if results is not None:
        if not (results / "posts.parquet").is_file():
            err_console.print(
                f"[yellow]warning:[/] {results}/posts.parquet not found: "
                f"run `vigil scan --out {results}`"
            )
        os.environ["VIGIL_WEB_RESULTS"] = str(results.resolve())
    os.environ["VIGIL_HOME"] = str(settings.home.resolve())
    from vigil.store import make_engine, session_factory, upgrade
    from vigil.web.config import WebSettings
    from vigil.web.security import load_secret

    # Once, before the worker processes start: they would otherwise race to migrate
    # the workbench and to create the server key (each worker its own key: CSRF tokens
    # issued by one would fail on the others).
    upgrade(settings.workbench_url)
    web = WebSettings()
    load_secret(web.secret_file or settings.home / "web-secret")
    if demo_login:
        from vigil.auth.accounts import create_user

        name = f"demo-{secrets.token_hex(3)}"
        password = secrets.token_urlsafe(12)
        with session_factory(make_engine(settings.workbench_url)).begin() as db:
            create_user(
                db, name, password, ["analyst"], actor="cli:serve --demo-login", one_time=True
            )
        out_console.print(
            f"one-time demo login (works once): user [bold]{name}[/] password [bold]{password}[/]"
        )
    shown = "localhost" if host in {"127.0.0.1", "::1"} else host
    out_console.print(
        f"vigil console: http://{shown}:{port}/  (API: http://{shown}:{port}/api/v1/openapi.json)"
    )
    uvicorn.run(
        "vigil.web.asgi:app",
        host=host,
        port=port,
        workers=workers,
        backlog=backlog,
        factory=False,
        log_level="warning",
        proxy_headers=False,
        server_header=False,
    )


def _sessions() -> object:
    from vigil.store import make_engine, session_factory, upgrade

    settings = load_settings()
    upgrade(settings.workbench_url)
    return session_factory(make_engine(settings.workbench_url))


def _password(password: str | None, prompt: str = "Password") -> str:
    if password is not None:
        return password
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True))


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="Lower-case user name."),
    role: list[str] = typer.Option(
        ..., "--role", help="admin, analyst, reviewer, investigator or auditor (repeatable)."
    ),
    team: list[str] = typer.Option([], "--team", help="Team name (repeatable)."),
    password: str | None = typer.Option(
        None, "--password", help="Password (prompted when omitted; at least 12 characters)."
    ),
) -> None:
    """Create an account."""
    from vigil.auth.accounts import AccountError, create_user
    from vigil.auth.passwords import WeakPassword

    pw = _password(password)
    try:
        with _sessions().begin() as db:  # type: ignore[attr-defined]
            create_user(db, username, pw, role, teams=team, actor="cli:users add")
    except (AccountError, WeakPassword) as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    out_console.print(f"created {username.lower()} ({', '.join(role)})")


@users_app.command("list")
def users_list(
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """List accounts with their roles and teams."""
    import orjson

    from vigil.auth.accounts import list_users

    with _sessions().begin() as db:  # type: ignore[attr-defined]
        users = list_users(db)
    if as_json:
        typer.echo(
            orjson.dumps(
                [
                    {
                        "username": u.username,
                        "roles": list(u.roles),
                        "teams": list(u.teams),
                        "disabled": u.disabled,
                    }
                    for u in users
                ]
            ).decode()
        )
        return
    for u in users:
        state = " (disabled)" if u.disabled else ""
        out_console.print(f"{u.username}\t{','.join(u.roles)}\t{','.join(u.teams) or '-'}{state}")


@users_app.command("passwd")
def users_passwd(
    username: str = typer.Argument(...),
    password: str | None = typer.Option(
        None, "--password", help="New password (prompted when omitted)."
    ),
) -> None:
    """Set a new password (ends the user's sessions)."""
    from vigil.auth.accounts import AccountError, set_password
    from vigil.auth.passwords import WeakPassword

    pw = _password(password, "New password")
    try:
        with _sessions().begin() as db:  # type: ignore[attr-defined]
            set_password(db, username, pw, actor="cli:users passwd")
    except (AccountError, WeakPassword) as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    out_console.print(f"password of {username} changed")


@users_app.command("disable")
def users_disable(
    username: str = typer.Argument(...),
    enable: bool = typer.Option(False, "--enable", help="Enable the account again instead."),
) -> None:
    """Disable an account (ends its sessions; its API tokens stop working)."""
    from vigil.auth.accounts import AccountError, set_disabled

    try:
        with _sessions().begin() as db:  # type: ignore[attr-defined]
            set_disabled(db, username, not enable, actor="cli:users disable")
    except AccountError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    out_console.print(f"{username} {'enabled' if enable else 'disabled'}")


@users_app.command("token")
def users_token(
    username: str = typer.Argument(...),
    scope: list[str] = typer.Option(
        [], "--scope", help="Permission the token may use (repeatable), e.g. score, posts.read."
    ),
    name: str = typer.Option("cli", "--name", help="What the token is for."),
    days: int = typer.Option(90, "--days", min=0, help="Days until it expires (0: never)."),
    revoke: str | None = typer.Option(
        None, "--revoke", help="Revoke the token with this id instead."
    ),
) -> None:
    """Issue an API token (printed once) or revoke one."""
    from vigil.auth.accounts import get_user
    from vigil.auth.tokens import TokenError, issue_token, revoke_token

    try:
        with _sessions().begin() as db:  # type: ignore[attr-defined]
            if revoke:
                revoke_token(db, revoke, actor="cli:users token")
                out_console.print(f"token {revoke} revoked")
                return
            user = get_user(db, username)
            if user is None:
                raise TokenError(f"no user {username!r}")
            issued = issue_token(db, user, name, scope, days=days or None, actor="cli:users token")
    except TokenError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    typer.echo(issued.token)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root application."""
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
