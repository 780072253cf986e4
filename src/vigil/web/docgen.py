"""The permission matrix and the route table for docs/console.md, generated from code."""

from __future__ import annotations

from collections.abc import Sequence

from vigil.auth.permissions import MATRIX, Permission, Role
from vigil.web.app import load_router
from vigil.web.routers import ROUTERS
from vigil.web.security import is_public, route_permission

__all__ = ["BEGIN", "END", "render_matrix", "route_table"]

BEGIN = "<!-- BEGIN generated permission matrix (vigil.web.docgen); do not edit by hand -->"
END = "<!-- END generated permission matrix -->"


def render_matrix() -> str:
    roles = list(Role)
    lines = [
        "| permission | " + " | ".join(r.value for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for perm in Permission:
        cells = ["yes" if perm in MATRIX[r] else "" for r in roles]
        lines.append(f"| `{perm.value}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def route_table(specs: Sequence[str] = ROUTERS) -> str:
    lines = ["| method | path | needs |", "|---|---|---|"]
    rows: list[tuple[str, str, str]] = []
    for spec in specs:
        _, router = load_router(spec)
        for route in router.routes:
            path = getattr(route, "path", "")
            methods = sorted(getattr(route, "methods", None) or {"GET"})
            if is_public(route):
                need = "public"
            else:
                perm = route_permission(route)[1]
                need = f"`{perm.value}`" if perm else "login"
            rows.extend((m, path, need) for m in methods if m != "HEAD")
    for method, path, need in sorted(rows, key=lambda r: (r[1], r[0])):
        lines.append(f"| {method} | `{path}` | {need} |")
    return "\n".join(lines)


def generated_block() -> str:
    return "\n".join(
        [
            BEGIN,
            "",
            "### Roles and permissions",
            "",
            render_matrix(),
            "",
            "### Routes",
            "",
            route_table(),
            "",
            END,
        ]
    )


def update(path: str = "docs/console.md") -> bool:
    """Rewrite the generated block of ``path``; True when it changed."""
    from pathlib import Path

    doc = Path(path)
    text = doc.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:start] + generated_block() + text[end:]
    if new != text:
        doc.write_text(new)
    return new != text


if __name__ == "__main__":
    import sys

    changed = update(*sys.argv[1:2])
    print("docs/console.md updated" if changed else "docs/console.md is up to date")
