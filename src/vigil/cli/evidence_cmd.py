"""`vigil evidence ...`, `vigil log ...` and `vigil verify BUNDLE` (issue 6).

Thin commands over :mod:`vigil.evidence`; services are imported inside the functions so
`vigil --help` stays fast. Exit status: 0 success (for `verify`, a valid bundle), 1 a
failed verification, 2 usage errors and unreadable input.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from vigil.cli._common import err_console, load_settings, out_console

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vigil.evidence.note import Verifier
    from vigil.evidence.timestamp import TsaConfig
    from vigil.settings import Settings

__all__ = ["register"]

evidence_app = typer.Typer(
    help="The evidence vault: capture, chain of custody, export of verifiable bundles.",
    no_args_is_help=True,
)
log_app = typer.Typer(
    help="The transparency log: checkpoints, witness cosignatures, whole-log verification.",
    no_args_is_help=True,
)

HOME = typer.Option(None, "--home", help="Data home (default: VIGIL_HOME).")
JSON = typer.Option(False, "--json", help="Print JSON.")
ACTOR = typer.Option(
    None, "--actor", help="Who does this (default: the login name); recorded in the custody log."
)
REASON = typer.Option(..., "--reason", help="Why (recorded in the chain of custody).")
TSA_URL = typer.Option(None, "--tsa-url", help="RFC 3161 timestamp authority URL.")
TSA_ROOTS = typer.Option(None, "--tsa-roots", help="PEM file of the TSA's trusted root(s).")


def _fail(message: str, code: int = 2) -> typer.Exit:
    err_console.print(f"[red]error:[/] {message}", markup=True, highlight=False)
    return typer.Exit(code)


def _echo_json(payload: Any) -> None:
    import orjson

    typer.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())


def _actor(actor: str | None) -> str:
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        raise _fail("cannot tell who you are: pass --actor") from None


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    """A workbench session in one transaction (committed when the block succeeds)."""
    from vigil.store import make_engine, session_factory, upgrade

    upgrade(settings.workbench_url)
    engine = make_engine(settings.workbench_url)
    try:
        with session_factory(engine).begin() as session:
            yield session
    finally:
        engine.dispose()


def _tsa(url: str | None, roots: Path | None) -> TsaConfig | None:
    from vigil.evidence.timestamp import TsaConfig

    if url is None:
        return None
    if roots is None:
        raise _fail("--tsa-url needs --tsa-roots (the PEM root certificates you trust)")
    return TsaConfig(url, roots)


def _read_verifier(path: Path) -> Verifier:
    from vigil.evidence.keys import KeyFileError, read_verifier

    try:
        return read_verifier(path)
    except KeyFileError as exc:
        raise _fail(str(exc)) from None


def _errors() -> tuple[type[Exception], ...]:
    from vigil.evidence.blobs import BlobError
    from vigil.evidence.keys import KeyFileError
    from vigil.evidence.log import LogError
    from vigil.evidence.note import NoteError
    from vigil.evidence.timestamp import TimestampError
    from vigil.evidence.vault import VaultError

    return (VaultError, BlobError, KeyFileError, LogError, NoteError, TimestampError)


def _item_json(item: Any) -> dict[str, Any]:
    return {
        "id": item.id,
        "sha256": item.sha256,
        "size": item.size,
        "media_type": item.media_type,
        "filename": item.filename,
        "source": f"{item.source_kind}:{item.source_ref}",
        "captured_at": item.captured_at.isoformat(),
        "captured_by": item.captured_by,
        "sealed": item.sealed,
    }


def _captured(item: Any, as_json: bool) -> None:
    if as_json:
        _echo_json(_item_json(item))
    else:
        out_console.print(
            f"captured {item.id}  sha256 {item.sha256}  {item.size:,} bytes  ({item.media_type})"
        )


# --- vigil evidence --------------------------------------------------------------------


@evidence_app.command("capture-file")
def capture_file(
    path: Path = typer.Argument(..., help="File to put in the vault."),
    reason: str = REASON,
    actor: str | None = ACTOR,
    as_json: bool = JSON,
    home: Path | None = HOME,
) -> None:
    """Capture a file: a write-once evidentiary copy plus a 'captured' custody event."""
    from vigil.evidence.vault import Vault

    settings = load_settings(home=home)
    try:
        with _session(settings) as s:
            item = Vault(s, settings).capture_file(path, actor=_actor(actor), reason=reason)
    except _errors() as exc:
        raise _fail(str(exc)) from None
    _captured(item, as_json)


@evidence_app.command("capture-url")
def capture_url_cmd(
    url: str = typer.Argument(..., help="http(s) URL to fetch into a WARC file."),
    reason: str = REASON,
    actor: str | None = ACTOR,
    timeout: float = typer.Option(30.0, "--timeout", min=1, help="Seconds to wait for the page."),
    as_json: bool = JSON,
    home: Path | None = HOME,
) -> None:
    """Fetch a web page into a WARC (URL, UTC time, user, tool, headers, SHA-256 digests)."""
    from vigil.evidence.capture import capture_url
    from vigil.evidence.vault import Vault

    settings = load_settings(home=home)
    try:
        with _session(settings) as s:
            item = capture_url(
                Vault(s, settings), url, actor=_actor(actor), reason=reason, timeout=timeout
            )
    except _errors() as exc:
        raise _fail(str(exc)) from None
    _captured(item, as_json)


@evidence_app.command("capture-post")
def capture_post(
    post_id: str = typer.Argument(..., help="Id of a post in the corpus lake."),
    reason: str = REASON,
    actor: str | None = ACTOR,
    as_json: bool = JSON,
    home: Path | None = HOME,
) -> None:
    """Capture a corpus post, as stored, as canonical JSON."""
    from vigil.evidence.vault import Vault

    settings = load_settings(home=home)
    try:
        with _session(settings) as s:
            item = Vault(s, settings).capture_post(post_id, actor=_actor(actor), reason=reason)
    except _errors() as exc:
        raise _fail(str(exc)) from None
    _captured(item, as_json)


@evidence_app.command("list")
def list_items(
    limit: int = typer.Option(50, "--limit", min=1, help="How many items (newest first)."),
    as_json: bool = JSON,
    home: Path | None = HOME,
) -> None:
    """List evidence items."""
    from rich.table import Table
    from sqlalchemy import select

    from vigil.evidence.tables import ItemRow

    settings = load_settings(home=home)
    with _session(settings) as s:
        items = list(s.scalars(select(ItemRow).order_by(ItemRow.captured_at.desc()).limit(limit)))
    if as_json:
        _echo_json([_item_json(i) for i in items])
        return
    table = Table(title=f"{len(items)} evidence item(s), newest first")
    table.add_column("id", no_wrap=True)
    table.add_column("captured (UTC)", no_wrap=True)
    for col in ("by", "source", "size", "sealed"):
        table.add_column(col)
    for i in items:
        table.add_row(
            i.id,
            i.captured_at.strftime("%Y-%m-%d %H:%M:%S"),
            i.captured_by,
            f"{i.source_kind}:{i.source_ref}"[:60],
            f"{i.size:,}",
            "yes" if i.sealed else "",
        )
    out_console.print(table)


@evidence_app.command("show")
def show(
    item_id: str = typer.Argument(..., help="Evidence item id."),
    as_json: bool = JSON,
    home: Path | None = HOME,
) -> None:
    """Show an item and its chain of custody."""
    from vigil.evidence.vault import Vault, event_record

    settings = load_settings(home=home)
    try:
        with _session(settings) as s:
            vault = Vault(s, settings)
            item = vault.item(item_id)
            events = vault.events(item_id)
    except _errors() as exc:
        raise _fail(str(exc)) from None
    rows = [
        {
            "seq": e.seq,
            "action": e.action,
            "actor": e.actor,
            "at": event_record(e)["at"],
            "reason": e.reason,
            "detail": e.detail,
            "log_index": e.log_index,
        }
        for e in events
    ]
    if as_json:
        _echo_json({**_item_json(item), "custody": rows})
        return
    out_console.print(f"[bold]{item.id}[/]  {item.filename}  sha256 {item.sha256}")
    for r in rows:
        out_console.print(
            f"  #{r['seq']} {r['at'][:19]}Z  {r['action']:<11} by {r['actor']}: {r['reason']}"
            f"  (log entry {r['log_index']})"
        )


@evidence_app.command("event")
def event(
    item_id: str = typer.Argument(..., help="Evidence item id."),
    action: str = typer.Argument(..., help="annotated, transferred, sealed or viewed."),
    reason: str = REASON,
    actor: str | None = ACTOR,
    note: list[str] = typer.Option([], "--detail", help="KEY=VALUE detail to record (repeatable)."),
    home: Path | None = HOME,
) -> None:
    """Record a custody event on an item (appended to the transparency log)."""
    from vigil.evidence.vault import Vault

    if action == "captured":
        raise _fail("'captured' is recorded by the capture commands")
    detail: dict[str, Any] = {}
    for kv in note:
        key, sep, value = kv.partition("=")
        if not sep or not key:
            raise _fail(f"--detail {kv!r}: write KEY=VALUE")
        detail[key] = value
    settings = load_settings(home=home)
    try:
        with _session(settings) as s:
            e = Vault(s, settings).record_event(item_id, action, _actor(actor), reason, detail)
    except _errors() as exc:
        raise _fail(str(exc)) from None
    out_console.print(
        f"recorded {e.action} on {e.item_id} (event #{e.seq}, log entry {e.log_index})"
    )


@evidence_app.command("open")
def open_item(
    item_id: str = typer.Argument(..., help="Evidence item id."),
    reason: str = REASON,
    actor: str | None = ACTOR,
    home: Path | None = HOME,
) -> None:
    """Make a working copy of an item (the evidentiary copy stays untouched); logs 'viewed'."""
    from vigil.evidence.vault import Vault

    settings = load_settings(home=home)
    try:
        with _session(settings) as s:
            path = Vault(s, settings).working_copy(item_id, actor=_actor(actor), reason=reason)
    except _errors() as exc:
        raise _fail(str(exc)) from None
    typer.echo(str(path))


@evidence_app.command("export")
def export(
    items: list[str] | None = typer.Argument(None, help="Evidence item ids."),
    case: str | None = typer.Option(
        None, "--case", help="Export every evidence item of this case (with or instead of ids)."
    ),
    out: Path = typer.Option(..., "--out", help="Bundle file to write (.zip)."),
    reason: str = REASON,
    actor: str | None = ACTOR,
    tsa_url: str | None = TSA_URL,
    tsa_roots: Path | None = TSA_ROOTS,
    as_json: bool = JSON,
    home: Path | None = HOME,
) -> None:
    """Export items as an offline-verifiable bundle (check it with `vigil verify`).

    Records an 'exported' event on each item, signs a new checkpoint (timestamped when
    --tsa-url is given) and writes the items, the manifest, an inclusion proof for every
    custody event, the checkpoint and the log's public key.
    """
    from sqlalchemy import select

    from vigil.evidence.bundle import export_items
    from vigil.evidence.keys import load_log_signer
    from vigil.evidence.vault import Vault

    settings = load_settings(home=home)
    tsa = _tsa(tsa_url, tsa_roots)
    if out.exists():
        raise _fail(f"{out} exists: choose another --out")
    try:
        signer = load_log_signer(settings)
        with _session(settings) as s:
            wanted = list(items or [])
            if case is not None:
                from vigil.workflow.tables import Case, CaseItem

                if s.get(Case, case) is None:
                    raise _fail(f"no case {case}")
                refs = s.scalars(
                    select(CaseItem.ref)
                    .where(CaseItem.case_id == case, CaseItem.kind == "evidence")
                    .order_by(CaseItem.added_at)
                )
                wanted += [r for r in refs if r not in wanted]
            if not wanted:
                raise _fail("nothing to export: give item ids or a --case with evidence items")
            summary = export_items(
                s, Vault(s, settings), wanted, out, actor=_actor(actor), reason=reason,
                signer=signer, tsa=tsa, case_id=case,
            )  # fmt: skip
    except _errors() as exc:
        if out.exists():
            out.unlink()
        raise _fail(str(exc)) from None
    except BaseException:
        if out.exists():
            out.unlink()
        raise
    if as_json:
        _echo_json(
            {
                "bundle": str(summary.path),
                "items": summary.items,
                "events": summary.events,
                "tree_size": summary.tree_size,
                "root_hash": summary.root.hex(),
            }
        )
        return
    out_console.print(
        f"wrote {summary.path}: {summary.items:,} items, {summary.events:,} custody events, "
        f"proven in checkpoint of size {summary.tree_size:,}"
    )


# --- vigil log -------------------------------------------------------------------------


@log_app.command("init")
def log_init(
    origin: str | None = typer.Option(
        None, "--origin", help="Log origin line, e.g. example.org/evidence (default: random)."
    ),
    home: Path | None = HOME,
) -> None:
    """Create the log's Ed25519 signing key (keys/log.key, mode 0600) if there is none."""
    from vigil.evidence.keys import keys_dir, load_log_signer

    settings = load_settings(home=home)
    existed = (keys_dir(settings) / "log.key").exists()
    try:
        signer = load_log_signer(settings, origin=origin)
    except _errors() as exc:
        raise _fail(str(exc)) from None
    if existed and origin and origin != signer.name:
        raise _fail(f"a log key already exists with origin {signer.name}")
    out_console.print(f"log origin  {signer.name}")
    out_console.print(f"public key  {signer.verifier.vkey()}")
    out_console.print(f"fingerprint {signer.verifier.fingerprint}")


