"""`vigil share`, `vigil referral`, `vigil report`: signal exchange, referrals, DSA reporting.

Commands act as an existing account (``--as USER`` or ``VIGIL_USER``) whose permissions
apply (share.exchange, referrals.make, reports.read), and every action is audited. The
services live in :mod:`vigil.sharing` and :mod:`vigil.reporting`; these commands only parse
and print. Exit status: 0 done, 1 refused or invalid input file, 2 usage error.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import typer

from vigil.cli._common import err_console, load_settings, out_console

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vigil.auth.permissions import Permission
    from vigil.settings import Settings
    from vigil.sharing.keys import KeyStore
    from vigil.workflow.actor import Actor

__all__ = ["register"]

share_app = typer.Typer(help="Exchange blinded signals with partner organisations.")
keys_app = typer.Typer(help="This organisation's signing key, group keys, trusted partners.")
feedback_app = typer.Typer(help="Feedback on received signals, sent back to their source.")
referral_app = typer.Typer(help="Law-enforcement referral packages built from cases.")
report_app = typer.Typer(help="DSA statements of reasons and transparency reports.")

HOME = typer.Option(None, "--home", help="Data home (default: VIGIL_HOME).")
USER = typer.Option(
    None, "--as", help="Act as this account (default: VIGIL_USER); its permissions apply."
)
JSON = typer.Option(False, "--json", help="Print JSON.")


def _fail(message: str, code: int) -> typer.Exit:
    err_console.print(f"[red]error:[/] {message}")
    return typer.Exit(code)


def _emit(data: Any, as_json: bool, human: Callable[[], None]) -> None:
    if as_json:
        typer.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
    else:
        human()


@contextmanager
def _session(
    home: Path | None, user: str | None, permission: Permission
) -> Iterator[tuple[Session, Settings, Actor]]:
    """A workbench session, the settings and the acting account (checked for ``permission``)."""
    from vigil.reporting.referral_service import ReferralInvalid
    from vigil.sharing.keys import KeyError_
    from vigil.sharing.package import PackageError
    from vigil.workflow.actor import actor_for_user
    from vigil.workflow.db import workbench
    from vigil.workflow.errors import InvalidInput, WorkflowError

    settings = load_settings(home=home)
    name = user or os.environ.get("VIGIL_USER")
    if not name:
        raise _fail("say who acts: --as USER (or set VIGIL_USER)", 2)
    try:
        with workbench(settings) as session:
            actor = actor_for_user(session, name)
            actor.require(permission)
            yield session, settings, actor
    except ReferralInvalid as exc:
        for p in exc.problems:
            err_console.print(f"[red]invalid:[/] {p.pointer}: {p.message}")
        raise typer.Exit(1) from None
    except PackageError as exc:
        raise _fail(f"package refused: {exc}", 1) from None
    except (KeyError_, InvalidInput) as exc:
        raise _fail(str(exc), 2) from None
    except (WorkflowError, LookupError, ValueError) as exc:
        raise _fail(str(exc), 1) from None


def _keys(home: Path | None) -> KeyStore:
    from vigil.sharing.keys import KeyStore

    return KeyStore(load_settings(home=home).home)


@contextmanager
def _key_errors() -> Iterator[None]:
    from vigil.sharing.keys import KeyError_

    try:
        yield
    except KeyError_ as exc:
        raise _fail(str(exc), 2) from None


def _date(value: str | None, what: str) -> datetime | None:
    if value is None:
        return None
    try:
        d = date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{what}: write a date as YYYY-MM-DD, got {value!r}", 2) from None
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def _write(out: Path, data: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)


# --------------------------------------------------------------------------- keys


@keys_app.command("init")
def keys_init(
    org: str = typer.Option(..., "--org", help="This organisation's short name (e.g. ngo-a)."),
    home: Path | None = HOME,
) -> None:
    """Create this organisation's Ed25519 signing key; print the public key to hand out."""
    import base64

    with _key_errors():
        public = _keys(home).init_org(org)
    out_console.print(f"organisation {org}: public key {base64.b64encode(public).decode()}")


