"""Every item kind on the mesh table (``MeshTable``: ``pk``/``sk``, GSI ``gsi1``, TTL ``expires_at``).

One kind per partition-key prefix; the stores build their keys here and nowhere else, so two kinds
cannot collide.

======================  ==========================  ======================  =========================
item                    pk                          sk                      store
======================  ==========================  ======================  =========================
profile                 ``PROFILE#<profile_id>``    ``PROFILE``             identity.graph_dynamodb
merge candidate         ``PROFILE#<profile_id>``    ``CANDIDATE#<other>``   identity.graph_dynamodb
rejected link           ``PROFILE#<profile_id>``    ``REJECTED#<ref>``      identity.graph_dynamodb
handle / e-mail index   ``IDENTITY#<ref>``          ``IDENTITY``            identity.graph_dynamodb
interaction guard       ``INTERACTION#<key>``       ``INTERACTION``         identity.graph_dynamodb
first enrichment        ``ENRICHED#<event_key>``    ``ENRICHED``            enrichment.first
thread index            ``THREAD#<key>``            ``THREAD``              identity.threads_dynamodb
Slack channel pace      ``PACE#<channel>``          ``PACE``                notify.pacer
feed cursor             ``CURSOR#<feed_id>``        ``CURSOR``              pollers.cursor
contact ledger entry    ``LEDGER#<person>``         ``<at>#<event_key>``    outreach.ledger_dynamodb
contact suppression     ``LEDGER#<person>``         ``SUPPRESSED#<key>``    outreach.ledger_dynamodb
customer baseline       ``CUSTOMER#<customer_id>``  ``BASELINE``            customers.store
customer by e-mail      ``CUSTOMEREMAIL#<e-mail>``  ``CUSTOMER``            customers.store
retention touch         ``TOUCHES#<customer_id>``   ``TOUCH#<at>#<key>``    customers.pressure
idea                    ``IDEA#<system>:<id>``      ``IDEA``                ideas.store_dynamodb
idea notice claim       ``IDEANOTICE#<ref>#<st>``   ``<person key>``        ideas.store_dynamodb
dedupe term             ``IDEATERM#<term>``         ``TERM``                ideas.store_dynamodb
dedupe entry            ``IDEAENTRY#<ref>``         ``ENTRY``               ideas.store_dynamodb
action subject          ``SUBJECT#<target>``        ``SUBJECT``             subjects
intent correction       ``CORRECTION#<key>``        ``CORRECTION``          enrichment.corrections
sent Slack message      ``MESSAGE#<channel:ts>``    ``MESSAGE``             notify.messages
message of a target     ``MESSAGE#<target>``        ``TARGET``              notify.messages
case file               ``CASEFILE#<system>:<id>``  ``CASEFILE``            cases.store
community (health)      ``HEALTHCOMMUNITY#<id>``    ``COMMUNITY``           community.activity_store
posted weekly digest    ``HEALTHCOMMUNITY#<id>``    ``DIGEST#<date>``       community.digests
community week totals   ``HEALTHWEEK#<id>#<date>``  ``TOTALS``              community.activity_store
community week topic    ``HEALTHWEEK#<id>#<date>``  ``TOPIC#<topic>``       community.activity_store
community day traffic   ``HEALTHWEEK#<id>#<date>``  ``TRAFFIC#<day>``       community.activity_store
routed mention          ``ROUTED#<day>#<shard>``    ``<at>#<event_key>``    routing.journal
case origin             ``ORIGIN#<system>:<id>``    ``ORIGIN``              loop.store_dynamodb
case loop closure       ``LOOP#<system>:<id>``      ``LOOP``                loop.store_dynamodb
survey answer           ``FEEDBACK#<person>``       ``<at>#<event_key>``    customers.feedback
satisfaction tally      ``FEEDBACKSTAT#<ch>#<seg>`` ``TALLY``               customers.feedback
======================  ==========================  ======================  =========================

``<target>`` is ``<kind>:<system>:<id>`` (:func:`target_key`). ``gsi1``: every correction carries
``gsi1pk = CORRECTIONS`` (the labelled examples, in time order); a profile linked to a CRM contact
carries ``gsi1pk = IDENTITY#crm:<system>/<contact_id>`` (:func:`crm_link_gsi`); a customer baseline
due for a deviation check carries ``gsi1pk = DUE#<shard>``, ``gsi1sk = <next check, ISO UTC>#<customer_id>``
(:func:`due_gsi`), and none when nothing is due, so the scan reads only customers due. The built-in
CRM has its own table; its keys are in :mod:`talkworthy.crm.dynamodb`.
"""

