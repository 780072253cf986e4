"""`vigil queue`, `vigil case`, `vigil tips`, `vigil victims`, `vigil retention`.

Every command acts as an existing account (``--as USER`` or ``VIGIL_USER``): its roles
and teams come from the workbench, exactly as in the console, and the audit log names it.
The services live in :mod:`vigil.workflow`; these commands only parse and print.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
import typer

from vigil.cli._common import err_console, load_settings, out_console

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vigil.settings import Settings
    from vigil.workflow.actor import Actor

__all__ = ["register"]

T = TypeVar("T")

queue_app = typer.Typer(help="Review queue: feed, claim, decide, escalate; watches; QA.")
watch_app = typer.Typer(help="Watchlists: identifiers, clusters and saved searches.")
qa_app = typer.Typer(help="QA sampling of decisions and agreement between reviewers.")
case_app = typer.Typer(help="Cases: items, tasks, notes, legal hold, timeline, case facts.")
tips_app = typer.Typer(help="Anonymous tips: submit, read, reply; the reporter's receipt.")
victims_app = typer.Typer(help="Victims' records (encrypted), referrals, crypto-shredding.")
retention_app = typer.Typer(help="Retention schedules per record type.")

HOME = typer.Option(None, "--home", help="Data home (default: VIGIL_HOME).")
USER = typer.Option(
    None, "--as", help="Act as this account (default: VIGIL_USER); its roles and teams apply."
)
JSON = typer.Option(False, "--json", help="Print JSON.")


def _fail(message: str, code: int) -> typer.Exit:
    err_console.print(f"[red]error:[/] {message}")
    return typer.Exit(code)


@contextmanager
def _session(home: Path | None) -> Iterator[tuple[Session, Settings]]:
    from vigil.workflow.db import workbench
    from vigil.workflow.errors import InvalidInput, WorkflowError

    settings = load_settings(home=home)
    try:
        with workbench(settings) as session:
            yield session, settings
    except InvalidInput as exc:
        raise _fail(str(exc), 2) from None
    except WorkflowError as exc:
        raise _fail(str(exc), 1) from None


def _actor(session: Session, user: str | None) -> Actor:
    from vigil.workflow.actor import actor_for_user

    name = user or os.environ.get("VIGIL_USER")
    if not name:
        raise _fail("say who acts: --as USER (or set VIGIL_USER)", 2)
    return actor_for_user(session, name)


def _lines(rows: list[Any], line: Callable[[Any], str]) -> Callable[[], None]:
    def human() -> None:
        for row in rows:
            out_console.print(line(row))

    return human


def _emit(data: Any, as_json: bool, human: Callable[[], None]) -> None:
    if as_json:
        typer.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
    else:
        human()


# --------------------------------------------------------------------------- queue


@queue_app.command("ingest")
def queue_ingest(
    results: Path = typer.Argument(..., help="Results directory of `vigil scan --out`."),
    min_band: str = typer.Option("review", "--min-band", help="review or high."),
    min_cluster_risk: float = typer.Option(0.5, "--min-cluster-risk", min=0.0, max=1.0),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Queue the flagged posts, risky clusters and new watch alerts of scan results."""
    from vigil.workflow.feed import feed_results

    with _session(home) as (session, _):
        report = feed_results(
            session,
            _actor(session, user),
            results,
            min_band=min_band,
            min_cluster_risk=min_cluster_risk,
        )
    data = report.as_json()
    _emit(
        data,
        as_json,
        lambda: out_console.print(
            f"queued {report.posts} posts, {report.clusters} clusters, {report.alerts} alerts "
            f"({report.already_queued} already queued); by queue: {data['by_queue']}"
        ),
    )


