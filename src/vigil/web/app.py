"""The app factory: ``create_app(settings) -> FastAPI``.

It applies the workbench migrations, loads (or creates) the server key, opens the read
model over the scan results, builds one Jinja2 environment over every domain's
templates, mounts static files, installs the security middleware and error handlers,
and includes every router named in :data:`vigil.web.routers.ROUTERS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from vigil import __version__
from vigil.settings import Settings, get_settings
from vigil.store import make_engine, session_factory, upgrade
from vigil.web import errors, filters
from vigil.web.bodylimit import BodyLimitMiddleware
from vigil.web.config import WebSettings
from vigil.web.nav import NavItem
from vigil.web.routers import ROUTERS
from vigil.web.security import check_routes, install, load_secret

__all__ = ["create_app", "domain_dirs", "load_router"]

_WEB = Path(__file__).resolve().parent


def load_router(spec: str) -> tuple[ModuleType, APIRouter]:
    module_name, _, attr = spec.partition(":")
    module = importlib.import_module(module_name)
    router = getattr(module, attr or "router")
    if not isinstance(router, APIRouter):
        raise TypeError(f"{spec} is not a fastapi.APIRouter")
    return module, router


def domain_dirs(specs: Sequence[str], name: str) -> list[tuple[str, Path]]:
    """``vigil/<domain>/<name>/`` of every domain package named in ``specs`` that has one."""
    seen: dict[str, Path] = {}
    for spec in specs:
        parts = spec.partition(":")[0].split(".")
        if len(parts) < 2 or parts[1] == "web":
            continue
        package = importlib.import_module(".".join(parts[:2]))
        for base in getattr(package, "__path__", []):
            candidate = Path(base) / name
            if candidate.is_dir():
                seen.setdefault(parts[1], candidate)
    return sorted(seen.items())


def _templates(specs: Sequence[str]) -> Jinja2Templates:
    loaders = [FileSystemLoader(str(_WEB / "templates"))]
    loaders += [FileSystemLoader(str(path)) for _, path in domain_dirs(specs, "templates")]
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(("html", "xml", "svg"), default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    filters.install(env)
    env.globals["vigil_version"] = __version__
    return Jinja2Templates(env=env)


def create_app(
    settings: Settings | None = None,
    web: WebSettings | None = None,
    *,
    routers: Sequence[str] | None = None,
) -> FastAPI:
    """Build the console + API app over ``settings`` (the data home and workbench)."""
    from vigil.explore import Explorer

    settings = settings or get_settings()
    web = web or WebSettings()
    specs = tuple(routers if routers is not None else ROUTERS)
    url = settings.workbench_url
    upgrade(url)
    engine = make_engine(url)
    app = FastAPI(
        title="vigil API",
        version=__version__,
        summary="Find, link, explain and evidence human-trafficking signals in online posts.",
        description=(
            "Versioned JSON API of vigil. Authenticate with an API token "
            "(`Authorization: Bearer vgl_...`, issued with `vigil users token`). Every error "
            "is an RFC 9457 problem document (`application/problem+json`)."
        ),
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    state: Any = app.state
    state.settings = settings
    state.web = web
    state.engine = engine
    state.sessions = session_factory(engine)
    state.secret = load_secret(web.secret_file or settings.home / "web-secret")
    state.explorer = Explorer(web.results or settings.home / "results")
    state.templates = _templates(specs)
    nav: list[NavItem] = []
    lanes: list[Any] = []
    for spec in specs:
        module, router = load_router(spec)
        check_routes(router.routes, spec)
        app.include_router(router)
        nav.extend(getattr(module, "NAV", ()))
        lanes.extend(getattr(module, "MIDDLEWARE", ()))
    state.nav = sorted(nav, key=lambda n: (n.order, n.label))
    state.templates.env.globals["nav_items"] = state.nav
    app.mount("/static/vigil", StaticFiles(directory=_WEB / "static"), name="static")
    for domain, path in domain_dirs(specs, "static"):
        app.mount(f"/static/{domain}", StaticFiles(directory=path), name=f"static-{domain}")
    errors.install(app)
    for lane in lanes:  # innermost: after the security middleware has run
        app.add_middleware(lane, fastapi_app=app)
    install(app)
    app.add_middleware(BodyLimitMiddleware, limit_bytes=web.max_body_mb * 1024 * 1024)
    return app