@log_app.command("checkpoint")
def log_checkpoint(
    out: Path | None = typer.Option(None, "--out", help="Also write the signed note here."),
    tsa_url: str | None = TSA_URL,
    tsa_roots: Path | None = TSA_ROOTS,
    home: Path | None = HOME,
) -> None:
    """Sign a checkpoint of the log's current size and print it (keep a copy!)."""
    from vigil.evidence.checkpoints import issue_checkpoint, timestamp_checkpoint
    from vigil.evidence.keys import load_log_signer

    settings = load_settings(home=home)
    tsa = _tsa(tsa_url, tsa_roots)
    try:
        signer = load_log_signer(settings)
        with _session(settings) as s:
            row = issue_checkpoint(s, signer)
            if tsa is not None:
                timestamp_checkpoint(s, row, tsa)
            note = row.note
    except _errors() as exc:
        raise _fail(str(exc)) from None
    if out is not None:
        out.write_text(note)
    typer.echo(note, nl=False)


@log_app.command("verify")
def log_verify(
    earlier: list[Path] = typer.Option(
        [], "--earlier", help="A checkpoint you kept earlier; must be consistent (repeatable)."
    ),
    key: Path | None = typer.Option(
        None, "--key", help="The log's public key you trust (default: keys/log.pub)."
    ),
    witness: list[Path] = typer.Option([], "--witness", help="A witness public key (repeatable)."),
    require: int = typer.Option(0, "--require", min=0, help="Witness cosignatures required."),
    as_json: bool = JSON,
    home: Path | None = HOME,
) -> None:
    """Recompute the whole log and check it against its latest checkpoint and kept ones."""
    from vigil.evidence.checkpoints import audit_log
    from vigil.evidence.keys import keys_dir

    settings = load_settings(home=home)
    log_key = _read_verifier(key or keys_dir(settings) / "log.pub")
    witnesses = [_read_verifier(w) for w in witness]
    notes = []
    for path in earlier:
        try:
            notes.append((str(path), path.read_text()))
        except (OSError, UnicodeDecodeError) as exc:
            raise _fail(f"cannot read {path}: {exc}") from None
    with _session(settings) as s:
        audit = audit_log(s, log_key, notes, witnesses, require)
    if as_json:
        _echo_json(
            {
                "valid": audit.ok,
                "size": audit.size,
                "root_hash": audit.root.hex(),
                "checkpoint_size": audit.checkpoint.size if audit.checkpoint else None,
                "earlier": [c.size for c in audit.earlier],
                "problems": audit.problems,
            }
        )
    elif audit.ok:
        out_console.print(
            f"[green]log OK[/]: {audit.size:,} entries recomputed, root {audit.root.hex()}"
        )
        if audit.checkpoint is not None:
            out_console.print(
                f"  matches the latest signed checkpoint (size {audit.checkpoint.size:,})"
            )
        for cp in audit.earlier:
            out_console.print(f"  consistent with your earlier checkpoint of size {cp.size:,}")
    else:
        out_console.print(f"[red]log NOT OK[/] ({audit.size:,} entries):")
        for p in audit.problems:
            out_console.print(f"  - {p}")
    raise typer.Exit(0 if audit.ok else 1)


