"""Routing rules: the shipped defaults route realistic mentions; bad documents fail naming the rule."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from talkworthy.errors import ConfigurationError
from talkworthy.routing import RulesDocument, RulesError, load_default_rules, load_rules, parse_sla

if TYPE_CHECKING:
    from tests.unit.routing.conftest import MentionFactory

CARE_FALLBACK = {"action": "notify", "notify": {"channel": "#customer-care"}}
POLICY = {
    "quiet_days_after_support": 14,
    "block_on_open_case": True,
    "block_on_negative_sentiment": True,
    "care_fallback": CARE_FALLBACK,
}


def document(rules: list[dict[str, Any]], **top: Any) -> str:
    body: dict[str, Any] = {"version": 1, "rules": rules, "default": {"action": "ignore"}}
    body["contact_policy"] = POLICY
    body.update(top)
    return yaml.safe_dump(body, sort_keys=False)


def problems_of(text: str) -> str:
    with pytest.raises(RulesError) as caught:
        load_rules(text)
    return str(caught.value)


@pytest.fixture(scope="module")
def rules() -> RulesDocument:
    return load_default_rules()


# --------------------------------------------------------------------------- the shipped defaults


def test_vip_complaint_opens_an_urgent_case_with_a_one_hour_sla_and_tells_care(
    rules: RulesDocument, mention: MentionFactory
) -> None:
    decision = rules.decide(mention(intent="complaint", tier="vip", sentiment="negative"))

    assert decision.rule == "key-account-complaint"
    assert decision.action == "open_case"
    assert decision.priority == "urgent"
    assert decision.sla == timedelta(hours=1)
    assert decision.notify_channel == "#customer-care"
    assert decision.explanation == (
        "Rule 'key-account-complaint' matched intent=complaint, segment=vip: "
        "open an urgent case (SLA 1h), notify #customer-care."
    )
    assert decision.sentiment == pytest.approx(-0.62)
    assert decision.sentiment_label == "negative"


def test_high_value_support_request_gets_a_high_case_in_four_hours(
    rules: RulesDocument, mention: MentionFactory
) -> None:
    decision = rules.decide(mention(intent="support_request", tier="high"))
    assert (decision.rule, decision.action, decision.priority) == ("key-account-support", "open_case", "high")
    assert decision.sla == timedelta(hours=4)


def test_other_support_requests_get_a_normal_case_in_a_day(rules: RulesDocument, mention: MentionFactory) -> None:
    decision = rules.decide(mention(intent="support_request", tier="prospect"))
    assert (decision.rule, decision.action, decision.priority) == ("support-request", "open_case", "normal")
    assert decision.sla == timedelta(hours=24)
    assert decision.notify_channel == "#customer-care"


def test_sales_lead_from_a_prospect_is_flagged_and_sales_told(rules: RulesDocument, mention: MentionFactory) -> None:
    decision = rules.decide(mention(intent="sales_lead", tier="prospect", sentiment="positive"))
    assert (decision.rule, decision.action) == ("prospect-sales-lead", "flag_lead")
    assert decision.notify_channel == "#sales-leads"
    assert decision.is_sales
    assert decision.sla is None


def test_sales_lead_from_a_customer_goes_to_account_management(rules: RulesDocument, mention: MentionFactory) -> None:
    decision = rules.decide(mention(intent="sales_lead", tier="standard"))
    assert (decision.rule, decision.action) == ("customer-expansion-lead", "flag_lead")
    assert decision.notify_channel == "#account-management"


def test_idea_is_filed(rules: RulesDocument, mention: MentionFactory) -> None:
    decision = rules.decide(mention(intent="idea", platform="discourse"))
    assert (decision.rule, decision.action) == ("product-idea", "file_idea")


def test_praise_is_only_logged(rules: RulesDocument, mention: MentionFactory) -> None:
    decision = rules.decide(mention(intent="praise", sentiment="positive", tier="vip"))
    assert (decision.rule, decision.action) == ("praise", "ignore")
    assert decision.notify_channel is None
    assert "log only" in decision.explanation


def test_question_notifies_community_care(rules: RulesDocument, mention: MentionFactory) -> None:
    decision = rules.decide(mention(intent="question", platform="reddit"))
    assert (decision.rule, decision.action) == ("question", "notify")
    assert decision.notify_channel == "#community-care"
    assert decision.explanation == "Rule 'question' matched intent=question: notify #community-care."


@pytest.mark.parametrize("intent", ["other", "question", "sales_lead", "idea"])
def test_a_loud_negative_voice_opens_a_case_whatever_they_asked(
    rules: RulesDocument, mention: MentionFactory, intent: str
) -> None:
    decision = rules.decide(mention(intent=intent, tier="prospect", sentiment="negative", influence=85))
    assert (decision.rule, decision.action, decision.priority) == ("loud-negative", "open_case", "high")
    assert decision.sla == timedelta(hours=2)
    assert decision.notify_channel == "#social-escalations"
    assert "influence=85" in decision.explanation


def test_a_quiet_negative_voice_is_not_escalated(rules: RulesDocument, mention: MentionFactory) -> None:
    decision = rules.decide(mention(intent="other", sentiment="negative", influence=69))
    assert decision.rule == "default"


def test_nothing_matched_falls_to_the_default(rules: RulesDocument, mention: MentionFactory) -> None:
    decision = rules.decide(mention(intent="other", platform="web"))
    assert (decision.rule, decision.action, decision.matched) == ("default", "ignore", [])
    assert decision.explanation.startswith("No rule matched (intent=other, segment=standard, channel=web")
    assert decision.explanation.endswith("default: log only.")


def test_the_packaged_rules_are_read_once(rules: RulesDocument) -> None:
    assert load_default_rules() is rules


# --------------------------------------------------------------------------- evaluation order


ORDERED = document(
    [
        {
            "name": "reddit-watch",
            "match": {"channel": ["Reddit"]},
            "action": "notify",
            "stop": False,
            "notify": {"channel": "C0123ABCDE"},
        },
        {
            "name": "complaints",
            "match": {"intent": ["complaint"]},
            "action": "open_case",
            "sla": {"minutes": 90},
        },
        {"name": "also-complaints", "match": {"intent": ["complaint"]}, "action": "ignore"},
        {"name": "mid-influence", "match": {"influence": {"min": 40, "max": 60}}, "action": "file_idea"},
        {
            "name": "very-negative",
            "match": {"sentiment_value": {"max": -0.8}},
            "action": "notify",
            "notify": {"email": "care-lead@example.com"},
        },
        {"name": "everything", "match": {}, "action": "ignore", "stop": False},
    ]
)


def test_the_first_matching_stop_rule_wins(mention: MentionFactory) -> None:
    decision = load_rules(ORDERED).decide(mention(intent="complaint", platform="twitter"))
    assert decision.rule == "complaints"
    assert decision.matched == ["complaints"]
    assert decision.sla == timedelta(minutes=90)


def test_a_non_stop_rule_yields_to_a_later_stop_rule(mention: MentionFactory) -> None:
    decision = load_rules(ORDERED).decide(mention(intent="complaint", platform="reddit"))
    assert decision.rule == "complaints"
    assert decision.matched == ["reddit-watch", "complaints"]
    assert "(also matched 'reddit-watch')" in decision.explanation


def test_the_last_non_stop_match_decides_when_no_stop_rule_matches(mention: MentionFactory) -> None:
    decision = load_rules(ORDERED).decide(mention(intent="praise", platform="reddit"))
    assert decision.rule == "everything"
    assert decision.matched == ["reddit-watch", "everything"]
    assert "matched any mention" in decision.explanation


def test_a_non_stop_rule_alone_decides(mention: MentionFactory) -> None:
    text = document(
        [
            {
                "name": "reddit-watch",
                "match": {"channel": ["reddit"]},
                "action": "notify",
                "stop": False,
                "notify": {"channel": "social"},
            }
        ]
    )
    decision = load_rules(text).decide(mention(intent="praise", platform="REDDIT"))
    assert (decision.rule, decision.action, decision.notify_channel) == ("reddit-watch", "notify", "social")


@pytest.mark.parametrize(
    ("influence", "expected"),
    [(39, "everything"), (40, "mid-influence"), (60, "mid-influence"), (61, "everything")],
)
def test_ranges_are_inclusive(mention: MentionFactory, influence: int, expected: str) -> None:
    assert load_rules(ORDERED).decide(mention(influence=influence)).rule == expected


def test_sentiment_value_range(mention: MentionFactory) -> None:
    rules = load_rules(ORDERED)
    decision = rules.decide(mention(sentiment="negative", sentiment_value=-0.9))
    assert (decision.rule, decision.notify_email) == ("very-negative", "care-lead@example.com")
    assert "sentiment_value=-0.90" in decision.explanation
    assert rules.decide(mention(sentiment="negative", sentiment_value=-0.7)).rule == "everything"


# --------------------------------------------------------------------------- SLA


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("PT1H", timedelta(hours=1)),
        ("PT30M", timedelta(minutes=30)),
        ("P1D", timedelta(days=1)),
        ("P1DT12H", timedelta(days=1, hours=12)),
        ("PT90S", timedelta(seconds=90)),
        ({"minutes": 240}, timedelta(hours=4)),
    ],
)
def test_sla_forms(written: Any, expected: timedelta) -> None:
    assert parse_sla(written) == expected


@pytest.mark.parametrize(
    "written",
    [
        "1h",
        "P1M",
        "P1Y",
        "PT",
        "P",
        "P1DT",
        "PT0M",
        "-PT1H",
        {"minutes": 0},
        {"hours": 1},
        {"minutes": "60"},
        {"minutes": True},
        60,
    ],
)
def test_bad_sla_is_refused_naming_the_rule(written: Any) -> None:
    text = document([{"name": "care", "action": "open_case", "sla": written}])
    message = problems_of(text)
    assert "rule 'care' (rules[0]): sla:" in message


# --------------------------------------------------------------------------- validation


def rule(**fields: Any) -> dict[str, Any]:
    return {"name": "bad-rule", "action": "ignore", **fields}


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (rule(colour="red"), "rule 'bad-rule' (rules[0]): colour: unknown key"),
        (rule(match={"intnet": ["idea"]}), "rule 'bad-rule' (rules[0]): match.intnet: unknown key"),
        (
            rule(notify={"channel": "care", "slack": "x"}),
            "rule 'bad-rule' (rules[0]): notify.slack: unknown key",
        ),
        (rule(action="escalate"), "rule 'bad-rule' (rules[0]): action: Input should be"),
        (rule(match={"intent": ["refund"]}), "rule 'bad-rule' (rules[0]): match.intent.0:"),
        (rule(match={"segment": ["gold"]}), "rule 'bad-rule' (rules[0]): match.segment.0:"),
        (rule(match={"sentiment": ["angry"]}), "rule 'bad-rule' (rules[0]): match.sentiment.0:"),
        (rule(priority="critical"), "rule 'bad-rule' (rules[0]): priority:"),
        (rule(action="open_case"), "rule 'bad-rule' (rules[0]): action open_case needs an sla"),
        (rule(action="notify"), "rule 'bad-rule' (rules[0]): action notify needs a notify target"),
        (rule(action="triage"), "rule 'bad-rule' (rules[0]): action triage needs a notify target"),
        (rule(match={"triage": "maybe"}), "rule 'bad-rule' (rules[0]): match.triage:"),
        (
            rule(notify={"channel": None}),
            "rule 'bad-rule' (rules[0]): notify: notify needs a channel or an email",
        ),
        (
            rule(notify={"email": "not-an-address"}),
            "rule 'bad-rule' (rules[0]): notify.email: not an e-mail address, got 'not-an-address'",
        ),
        (
            rule(notify={"channel": "Care Team"}),
            "rule 'bad-rule' (rules[0]): notify.channel: not a Slack channel id (C0123ABCD)",
        ),
        (rule(name="-?!"), "rule '-?!' (rules[0]): name: a rule name is letters, digits"),
        (rule(match={"influence": {"min": 80, "max": 20}}), "match.influence: range min 80 is above max 20"),
        (rule(match={"influence": {"min": 101}}), "rule 'bad-rule' (rules[0]): match.influence.min:"),
        (rule(match={"sentiment_value": {}}), "match.sentiment_value: a range needs min, max or both"),
        (rule(match={"intent": []}), "rule 'bad-rule' (rules[0]): match.intent:"),
        (rule(stop="sometimes"), "rule 'bad-rule' (rules[0]): stop:"),
        ({"action": "ignore"}, "unnamed rule (rules[0]): name: required"),
        (rule(name="default"), "rule 'default' (rules[0]): the rule name 'default' is reserved"),
    ],
)
def test_bad_rules_are_refused_naming_the_rule(bad: dict[str, Any], expected: str) -> None:
    assert expected in problems_of(document([bad]))


def test_duplicate_names_are_refused() -> None:
    text = document([rule(name="dup"), rule(name="other"), rule(name="dup")])
    assert "duplicate rule name 'dup' (rules[0] and rules[2])" in problems_of(text)


def test_every_problem_is_listed() -> None:
    with pytest.raises(RulesError) as caught:
        load_rules(document([rule(name="one", action="open_case"), rule(name="two", priority="meh")]))
    assert len(caught.value.problems) == 2
    assert caught.value.problems[0].startswith("rule 'one' (rules[0])")
    assert caught.value.problems[1].startswith("rule 'two' (rules[1])")
    assert isinstance(caught.value, ConfigurationError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (document([], colour="red"), "document: colour: unknown key"),
        (document([], version=2), "version: Input should be 1"),
        (document([], default={"action": "open_case"}), "default: action open_case needs an sla"),
        (document([], default={"action": "ignore", "sla": "soon"}), "default: sla:"),
        (
            document([], contact_policy={**POLICY, "care_fallback": {"action": "flag_lead"}}),
            "contact_policy: care_fallback: care_fallback must be a care action, not sales",
        ),
        (
            document([], contact_policy={**POLICY, "care_fallback": {**CARE_FALLBACK, "tags": ["sales"]}}),
            "care_fallback must be a care action",
        ),
        (document([], contact_policy={**POLICY, "quiet_days": 3}), "contact_policy: quiet_days: unknown key"),
        (
            document([], contact_policy={**POLICY, "quiet_days_after_support": -1}),
            "quiet_days_after_support:",
        ),
        ("version: 1\nrules: []\n", "default: required; contact_policy: required"),
        ("- just\n- a list\n", "must be a mapping"),
        ("version: 1\nrules: [\n", "not valid YAML"),
        ("version: 1\nversion: 1\nrules: []\n", "key 'version' given twice"),
        (
            document([]).replace("rules: []", "rules:\n- name: x\n  action: ignore\n  action: notify"),
            "given twice",
        ),
    ],
)
def test_bad_documents_are_refused(text: str, expected: str) -> None:
    assert expected in problems_of(text)


def test_an_unquoted_slack_channel_is_a_yaml_comment_and_is_caught() -> None:
    text = document([]).replace(
        "rules: []", "rules:\n- name: questions\n  action: notify\n  notify:\n    channel: #community"
    )
    assert "rule 'questions' (rules[0]): notify: notify needs a channel or an email" in problems_of(text)


def test_a_minimal_document_loads() -> None:
    loaded = load_rules(document([]))
    assert loaded.rules == []
    assert loaded.default.action == "ignore"
    assert loaded.contact_policy.negative_sentiment_below == -0.25


def test_the_triage_criterion_matches_only_flagged_intents(mention: MentionFactory) -> None:
    rules = load_default_rules()
    flagged = mention(intent="praise")
    unsure = flagged.intent.model_copy(update={"triage_reason": "low_confidence", "runner_up": "complaint"})
    flagged = flagged.model_copy(update={"intent": unsure})

    decision = rules.decide(flagged)
    plain = rules.decide(mention(intent="praise"))

    assert (decision.rule, decision.action, decision.notify_channel) == ("intent-triage", "triage", "#intent-triage")
    assert "triage=low_confidence" in decision.explanation
    assert "ask a person to check the intent" in decision.explanation
    assert plain.rule == "praise"