@keys_app.command("new-group")
def keys_new_group(
    group: str = typer.Argument(..., help="Group name."), home: Path | None = HOME
) -> None:
    """Make a new random group key (kept 0600 under the data home; never printed)."""
    with _key_errors():
        key = _keys(home).new_group(group)
    out_console.print(f"group {group}: key id {key.id}")


@keys_app.command("export-group")
def keys_export_group(
    group: str = typer.Argument(..., help="Group name."),
    out: Path = typer.Option(..., "--out", help="File to write (mode 0600)."),
    home: Path | None = HOME,
) -> None:
    """Write the group key to a file for a partner; carry it out of band, then delete it."""
    with _key_errors():
        _keys(home).export_group(group, out)
    out_console.print(f"wrote the key of group {group} to {out}")


@keys_app.command("import-group")
def keys_import_group(
    path: Path = typer.Argument(..., help="Group key file from `export-group`."),
    home: Path | None = HOME,
) -> None:
    """Join a group with the key file a member gave you."""
    with _key_errors():
        key = _keys(home).import_group(path)
    out_console.print(f"joined group {key.group} (key id {key.id})")


@keys_app.command("trust")
def keys_trust(
    org: str = typer.Argument(..., help="The partner's organisation name."),
    public_key: str = typer.Argument(..., help="Its public key (base64), from `keys init`."),
    home: Path | None = HOME,
) -> None:
    """Accept packages signed by ORG with PUBLIC_KEY."""
    with _key_errors():
        kid = _keys(home).trust(org, public_key)
    out_console.print(f"trusting {org} (key id {kid})")


@keys_app.command("list")
def keys_list(home: Path | None = HOME, as_json: bool = JSON) -> None:
    """This organisation, its groups (key ids only) and trusted partners."""
    import base64

    from vigil.sharing.keys import KeyError_

    keys = _keys(home)
    try:
        org: str | None = keys.org()
        public: str | None = base64.b64encode(keys.public_key()).decode()
    except KeyError_:
        org = public = None
    groups = []
    for g in keys.groups():
        try:
            groups.append({"group": g, "key_id": keys.group(g).id})
        except KeyError_ as exc:
            groups.append({"group": g, "error": str(exc)})
    trusted = keys.trusted_orgs()
    data = {"org": org, "public_key": public, "groups": groups, "trusted": trusted}

    def human() -> None:
        out_console.print(f"organisation: {org or '(none: vigil share keys init)'}")
        if public:
            out_console.print(f"public key:   {public}")
        for g in groups:
            out_console.print(f"group {g['group']}: key id {g.get('key_id', g.get('error'))}")
        for t in trusted:
            out_console.print(f"trusted: {t}")

    _emit(data, as_json, human)


# --------------------------------------------------------------------------- share