from __future__ import annotations

import hashlib

__all__ = [
    "CANDIDATE",
    "CORRECTIONS_GSI",
    "DUE_SHARDS",
    "ENRICHED",
    "HEALTH_COMMUNITIES_GSI",
    "PROFILE_SK",
    "REJECTED",
    "ROUTED_SHARDS",
    "SUPPRESSED",
    "THREAD",
    "Key",
    "candidate",
    "case_file",
    "correction",
    "crm_link_gsi",
    "cursor",
    "customer",
    "customer_email",
    "due_gsi",
    "enriched",
    "feedback",
    "feedback_tally",
    "health_community",
    "health_week_pk",
    "idea",
    "idea_entry",
    "idea_notice",
    "idea_term",
    "identity",
    "interaction",
    "ledger_pk",
    "loop",
    "message",
    "message_of_target",
    "origin",
    "pace",
    "profile",
    "profile_pk",
    "rejected",
    "routed",
    "routed_pk",
    "subject",
    "target_key",
    "thread",
    "touch",
    "touches_pk",
]

Key = dict[str, str]

PROFILE = "PROFILE#"
PROFILE_SK = "PROFILE"
CANDIDATE = "CANDIDATE#"
REJECTED = "REJECTED#"
IDENTITY = "IDENTITY#"
INTERACTION = "INTERACTION#"
ENRICHED = "ENRICHED#"
THREAD = "THREAD#"
PACE = "PACE#"
CURSOR = "CURSOR#"
LEDGER = "LEDGER#"
SUPPRESSED = "SUPPRESSED#"


def ledger_pk(person: str) -> str:
    """One person's contact ledger: sent messages sort by time (``<iso at>#<event key>``)."""
    return f"{LEDGER}{person}"


CUSTOMER = "CUSTOMER#"
CUSTOMER_EMAIL = "CUSTOMEREMAIL#"
DUE = "DUE#"
TOUCHES = "TOUCHES#"
DUE_SHARDS = 8
IDEA = "IDEA#"
IDEA_NOTICE = "IDEANOTICE#"
IDEA_TERM = "IDEATERM#"
IDEA_ENTRY = "IDEAENTRY#"
CORRECTIONS_GSI = "CORRECTIONS"


def profile_pk(profile_id: str) -> str:
    """The partition of one profile: its item, its merge candidates and its rejected links."""
    return f"{PROFILE}{profile_id}"


def profile(profile_id: str) -> Key:
    return {"pk": profile_pk(profile_id), "sk": PROFILE_SK}


def candidate(profile_id: str, other: str) -> Key:
    return {"pk": profile_pk(profile_id), "sk": f"{CANDIDATE}{other}"}


def rejected(profile_id: str, ref: str) -> Key:
    return {"pk": profile_pk(profile_id), "sk": f"{REJECTED}{ref}"}


def identity(ref: str) -> Key:
    """The index entry of a handle or e-mail ref."""
    return {"pk": f"{IDENTITY}{ref}", "sk": "IDENTITY"}


def crm_link_gsi(ref: str) -> str:
    """``gsi1pk`` of a profile linked to the CRM contact ``ref`` (``crm:<system>/<contact_id>``)."""
    return f"{IDENTITY}{ref}"


def interaction(event_key: str) -> Key:
    return {"pk": f"{INTERACTION}{event_key}", "sk": "INTERACTION"}


def enriched(event_key: str) -> Key:
    return {"pk": f"{ENRICHED}{event_key}", "sk": "ENRICHED"}


def thread(key: str) -> Key:
    return {"pk": f"{THREAD}{key}", "sk": "THREAD"}


def pace(channel: str) -> Key:
    return {"pk": f"{PACE}{channel}", "sk": "PACE"}


def cursor(feed_id: str) -> Key:
    return {"pk": f"{CURSOR}{feed_id}", "sk": "CURSOR"}


def customer(customer_id: str) -> Key:
    return {"pk": f"{CUSTOMER}{customer_id}", "sk": "BASELINE"}