@log_app.command("witness-key")
def witness_key(
    name: str = typer.Argument(..., help="Witness name, e.g. witness.example.org."),
    out: Path = typer.Option(..., "--out", help="Private key file to create (mode 0600)."),
) -> None:
    """Create a witness cosigning key (for a partner who cosigns our checkpoints)."""
    from vigil.evidence.keys import new_witness

    try:
        signer = new_witness(name, out)
    except _errors() as exc:
        raise _fail(str(exc)) from None
    out_console.print(f"witness key {out} (public key in {out.with_suffix('.pub')})")
    out_console.print(signer.verifier.vkey())


@log_app.command("cosign")
def log_cosign(
    checkpoint: Path = typer.Argument(..., help="Signed checkpoint file to cosign."),
    key: Path = typer.Option(..., "--key", help="The witness's private key file."),
    log_key: Path = typer.Option(..., "--log-key", help="The log's public key."),
    out: Path = typer.Option(..., "--out", help="Cosigned checkpoint to write."),
) -> None:
    """As a witness: check a checkpoint's log signature, then add a cosignature."""
    import time

    from vigil.evidence.keys import read_signer
    from vigil.evidence.note import cosign, open_checkpoint

    try:
        note = checkpoint.read_text()
        open_checkpoint(note, _read_verifier(log_key))
        out.write_text(cosign(note, read_signer(key), int(time.time())))
    except OSError as exc:
        raise _fail(f"{checkpoint}: {exc}") from None
    except _errors() as exc:
        raise _fail(str(exc)) from None
    out_console.print(f"cosigned checkpoint written to {out}")