@share_app.command("add")
def share_add(
    group: str = typer.Option(..., "--group", help="Sharing group."),
    kind: str = typer.Option(..., "--type", help="phone, email, handle, url, payment_id, ..."),
    value: str = typer.Option(..., "--value", help="The identifier (normalised before use)."),
    category: str = typer.Option(..., "--category", help="e.g. sexual_exploitation."),
    opinion: str = typer.Option(
        "investigation_seed", "--opinion", help="confirmed, investigation_seed, false_positive."
    ),
    tags: list[str] = typer.Option([], "--tag", help="Tag (repeatable)."),
    expires: str | None = typer.Option(None, "--expires", help="Expiry date YYYY-MM-DD."),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Add a signal to share with a group (the clear value never leaves this store)."""
    from vigil.auth.permissions import Permission
    from vigil.sharing.model import Opinion, SignalCategory, SignalType
    from vigil.sharing.normalise import SignalValueError
    from vigil.sharing.service import add_signal

    try:
        t, c, o = SignalType(kind), SignalCategory(category), Opinion(opinion)
    except ValueError as exc:
        raise _fail(str(exc), 2) from None
    with _session(home, user, Permission.SHARE_EXCHANGE) as (s, settings, actor):
        try:
            row = add_signal(
                s,
                group=group,
                type=t,
                value=value,
                category=c,
                opinion=o,
                tags=tags,
                expires_at=_date(expires, "--expires"),
                actor=actor.name,
                region=settings.default_region,
            )
        except SignalValueError as exc:
            raise _fail(str(exc), 2) from None
        out_console.print(f"signal {row.id} ({row.type}) ready to share with {group}")


@share_app.command("case")
def share_case_cmd(
    case: str = typer.Argument(..., help="Case id."),
    group: str = typer.Option(..., "--group", help="Sharing group."),
    category: str = typer.Option(..., "--category", help="e.g. labour_exploitation."),
    opinion: str = typer.Option("confirmed", "--opinion", help="confirmed or investigation_seed."),
    kinds: list[str] = typer.Option(
        ["phone", "email", "handle", "payment", "crypto"], "--kind", help="Identifier kinds."
    ),
    tags: list[str] = typer.Option([], "--tag", help="Tag (repeatable)."),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Share the identifiers of a case's posts; needs a recorded decision allowing it."""
    from vigil.auth.permissions import Permission
    from vigil.sharing.from_case import share_case
    from vigil.sharing.model import Opinion, SignalCategory

    try:
        c, o = SignalCategory(category), Opinion(opinion)
    except ValueError as exc:
        raise _fail(str(exc), 2) from None
    with _session(home, user, Permission.SHARE_EXCHANGE) as (s, settings, actor):
        rows = share_case(
            s, settings, actor, case, group=group, category=c, opinion=o, kinds=kinds, tags=tags
        )
    out_console.print(f"{len(rows)} identifiers of case {case} ready to share with {group}")


@share_app.command("export")
def share_export(
    group: str = typer.Option(..., "--group", help="Sharing group."),
    out: Path = typer.Option(..., "--out", help="Package file to write (JSON)."),
    hma: Path | None = typer.Option(
        None, "--hma", help="Also write PDQ signals for HMA's local_file exchange."
    ),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Sign a package of this organisation's signals for GROUP (tokens only, no values)."""
    from vigil.auth.permissions import Permission
    from vigil.sharing.service import export_signals

    with _session(home, user, Permission.SHARE_EXCHANGE) as (s, _settings, actor):
        keys = _keys(home)
        data = export_signals(s, keys, group=group, actor=actor.name)
        _write(out, data)
        n = len(orjson.loads(data)["signals"])
        if hma is not None:
            from vigil.sharing.package import parse
            from vigil.sharing.tx import write_hma_file

            package, _ = parse(data, keys, verify=False)
            write_hma_file(package.signals, hma)
    out_console.print(f"wrote {n} signals for {group} to {out}")


@share_app.command("import")
def share_import(
    path: Path = typer.Argument(..., help="Package file (signals or feedback)."),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Verify a package (schema, group key, trusted signature) and store it.

    Received signals are stored with their provenance and never acted on: run
    `vigil share match` to queue matching posts for human review.
    """
    from vigil.auth.permissions import Permission
    from vigil.sharing.service import import_package

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _fail(f"{path}: {exc.strerror or exc}", 2) from None
    with _session(home, user, Permission.SHARE_EXCHANGE) as (s, _settings, actor):
        result = import_package(s, _keys(home), data, actor=actor.name)

    def human() -> None:
        if result.already_imported:
            out_console.print(f"package {result.package_id} was already imported: nothing to do")
        elif result.kind == "feedback":
            out_console.print(f"{result.feedback} feedback from {result.source_org} recorded")
        else:
            out_console.print(
                f"{result.new} new and {result.updated} updated signals from "
                f"{result.source_org} ({result.group}); run `vigil share match`"
            )

    _emit(result.as_json(), as_json, human)


@share_app.command("match")
def share_match(
    results: Path | None = typer.Option(
        None, "--results", help="Results of `vigil scan`/`vigil link`: match clusters too."
    ),
    images: Path | None = typer.Option(
        None, "--images", help="Folder the posts' image paths are relative to: match PDQ signals."
    ),
    pdq_threshold: int = typer.Option(
        31, "--pdq-threshold", min=0, max=256, help="Max PDQ Hamming distance (HMA: 31)."
    ),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Find local posts and clusters holding received signals; queue them for review.

    Each match names the cases that already group the post or cluster.
    """
    from itertools import chain

    from vigil.auth.permissions import Permission
    from vigil.sharing.local import cluster_members, cluster_values, lake_pdqs, lake_values
    from vigil.sharing.service import match

    with _session(home, user, Permission.SHARE_EXCHANGE) as (s, settings, actor):
        local = chain(
            lake_values(settings),
            cluster_values(results) if results else (),
            lake_pdqs(settings, images) if images else (),
        )
        result = match(
            s,
            _keys(home),
            local,
            actor=actor.name,
            clusters=cluster_members(results) if results else None,
            pdq_threshold=pdq_threshold,
        )

    def human() -> None:
        out_console.print(f"{result.new_matches} new matches queued for review")
        for m in result.subjects:
            out_console.print(
                f"  {m['subject_type']} {m['subject_id']}: {m['signal_type']} from "
                f"{m['source_org']} ({m['opinion']}) → queue item {m['review_item']}"
                + (f"; in case {', '.join(m['cases'])}" if m.get("cases") else "")
            )

    _emit(result.as_json(), as_json, human)


@share_app.command("received")
def share_received(user: str | None = USER, home: Path | None = HOME, as_json: bool = JSON) -> None:
    """Received signals (ids for `vigil share feedback record`), with their provenance."""
    from sqlalchemy import select

    from vigil.auth.permissions import Permission
    from vigil.sharing.tables import ShareReceived

    with _session(home, user, Permission.SHARE_EXCHANGE) as (s, _settings, _actor):
        rows = [
            {
                "id": r.id,
                "group": r.group,
                "source_org": r.source_org,
                "type": r.type,
                "category": r.category,
                "opinion": r.opinion,
                "tags": r.tags,
                "last_seen": r.last_seen.isoformat(),
            }
            for r in s.scalars(select(ShareReceived).order_by(ShareReceived.id))
        ]

    def human() -> None:
        for r in rows:
            out_console.print(
                f"{r['id']:>6}  {r['type']:<15} {r['source_org']:<12} {r['opinion']:<18} "
                f"{r['category']}"
            )

    _emit(rows, as_json, human)


@feedback_app.command("record")
def feedback_record(
    received_id: int = typer.Argument(..., help="Received signal id (`vigil share received`)."),
    kind: str = typer.Argument(..., help="seen, true_positive or false_positive."),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Note feedback on a received signal (sent with the next `feedback export`)."""
    from vigil.auth.permissions import Permission
    from vigil.sharing.model import FeedbackKind
    from vigil.sharing.service import record_feedback

    try:
        k = FeedbackKind(kind)
    except ValueError:
        raise _fail("kind must be seen, true_positive or false_positive", 2) from None
    with _session(home, user, Permission.SHARE_EXCHANGE) as (s, _settings, actor):
        record_feedback(s, received_id=received_id, kind=k, actor=actor.name)
    out_console.print(f"feedback {kind} noted on signal {received_id}")


@feedback_app.command("export")
def feedback_export(
    group: str = typer.Option(..., "--group", help="Sharing group."),
    to: str = typer.Option(..., "--to", help="The organisation the signals came from."),
    out: Path = typer.Option(..., "--out", help="Feedback package file to write."),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Sign the feedback not sent yet to ORG as a package for it to import."""
    from vigil.auth.permissions import Permission
    from vigil.sharing.service import export_feedback

    with _session(home, user, Permission.SHARE_EXCHANGE) as (s, _settings, actor):
        data = export_feedback(s, _keys(home), group=group, to_org=to, actor=actor.name)
        if data is None:
            out_console.print(f"no new feedback for {to}")
            return
        _write(out, data)
    out_console.print(f"wrote feedback for {to} to {out}")


# --------------------------------------------------------------------------- referral


def _profile(path: Path) -> dict[str, Any]:
    try:
        loaded = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise _fail(f"{path}: {exc}", 2) from None
    if not isinstance(loaded, dict) or not {"reporter", "law_enforcement"} <= set(loaded):
        raise _fail(f"{path}: needs the objects 'reporter' and 'law_enforcement'", 2)
    return loaded


@referral_app.command("build")
def referral_build(
    case: str = typer.Option(..., "--case", help="Case id."),
    incident: str = typer.Option(
        ...,
        "--type",
        help="Incident type, e.g. sex_trafficking, labour_trafficking, "
        "child_sex_trafficking (see docs/reporting.md).",
    ),
    profile: Path = typer.Option(
        ..., "--profile", help="JSON with 'reporter' and 'law_enforcement' (docs/reporting.md)."
    ),
    out: Path = typer.Option(..., "--out", help="Folder for the package and its exports."),
    bundle: bool = typer.Option(True, "--bundle/--no-bundle", help="Write the evidence bundle."),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Build a referral from a case and its recorded decision; preserve and export it.

    Needs a human decision that allows referral. Making the referral captures the case's
    posts into the evidence vault and puts the case under legal hold. Writes
    OUT/referral.json, OUT/referral.pdf, OUT/bundle.zip and, for child cases, OUT/cybertip/.
    """
    from vigil.auth.permissions import Permission
    from vigil.reporting.referral_service import export_referral, make_referral

    spec = _profile(profile)
    with _session(home, user, Permission.REFERRALS_MAKE) as (s, settings, actor):
        doc = make_referral(
            s,
            settings,
            actor,
            case,
            reporter=spec["reporter"],
            law_enforcement=spec["law_enforcement"],
            incident_type=incident,
        )
        result = export_referral(
            doc, out, session=s, settings=settings, actor=actor.name, bundle=bundle
        )

    def human() -> None:
        out_console.print(f"referral {doc['id']} of case {case}: {', '.join(result.files)}")
        out_console.print(f"case {case} is under legal hold")

    _emit({"referral": doc["id"], **result.as_json()}, as_json, human)


@referral_app.command("validate")
def referral_validate(
    path: Path = typer.Argument(..., help="referral.json"), as_json: bool = JSON
) -> None:
    """Check a referral package; name every missing or wrong field by JSON pointer."""
    from vigil.reporting.referral import validate_referral

    try:
        doc = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise _fail(f"{path}: {exc.strerror or exc}", 2) from None
    except orjson.JSONDecodeError as exc:
        raise _fail(f"{path}: not JSON ({exc})", 1) from None
    problems = validate_referral(doc)
    data = [{"pointer": p.pointer, "problem": p.message} for p in problems]

    def human() -> None:
        if not problems:
            out_console.print(f"{path}: valid referral package")
        for p in problems:
            out_console.print(f"{p.pointer}: {p.message}")

    _emit({"valid": not problems, "problems": data}, as_json, human)
    raise typer.Exit(1 if problems else 0)


@referral_app.command("export")
def referral_export(
    referral: str = typer.Argument(..., help="Referral id."),
    out: Path = typer.Option(..., "--out", help="Folder to write."),
    bundle: bool = typer.Option(True, "--bundle/--no-bundle", help="Write the evidence bundle."),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Export a stored referral again: JSON, PDF, CyberTipline documents, evidence bundle."""
    from vigil.auth.permissions import Permission
    from vigil.reporting.referral_service import export_referral
    from vigil.reporting.tables import Referral

    with _session(home, user, Permission.REFERRALS_MAKE) as (s, settings, actor):
        row = s.get(Referral, referral)
        if row is None:
            raise _fail(f"no referral {referral!r}", 1)
        result = export_referral(
            row.document, out, session=s, settings=settings, actor=actor.name, bundle=bundle
        )
    out_console.print(f"wrote {', '.join(result.files)} to {out}")


# --------------------------------------------------------------------------- report


def _period(start: str, end: str) -> tuple[date, date]:
    try:
        a, b = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise _fail("--from and --to are dates written YYYY-MM-DD", 2) from None
    if b < a:
        raise _fail("--to is before --from", 2)
    return a, b


FROM = typer.Option(..., "--from", help="First day of the period (YYYY-MM-DD).")
TO = typer.Option(..., "--to", help="Last day of the period (YYYY-MM-DD, included).")


@report_app.command("dsa")
def report_dsa(
    start: str = FROM,
    end: str = TO,
    out: Path = typer.Option(..., "--out", help="Folder for statements-NNN.json batches."),
    profile: Path | None = typer.Option(
        None, "--profile", help="Statement profile JSON: restriction per action, scope, ..."
    ),
    batch_size: int = typer.Option(
        100, "--batch-size", min=1, max=100, help="Statements per file (the API takes <= 100)."
    ),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Statements of reasons for the period's decisions, validated, in batches of 100.

    Each OUT/statements-NNN.json is the body of one call to the Transparency Database's
    batch route ({"statements": [...]}); nothing is sent.
    """
    from vigil.auth.permissions import Permission
    from vigil.reporting.dsa import StatementError, batches, statements
    from vigil.reporting.sources import StatementProfile, decision_records

    a, b = _period(start, end)
    try:
        prof = StatementProfile.load(profile) if profile else StatementProfile()
    except ValueError as exc:
        raise _fail(str(exc), 2) from None
    with _session(home, user, Permission.REPORTS_READ) as (s, _settings, actor):
        try:
            found, skipped = statements(decision_records(s, a, b, prof))
        except StatementError as exc:
            for p in exc.problems:
                err_console.print(f"[red]invalid:[/] {p}")
            raise typer.Exit(1) from None
        from vigil.audit import record

        record(s, actor=actor.name, action="report.dsa", object_type="period",
               object_id=f"{a}/{b}", detail={"statements": len(found)})  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for n, batch in enumerate(batches(found, batch_size), start=1):
        name = f"statements-{n:03d}.json"
        _write(out / name, orjson.dumps({"statements": batch}, option=orjson.OPT_INDENT_2))
        files.append(name)
    data = {"statements": len(found), "files": files, "skipped": skipped}

    def human() -> None:
        out_console.print(f"{len(found)} statements in {len(files)} batches in {out}")
        if skipped:
            out_console.print(f"{len(skipped)} decisions restricted nothing (no statement)")

    _emit(data, as_json, human)


@report_app.command("transparency")
def report_transparency(
    start: str = FROM,
    end: str = TO,
    out: Path = typer.Option(..., "--out", help="Folder for report.csv, .html, .pdf, .json."),
    provider: str = typer.Option("vigil", "--provider", help="Provider name for the report."),
    profile: Path | None = typer.Option(None, "--profile", help="Statement profile JSON."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also write report.pdf."),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Transparency report: notices, decisions by ground and keyword, detection, medians.

    Writes OUT/transparency.csv (shaped as the 2024/2835 quantitative template),
    OUT/transparency.html and OUT/transparency.pdf (with charts) and OUT/transparency.json.
    """
    from vigil.auth.permissions import Permission
    from vigil.reporting.render import charts, to_html, to_pdf
    from vigil.reporting.sources import (
        StatementProfile,
        decision_rows,
        notice_rows,
        referral_rows,
    )
    from vigil.reporting.transparency import compute_report, to_csv

    a, b = _period(start, end)
    try:
        prof = StatementProfile.load(profile) if profile else StatementProfile()
    except ValueError as exc:
        raise _fail(str(exc), 2) from None
    with _session(home, user, Permission.REPORTS_READ) as (s, _settings, actor):
        report = compute_report(
            provider=provider,
            start=a,
            end=b,
            notices=notice_rows(s),
            decisions=decision_rows(s, a, b, prof),
            referrals=referral_rows(s),
        )
        from vigil.audit import record

        record(s, actor=actor.name, action="report.transparency", object_type="period",
               object_id=f"{a}/{b}", detail={"decisions": report.decisions})  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    (out / "transparency.csv").write_text(to_csv(report), encoding="utf-8", newline="")
    pictures = charts(report)
    (out / "transparency.html").write_text(to_html(report, pictures), encoding="utf-8")
    (out / "transparency.json").write_bytes(
        orjson.dumps(report.as_json(), option=orjson.OPT_INDENT_2)
    )
    if pdf:
        to_pdf(report, out / "transparency.pdf", pictures)
    _emit(
        report.as_json(),
        as_json,
        lambda: out_console.print(
            f"{report.decisions} decisions, {report.notices} notices, {report.referrals} "
            f"referrals from {a} to {b}: {out}"
        ),
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root application."""
    share_app.add_typer(keys_app, name="keys")
    share_app.add_typer(feedback_app, name="feedback")
    app.add_typer(share_app, name="share")
    app.add_typer(referral_app, name="referral")
    app.add_typer(report_app, name="report")
