"""The human workflow: review queue, decisions, watchlists, anonymous tips, cases, victims.

Each part is a module of services over the workbench database (``tables``):

* ``queue``      items to review, routing, exclusive claims with a timeout, SLA clocks;
* ``decisions``  human decisions with a policy reason (``taxonomy``), labels, QA agreement;
* ``feed``       scan results, watch alerts -> queue items;
* ``watch``      watchlists (identifiers, clusters, saved searches) and their alerts;
* ``tips``       the anonymous tip form: parsing, scoring, receipts, rate limiting;
* ``cases``      cases, their items, tasks, notes, timeline and legal hold;
* ``victims``    victims' records encrypted field by field; crypto-shredding; referrals;
* ``retention``  retention schedules per record type;
* ``facts``      the legal module's case-facts document of a case;
* ``transparency`` case and victim-record events as commitments in the evidence log;
* ``media``      blurred, greyscale image previews for reviewers;
* ``web``        console pages and /api/v1 routers (listed in vigil.web.routers).

Every service takes an :class:`~vigil.workflow.actor.Actor` and checks the permission it
needs (the web layer checks it too); every decision, case event and read of victims' data
is appended to the audit log in the caller's transaction.
"""