def customer_email(email: str) -> Key:
    return {"pk": f"{CUSTOMER_EMAIL}{email.strip().lower()}", "sk": "CUSTOMER"}


def _shard(value: str, shards: int) -> int:
    """A stable shard of ``value`` among ``shards`` (the same on every run and container)."""
    return int(hashlib.sha256(value.encode()).hexdigest()[:8], 16) % shards


def due_gsi(customer_id: str) -> str:
    """``gsi1pk`` of a baseline due for a check: one of :data:`DUE_SHARDS` partitions, stable per customer."""
    return f"{DUE}{_shard(customer_id, DUE_SHARDS)}"


def touches_pk(customer_id: str) -> str:
    return f"{TOUCHES}{customer_id}"


def touch(customer_id: str, at: str, key: str) -> Key:
    return {"pk": touches_pk(customer_id), "sk": f"TOUCH#{at}#{key}"}


def idea(ref: str) -> Key:
    return {"pk": f"{IDEA}{ref}", "sk": "IDEA"}


def idea_notice(ref: str, status: str, person: str) -> Key:
    """One person told once that an idea reached a status."""
    return {"pk": f"{IDEA_NOTICE}{ref}#{status}", "sk": person}


def idea_term(term: str) -> Key:
    return {"pk": f"{IDEA_TERM}{term}", "sk": "TERM"}


def idea_entry(ref: str) -> Key:
    return {"pk": f"{IDEA_ENTRY}{ref}", "sk": "ENTRY"}


ROUTED = "ROUTED#"
ROUTED_SHARDS = 4


def routed_pk(day: str, shard: int) -> str:
    """One of a UTC day's :data:`ROUTED_SHARDS` partitions of routed mentions (``day`` is YYYY-MM-DD)."""
    return f"{ROUTED}{day}#{shard}"


def routed(day: str, at: str, event_key: str) -> Key:
    """A routed mention: its day's partition, sharded by event key so a crisis does not heat one key,
    in the order it occurred (``at``: the mention's ``occurred_at``, ISO 8601 UTC), so a time range
    of a day is a range of keys."""
    return {"pk": routed_pk(day, _shard(event_key, ROUTED_SHARDS)), "sk": f"{at}#{event_key}"}


def target_key(kind: str, system: str | None, record_id: str) -> str:
    return f"{kind}:{system or ''}:{record_id}"


def subject(target: str) -> Key:
    return {"pk": f"SUBJECT#{target}", "sk": "SUBJECT"}


def correction(key: str) -> Key:
    return {"pk": f"CORRECTION#{key}", "sk": "CORRECTION"}


def message(ref: str) -> Key:
    return {"pk": f"MESSAGE#{ref}", "sk": "MESSAGE"}


def message_of_target(target: str) -> Key:
    return {"pk": f"MESSAGE#{target}", "sk": "TARGET"}


HEALTH_COMMUNITIES_GSI = "HEALTHCOMMUNITIES"  # gsi1pk of every community item: the digest lists them


def health_community(community_id: str) -> Key:
    return {"pk": f"HEALTHCOMMUNITY#{community_id}", "sk": "COMMUNITY"}


def health_week_pk(community_id: str, week_start: str) -> str:
    """One community's week (``week_start``: its Monday, ISO date): totals, one item per topic, traffic per day."""
    return f"HEALTHWEEK#{community_id}#{week_start}"


def origin(ref: str) -> Key:
    """Where a case came from, under ``<system>:<id>`` of each record the case is known as."""
    return {"pk": f"ORIGIN#{ref}", "sk": "ORIGIN"}


def loop(case: str) -> Key:
    """A case's closure (``<system>:<id>`` of the case as opened): claimed once."""
    return {"pk": f"LOOP#{case}", "sk": "LOOP"}


def feedback(person: str, sort: str) -> Key:
    """One survey answer in a person's history (sorted by time)."""
    return {"pk": f"FEEDBACK#{person}", "sk": sort}


def feedback_tally(channel: str, segment: str) -> Key:
    """The satisfaction tally of one channel and segment."""
    return {"pk": f"FEEDBACKSTAT#{channel}#{segment}", "sk": "TALLY"}


def case_file(system: str, record_id: str) -> Key:
    """A case's file: goal, owner, deadline, participants, next steps, decisions (``cases/``)."""
    return {"pk": f"CASEFILE#{system}:{record_id}", "sk": "CASEFILE"}