@log_app.command("add-cosignature")
def add_cosignature_cmd(
    cosigned: Path = typer.Argument(..., help="A cosigned copy of one of our checkpoints."),
    home: Path | None = HOME,
) -> None:
    """Store a witness's cosignature with our checkpoint (bundles then carry it)."""
    from vigil.evidence.checkpoints import add_cosignature
    from vigil.evidence.keys import keys_dir

    settings = load_settings(home=home)
    log_key = _read_verifier(keys_dir(settings) / "log.pub")
    try:
        with _session(settings) as s:
            row = add_cosignature(s, cosigned.read_text(), log_key)
            size = row.tree_size
    except OSError as exc:
        raise _fail(f"{cosigned}: {exc}") from None
    except _errors() as exc:
        raise _fail(str(exc)) from None
    out_console.print(f"cosignature stored with the checkpoint of size {size:,}")


# --- vigil verify ----------------------------------------------------------------------


def verify(
    bundle: Path = typer.Argument(..., help="Evidence bundle (.zip) to verify offline."),
    key: Path | None = typer.Option(
        None, "--key", help="The log's public key, obtained separately (pins the signer)."
    ),
    witness: list[Path] = typer.Option([], "--witness", help="A witness public key (repeatable)."),
    require: int = typer.Option(0, "--require", min=0, help="Witness cosignatures required."),
    tsa_roots: Path | None = typer.Option(
        None, "--tsa-roots", help="PEM root(s) to trust for RFC 3161 timestamps (pins the TSA)."
    ),
    as_json: bool = JSON,
) -> None:
    """Verify an evidence bundle offline, without the vault, and print a verdict.

    Checks the checkpoint's signature (and witness cosignatures), every item's SHA-256,
    every custody event's inclusion proof (RFC 9162), event order, timestamps, and that
    no file was added or removed. Exit status 0 when valid, 1 when not, 2 when unreadable.
    """
    from vigil.evidence.verify import BundleError, verify_bundle

    trusted = _read_verifier(key) if key else None
    witnesses = [_read_verifier(w) for w in witness]
    check_ts = None
    if tsa_roots is not None:
        from cryptography import x509

        from vigil.evidence.timestamp import verify_token

        try:
            roots = x509.load_pem_x509_certificates(tsa_roots.read_bytes())
        except (OSError, ValueError) as exc:
            raise _fail(f"{tsa_roots}: {exc}") from None

        def check_ts(token: bytes, data: bytes, chain: str) -> str:
            return verify_token(token, data, chain, roots)

    try:
        verdict = verify_bundle(
            bundle,
            trusted_key=trusted,
            witnesses=witnesses,
            required_witnesses=require,
            verify_timestamp=check_ts,
        )
    except BundleError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        _echo_json(verdict.as_json())
        raise typer.Exit(0 if verdict.ok else 1)
    cp = verdict.checkpoint
    if verdict.ok:
        out_console.print(f"[bold green]VALID[/]: {bundle}")
        out_console.print(
            f"  {verdict.items:,} items intact; {verdict.events:,} custody events proven in the log"
        )
    else:
        out_console.print(f"[bold red]NOT VALID[/]: {bundle}: {len(verdict.failures)} problem(s)")
        for f in verdict.failures:
            out_console.print(f"  [red]x[/] {f}")
    if cp is not None:
        out_console.print(
            f"  checkpoint: {cp.origin}, size {cp.size:,}, root {cp.root.hex()}"
            + (f", cosigned by {', '.join(cp.cosigned_by)}" if cp.cosigned_by else "")
        )
        out_console.print(f"  log key fingerprint: {verdict.key_fingerprint}")
    for c in verdict.ok_checks:
        if "timestamp" in c:
            out_console.print(f"  {c}")
    for w in verdict.warnings:
        out_console.print(f"  [yellow]note:[/] {w}")
    raise typer.Exit(0 if verdict.ok else 1)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root application."""
    app.add_typer(evidence_app, name="evidence")
    app.add_typer(log_app, name="log")
    app.command("verify")(verify)