@queue_app.command("list")
def queue_list(
    queue: str | None = typer.Option(None, "--queue", help="Only this queue."),
    status: str = typer.Option("open", "--status", help="open, decided or all."),
    mine: bool = typer.Option(False, "--mine", help="Only items I have claimed."),
    limit: int = typer.Option(50, "--limit", min=1, max=10_000),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Items in priority order, with their SLA clocks."""
    from rich.table import Table

    from vigil.workflow.queue import item_json, list_items

    with _session(home) as (session, _):
        actor = _actor(session, user)
        items = list_items(
            session,
            actor,
            queue=queue,
            status=None if status == "all" else status,
            claimed_by=actor.name if mine else None,
            limit=limit,
        )
        rows = [item_json(i) for i in items]

    def human() -> None:
        table = Table(title=f"{len(rows)} items")
        for col in ("id", "queue", "prio", "subject", "score", "due", "claimed by"):
            table.add_column(col, overflow="fold")
        for r in rows:
            sla = r["sla"]
            due = ("OVERDUE " if sla["overdue"] else "") + sla["due_at"]
            table.add_row(
                r["id"],
                r["queue"],
                str(r["priority"]),
                r["subject"],
                str(r["score"]),
                due,
                sla["claimed_by"] or "",
            )
        out_console.print(table)

    _emit(rows, as_json, human)


def _item_cmd(
    fn: Callable[[Session, Actor], Any],
    user: str | None,
    home: Path | None,
    as_json: bool,
    verb: str,
) -> None:
    from vigil.workflow.queue import item_json

    with _session(home) as (session, _):
        item = fn(session, _actor(session, user))
        if item is None:
            raise _fail("nothing to claim in that queue", 1)
        data = item_json(item)
    _emit(
        data,
        as_json,
        lambda: out_console.print(
            f"{verb} {data['id']} ({data['subject']}, queue {data['queue']}, "
            f"priority {data['priority']}, due {data['sla']['due_at']})"
        ),
    )


@queue_app.command("claim")
def queue_claim(
    item: str | None = typer.Argument(None, help="Item id (default: the most urgent one)."),
    queue: str | None = typer.Option(None, "--queue", help="Take the next item of this queue."),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Claim an item exclusively (claims expire; see docs/workflow.md)."""
    from vigil.workflow.queue import claim, claim_next

    def run(s: Session, a: Actor) -> Any:
        return claim(s, a, item) if item else claim_next(s, a, queue=queue)

    _item_cmd(run, user, home, as_json, "claimed")


@queue_app.command("release")
def queue_release(
    item: str = typer.Argument(...),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Give a claim back."""
    from vigil.workflow.queue import release

    _item_cmd(lambda s, a: release(s, a, item), user, home, as_json, "released")


@queue_app.command("reassign")
def queue_reassign(
    item: str = typer.Argument(...),
    to: str | None = typer.Option(None, "--to", help="Reviewer (omit: anyone)."),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Assign an item to a reviewer (needs queue.assign)."""
    from vigil.workflow.queue import reassign

    _item_cmd(lambda s, a: reassign(s, a, item, to), user, home, as_json, "reassigned")


@queue_app.command("escalate")
def queue_escalate(
    item: str = typer.Argument(...),
    note: str = typer.Option(..., "--note", help="Why it is escalated."),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Move an item to the escalations queue, one priority up."""
    from vigil.workflow.queue import escalate

    _item_cmd(lambda s, a: escalate(s, a, item, note), user, home, as_json, "escalated")


@queue_app.command("decide")
def queue_decide(
    item: str = typer.Argument(...),
    action: str = typer.Option(
        ..., "--action", help="no_concern, monitor, open_case, refer or preserve."
    ),
    reason: str = typer.Option(..., "--reason", help="Policy reason (`vigil queue reasons`)."),
    notes: str = typer.Option("", "--notes", help="Free-text notes."),
    case_title: str | None = typer.Option(None, "--case-title", help="Title of the new case."),
    team: str | None = typer.Option(None, "--team", help="Team of the new case."),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Record a decision on an item you have claimed (open_case opens a case)."""
    from vigil.workflow.decisions import decide, decision_json

    with _session(home) as (session, _):
        d = decide(
            session,
            _actor(session, user),
            item,
            action_name=action,
            reason_id=reason,
            notes=notes,
            case_title=case_title,
            team=team,
        )
        data = decision_json(d)
    _emit(
        data,
        as_json,
        lambda: out_console.print(
            f"decision {data['id']}: {data['action']} ({data['reason']})"
            + (f"; opened case {data['case_id']}" if data["case_id"] else "")
        ),
    )


@queue_app.command("reasons")
def queue_reasons(as_json: bool = JSON) -> None:
    """The policy reasons and their DSA statement-of-reasons mapping."""
    from vigil.workflow.taxonomy import reasons

    rows = [
        {
            "id": r.id,
            "label": r.label,
            "statement_category": r.statement_category,
            "keywords": list(r.keywords),
            "concern": r.concern,
        }
        for r in reasons()
    ]
    _emit(
        rows,
        as_json,
        _lines(
            rows, lambda r: f"{r['id']:<30} {r['statement_category']}  {' '.join(r['keywords'])}"
        ),
    )


@queue_app.command("labels")
def queue_labels(
    out: Path = typer.Option(..., "--out", help="Labels file to write (JSONL)."),
    include_monitor: bool = typer.Option(False, "--include-monitor", help="Count monitor too."),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Export decisions on posts as a labels file for `vigil train`."""
    from vigil.workflow.decisions import export_labels

    with _session(home) as (session, _):
        data = export_labels(session, _actor(session, user), include_monitor=include_monitor)
    out.write_bytes(data)
    out_console.print(f"wrote {len(data.splitlines())} labels to {out}")


@qa_app.command("sample")
def qa_sample_cmd(
    share: float = typer.Option(0.1, "--share", min=0.0, max=1.0, help="Share to re-review."),
    seed: int | None = typer.Option(None, "--seed"),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Queue a random share of decisions for a lead's blind re-review (queue qa)."""
    from vigil.workflow.decisions import qa_sample

    with _session(home) as (session, _):
        added = qa_sample(session, _actor(session, user), share=share, seed=seed)
    out_console.print(f"queued {len(added)} decisions for QA")


@qa_app.command("agreement")
def qa_agreement_cmd(
    user: str | None = USER, home: Path | None = HOME, as_json: bool = JSON
) -> None:
    """Agreement between decisions and their QA re-reviews (Cohen's kappa)."""
    from vigil.workflow.decisions import qa_agreement

    with _session(home) as (session, _):
        data = qa_agreement(session, _actor(session, user)).as_json()
    _emit(
        data,
        as_json,
        lambda: out_console.print(
            f"{data['pairs']} pairs; same action {data['action_agreement']}; "
            f"kappa (action) {data['action_kappa']}; kappa (concern) {data['concern_kappa']}"
        ),
    )


@watch_app.command("add")
def watch_add(
    kind: str = typer.Argument(
        ..., help="phone, email, handle, payment, crypto, url, image_hash, cluster or search."
    ),
    value: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason", help="Why (audited)."),
    days: int = typer.Option(90, "--days", min=1, max=366, help="Expiry in days."),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Watch an identifier, a cluster or a saved search; matches become alerts."""
    from vigil.workflow.watch import add_watch, watch_json

    with _session(home) as (session, settings):
        w = add_watch(
            session,
            _actor(session, user),
            kind=kind,
            value=value,
            reason=reason,
            days=days,
            region=settings.default_region,
        )
        data = watch_json(w)
    _emit(
        data,
        as_json,
        lambda: out_console.print(
            f"watch {data['id']}: {data['kind']} {data['value']} until {data['expires_at']}"
        ),
    )


@watch_app.command("list")
def watch_list(
    everyone: bool = typer.Option(False, "--all", help="Everyone's watches, not only mine."),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Live watches."""
    from vigil.workflow.watch import list_watches, watch_json

    with _session(home) as (session, _):
        actor = _actor(session, user)
        rows = [
            watch_json(w)
            for w in list_watches(session, actor, owner=None if everyone else actor.name)
        ]
    _emit(
        rows,
        as_json,
        _lines(
            rows,
            lambda r: (
                f"{r['id']}  {r['kind']:<10} {r['value']:<30} {r['owner']:<12} "
                f"expires {r['expires_at']}" + ("  EXPIRED" if r["expired"] else "")
            ),
        ),
    )


@watch_app.command("remove")
def watch_remove(
    watch: str = typer.Argument(...), user: str | None = USER, home: Path | None = HOME
) -> None:
    """Stop a watch."""
    from vigil.workflow.watch import remove_watch

    with _session(home) as (session, _):
        remove_watch(session, _actor(session, user), watch)
    out_console.print(f"removed watch {watch}")


@watch_app.command("alerts")
def watch_alerts(
    unseen: bool = typer.Option(False, "--unseen", help="Only alerts not seen yet."),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Alerts on my watches, newest first (marks them seen)."""
    from vigil.workflow.watch import alerts_for

    with _session(home) as (session, _):
        rows = [
            {
                "id": a.id,
                "watch": w.id,
                "post_id": a.post_id,
                "matched": a.matched,
                "at": a.created_at.isoformat(timespec="seconds"),
            }
            for a, w in alerts_for(
                session, _actor(session, user), unseen_only=unseen, mark_seen=True
            )
        ]
    _emit(
        rows,
        as_json,
        _lines(rows, lambda r: f"{r['at']}  {r['watch']}  post {r['post_id']}  {r['matched']}"),
    )


# --------------------------------------------------------------------------- cases


def _case_out(session: Session, case: Any, as_json: bool) -> None:
    from vigil.workflow.cases import case_json

    data = case_json(session, case, full=True)

    def human() -> None:
        out_console.print(
            f"{data['id']}  [{data['status']}] {data['title']}  owner {data['owner']}, "
            f"team {data['team']}" + ("  LEGAL HOLD" if data["legal_hold"] else "")
        )
        for i in data["items"]:
            out_console.print(f"  item {i['id']}: {i['kind']} {i['ref']} {i['label']}")
        for t in data["tasks"]:
            out_console.print(f"  task {t['id']}: [{'x' if t['done'] else ' '}] {t['title']}")
        for v in data["victims"]:
            out_console.print(
                f"  victim {v['id']} {v['pseudonym']}" + (" (shredded)" if v["shredded"] else "")
            )

    _emit(data, as_json, human)


@case_app.command("open")
def case_open(
    title: str = typer.Option(..., "--title"),
    team: str = typer.Option(..., "--team", help="Team whose members work the case."),
    summary: str = typer.Option("", "--summary"),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Open a case."""
    from vigil.workflow.cases import open_case

    with _session(home) as (session, _):
        case = open_case(session, _actor(session, user), title=title, team=team, summary=summary)
        _case_out(session, case, as_json)


@case_app.command("list")
def case_list(
    status: str | None = typer.Option(None, "--status"),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Cases, newest first."""
    from vigil.workflow.cases import case_json, list_cases

    with _session(home) as (session, _):
        rows = [
            case_json(session, c) for c in list_cases(session, _actor(session, user), status=status)
        ]
    _emit(
        rows,
        as_json,
        _lines(
            rows,
            lambda r: (
                f"{r['id']}  [{r['status']}] {r['title']}  team {r['team']}"
                + ("  LEGAL HOLD" if r["legal_hold"] else "")
            ),
        ),
    )


@case_app.command("show")
def case_show(
    case: str = typer.Argument(...),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """A case with its items, tasks and victims (pseudonyms)."""
    from vigil.workflow.cases import get_case

    with _session(home) as (session, _):
        _case_out(session, get_case(session, _actor(session, user), case), as_json)


@case_app.command("update")
def case_update(
    case: str = typer.Argument(...),
    status: str | None = typer.Option(None, "--status", help="open, active or closed."),
    owner: str | None = typer.Option(None, "--owner"),
    team: str | None = typer.Option(None, "--team"),
    title: str | None = typer.Option(None, "--title"),
    summary: str | None = typer.Option(None, "--summary"),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Change a case's status, owner, team, title or summary."""
    from vigil.workflow.cases import update_case

    with _session(home) as (session, _):
        c = update_case(
            session,
            _actor(session, user),
            case,
            status=status,
            owner=owner,
            team=team,
            title=title,
            summary=summary,
        )
        _case_out(session, c, as_json)


@case_app.command("add")
def case_add(
    case: str = typer.Argument(...),
    kind: str = typer.Argument(..., help="post, cluster, tip, evidence, identifier or suspect."),
    ref: str = typer.Argument(..., help="Its id (or the identifier / suspect reference)."),
    label: str = typer.Option("", "--label"),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Group an item in a case."""
    from vigil.workflow.cases import add_item

    with _session(home) as (session, _):
        item = add_item(session, _actor(session, user), case, kind=kind, ref=ref, label=label)
    out_console.print(f"added {item.id}")


@case_app.command("task")
def case_task(
    case: str = typer.Argument(...),
    title: str = typer.Argument(...),
    assignee: str | None = typer.Option(None, "--assignee"),
    done: str | None = typer.Option(None, "--done", help="Mark this task id done instead."),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Add a task to a case (or mark one done with --done TASK)."""
    from vigil.workflow.cases import add_task, complete_task

    with _session(home) as (session, _):
        actor = _actor(session, user)
        if done:
            complete_task(session, actor, case, done)
            out_console.print(f"task {done} done")
        else:
            task = add_task(session, actor, case, title=title, assignee=assignee)
            out_console.print(f"added task {task.id}")


@case_app.command("note")
def case_note(
    case: str = typer.Argument(...),
    body: str = typer.Argument(...),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Add a note to a case."""
    from vigil.workflow.cases import add_note

    with _session(home) as (session, _):
        note = add_note(session, _actor(session, user), case, body)
    out_console.print(f"added note {note.id}")


@case_app.command("hold")
def case_hold(
    case: str = typer.Argument(...),
    reason: str = typer.Option("", "--reason", help="Why (required to place a hold)."),
    lift: bool = typer.Option(False, "--lift", help="Lift the hold instead."),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Place (or lift) a legal hold: it blocks deletion and shredding."""
    from vigil.workflow.cases import set_legal_hold

    with _session(home) as (session, _):
        set_legal_hold(session, _actor(session, user), case, on=not lift, reason=reason)
    out_console.print(f"legal hold {'lifted from' if lift else 'placed on'} {case}")


@case_app.command("delete")
def case_delete(
    case: str = typer.Argument(...), user: str | None = USER, home: Path | None = HOME
) -> None:
    """Delete a case (refused under legal hold or while it holds victims' records)."""
    from vigil.workflow.cases import delete_case

    with _session(home) as (session, _):
        delete_case(session, _actor(session, user), case)
    out_console.print(f"deleted {case}")


@case_app.command("timeline")
def case_timeline(
    case: str = typer.Argument(...),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Every audited event of the case, oldest first."""
    from vigil.workflow.cases import timeline

    with _session(home) as (session, _):
        rows = timeline(session, _actor(session, user), case)
    _emit(
        rows,
        as_json,
        _lines(rows, lambda r: f"{r['at']}  {r['actor']:<20} {r['action']:<22} {r['object']}"),
    )


@case_app.command("facts")
def case_facts_cmd(
    case: str = typer.Argument(...),
    with_victims: bool = typer.Option(
        False, "--with-victims", help="Decrypt victims' age and nationality (audited)."
    ),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """The case-facts document for `vigil legal` (JSON)."""
    from vigil.auth.permissions import Permission
    from vigil.workflow.facts import case_facts
    from vigil.workflow.victims.keys import master_keys

    with _session(home) as (session, settings):
        actor = _actor(session, user)
        actor.require(Permission.CASES_READ)
        keys = master_keys(settings) if with_victims else None
        facts = case_facts(session, case, actor=actor if with_victims else None, keys=keys)
    typer.echo(facts.model_dump_json(indent=2, exclude_none=True))


# --------------------------------------------------------------------------- tips


@tips_app.command("submit")
def tips_submit(
    form: Path = typer.Argument(..., help="JSON file of form fields (what, url, danger...)."),
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Submit a tip taken by phone or mail (anonymously, like the public form)."""
    from vigil.workflow.tips.form import TipFormError, parse_tip_form
    from vigil.workflow.tips.service import submit_tip

    try:
        fields = orjson.loads(form.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise _fail(f"{form}: {exc}", 2) from None
    if not isinstance(fields, dict):
        raise _fail(f"{form}: expected a JSON object of form fields", 2)
    try:
        parsed = parse_tip_form(fields)
    except TipFormError as exc:
        raise _fail(f"{form}: {exc}", 2) from None
    with _session(home) as (session, settings):
        done = submit_tip(session, parsed, region=settings.default_region)
    data = {"tip": done.tip_id, "receipt": done.receipt, "queue_item": done.queue_item}
    _emit(
        data,
        as_json,
        lambda: out_console.print(
            f"tip {done.tip_id} queued as {done.queue_item}; receipt code for the reporter "
            f"(shown once, not stored): {done.receipt}"
        ),
    )


@tips_app.command("list")
def tips_list(
    status: str | None = typer.Option(None, "--status", help="received, reviewing or closed."),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Tips, newest first."""
    from vigil.workflow.tips.service import list_tips, tip_json

    with _session(home) as (session, _):
        rows = [
            tip_json(session, t) for t in list_tips(session, _actor(session, user), status=status)
        ]
    _emit(
        rows,
        as_json,
        _lines(
            rows,
            lambda r: (
                f"{r['id']}  {r['created_at']}  [{r['status']}] band {r['band']} "
                f"danger {r['danger']} "
                f"clusters {len(r['linked_clusters'])}"
            ),
        ),
    )


@tips_app.command("show")
def tips_show(
    tip: str = typer.Argument(...), user: str | None = USER, home: Path | None = HOME
) -> None:
    """One tip in full (the read is audited)."""
    from vigil.workflow.tips.service import get_tip, tip_json

    with _session(home) as (session, _):
        data = tip_json(session, get_tip(session, _actor(session, user), tip), full=True)
    typer.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())


@tips_app.command("reply")
def tips_reply(
    tip: str = typer.Argument(...),
    message: str = typer.Option(..., "--message"),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Reply to the reporter (they read it with their receipt code)."""
    from vigil.workflow.tips.service import reply

    with _session(home) as (session, _):
        reply(session, _actor(session, user), tip, message)
    out_console.print(f"replied to {tip}")


@tips_app.command("receipt")
def tips_receipt(
    code: str = typer.Argument(..., help="The reporter's receipt code."),
    add: str | None = typer.Option(None, "--add", help="Add this information to the tip."),
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """What the reporter sees with their receipt code (and add information to it)."""
    from vigil.workflow.tips.service import add_information, view_by_receipt

    with _session(home) as (session, _):
        if add:
            add_information(session, code, add)
        view = view_by_receipt(session, code)
    data = {"status": view.status, "submitted_on": view.submitted_on, "messages": view.messages}
    _emit(
        data,
        as_json,
        _lines(
            [{"at": "", "from": "status", "body": view.status}, *view.messages],
            lambda m: f"{m['at']} {m['from']}: {m['body']}".strip(),
        ),
    )


@tips_app.command("emergency")
def tips_emergency(country: str = typer.Argument("EU", help="ISO 3166 two letters.")) -> None:
    """Emergency numbers of a country (shown first when someone is in danger)."""
    from vigil.workflow.directory import emergency_numbers

    e = emergency_numbers(country)
    others = "; ".join(f"{k} {v}" for k, v in e.others)
    out_console.print(
        f"{e.name}: {e.general}" + (f" ({others})" if others else "") + f"  source: {e.source}"
    )


# --------------------------------------------------------------------------- victims


def _fields(pairs: list[str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise _fail(f"--field {pair!r}: write NAME=VALUE", 2)
        out[name.strip()] = value
    return out


@victims_app.command("add")
def victims_add(
    case: str = typer.Argument(...),
    field: list[str] = typer.Option(
        [],
        "--field",
        help="NAME=VALUE; names: name, contact, date_of_birth, nationality, needs, consent, notes.",
    ),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Add an encrypted victim record to a case (investigators on the case's team)."""
    from vigil.workflow.victims.keys import master_keys
    from vigil.workflow.victims.service import create_victim

    with _session(home) as (session, settings):
        v = create_victim(
            session, _actor(session, user), master_keys(settings), case, _fields(field)
        )
    out_console.print(f"victim record {v.id} ({v.pseudonym}) added to {case}")


@victims_app.command("update")
def victims_update(
    victim: str = typer.Argument(...),
    field: list[str] = typer.Option([], "--field", help="NAME=VALUE (empty value: clear it)."),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Change fields of a victim record."""
    from vigil.workflow.victims.keys import master_keys
    from vigil.workflow.victims.service import update_victim

    with _session(home) as (session, settings):
        update_victim(session, _actor(session, user), master_keys(settings), victim, _fields(field))
    out_console.print(f"updated {victim}")


@victims_app.command("show")
def victims_show(
    victim: str = typer.Argument(...),
    purpose: str = typer.Option("", "--purpose", help="Why you read it (audited)."),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Decrypt and print a victim record (audited)."""
    from vigil.workflow.victims.keys import master_keys
    from vigil.workflow.victims.service import read_victim

    with _session(home) as (session, settings):
        rec = read_victim(
            session, _actor(session, user), master_keys(settings), victim, purpose=purpose
        )
    typer.echo(orjson.dumps(rec.as_json(), option=orjson.OPT_INDENT_2).decode())


@victims_app.command("list")
def victims_list(
    case: str = typer.Argument(...), user: str | None = USER, home: Path | None = HOME
) -> None:
    """The victim records of a case (pseudonyms; nothing is decrypted)."""
    from vigil.workflow.victims.service import list_victims

    with _session(home) as (session, _):
        for v in list_victims(session, _actor(session, user), case):
            out_console.print(f"{v.id}  {v.pseudonym}" + ("  shredded" if v.shredded_at else ""))


@victims_app.command("shred")
def victims_shred(
    victim: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason", help="Why (audited)."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Destroy a victim record's data key: nobody can ever decrypt it again."""
    from vigil.workflow.victims.service import shred_victim

    if not yes and not typer.confirm(f"Shred {victim}? This cannot be undone."):
        raise typer.Exit(1)
    with _session(home) as (session, settings):
        shred_victim(session, _actor(session, user), victim, reason=reason)
    _checkpoint(settings)
    out_console.print(f"shredded {victim}: its data key is destroyed")


def _checkpoint(settings: Settings) -> None:
    """On SQLite, fold the WAL into the database so no old page keeps the destroyed key."""
    if not settings.workbench_url.startswith("sqlite"):
        return
    from sqlalchemy import text

    from vigil.store import make_engine

    engine = make_engine(settings.workbench_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    finally:
        engine.dispose()


@victims_app.command("refer")
def victims_refer(
    victim: str = typer.Argument(...),
    service: str = typer.Option(..., "--service", help="Service id (`vigil victims services`)."),
    consent: bool = typer.Option(False, "--consent", help="The person consented to it."),
    note: str = typer.Option("", "--note"),
    user: str | None = USER,
    home: Path | None = HOME,
) -> None:
    """Record a referral to a support service (refused without --consent)."""
    from vigil.workflow.victims.keys import master_keys
    from vigil.workflow.victims.service import refer_victim

    with _session(home) as (session, settings):
        r = refer_victim(
            session,
            _actor(session, user),
            master_keys(settings),
            victim,
            service_id=service,
            consent=consent,
            note=note,
        )
    out_console.print(f"referral {r.id} recorded")


@victims_app.command("services")
def victims_services(
    country: str | None = typer.Option(None, "--country", help="ISO 3166 two letters."),
    as_json: bool = JSON,
) -> None:
    """The support-services directory (placeholders are marked)."""
    from dataclasses import asdict

    from vigil.workflow.directory import services_for, support_services

    rows = [asdict(s) for s in (services_for(country) if country else support_services())]
    _emit(
        rows,
        as_json,
        _lines(
            rows,
            lambda r: (
                f"{r['id']:<24} {r['country']} {r['kind']:<9} {r['name']}  {r['phone']}"
                + ("  [PLACEHOLDER]" if r["synthetic"] else "")
            ),
        ),
    )


# --------------------------------------------------------------------------- retention


@retention_app.command("run")
def retention_run(
    dry_run: bool = typer.Option(False, "--dry-run", help="Report only; remove nothing."),
    user: str | None = USER,
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """Apply the retention schedules and report what was removed."""
    from vigil.workflow.retention import run_retention

    with _session(home) as (session, settings):
        report = run_retention(session, _actor(session, user), dry_run=dry_run)
    if not dry_run and report.removed.get("victims_shredded"):
        _checkpoint(settings)
    data = report.as_json()

    def human() -> None:
        verb = "would remove" if dry_run else "removed"
        for kind, n in data["removed"].items():
            out_console.print(f"{verb} {n:>6} {kind}")
        for kind, ids in data["kept_for_legal_hold"].items():
            if ids:
                out_console.print(f"kept {len(ids)} {kind} under legal hold")

    _emit(data, as_json, human)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root application."""
    queue_app.add_typer(watch_app, name="watch")
    queue_app.add_typer(qa_app, name="qa")
    app.add_typer(queue_app, name="queue")
    app.add_typer(case_app, name="case")
    app.add_typer(tips_app, name="tips")
    app.add_typer(victims_app, name="victims")
    app.add_typer(retention_app, name="retention")
