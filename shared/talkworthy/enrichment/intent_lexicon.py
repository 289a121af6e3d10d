"""The intent classifier's cues, kept as data: label, weight, words/patterns, name, negation target.

Regexes run on :func:`talkworthy.enrichment.social_text.normalize` output (lower case, ``@user``,
``@support``, ``<url>``, ``#tag``, ``emopos``/``emoneg``/``emoeyeroll``/``emothink``). A cue without a
name is reported as ``phrase:"<matched text>"``, a named one as ``pattern:<name>``. ``negated_to``
says where a negated cue's weight goes ("not impressed" -> complaint); ``None`` drops it ("not a bug").
Cues are general phrasing of each intent, not sentences from the evaluation set.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from talkworthy.catalog.mention import IntentLabel

__all__ = [
    "ASK_PATTERN",
    "CUES",
    "FIRST_PERSON",
    "NEGATORS",
    "PRAISE_WORDS",
    "PROBLEM_WORDS",
    "RESOLVED_WORDS",
    "RHETORICAL_PATTERN",
    "SARCASM_MARKERS",
    "SPAN_PATTERN",
    "TROUBLE_EMOJI",
    "Cue",
]


class Cue(NamedTuple):
    """A cue: ``words``, a ``|``-separated alternation matched as whole words; ``patterns``, raw regexes."""

    label: IntentLabel
    weight: float
    words: str = ""
    patterns: tuple[str, ...] = ()
    name: str | None = None
    negated_to: IntentLabel | None = None

    @property
    def regex(self) -> str:
        parts = ([rf"\b(?:{self.words})\b"] if self.words else []) + list(self.patterns)
        return "|".join(parts)


_CANT = r"(?:can't|cannot|can not|unable to|couldn't|not able to|won't let me|(?:nobody|no one|none of us) can)"
_VERBS = (
    r"(?:log ?-?in|login|sign ?-?in|signin|access|connect|sync|export|import|upload|download|save|open|load|"
    r"reset|find|see|get (?:in|into|past)|create|delete|edit|invite|pay|update|install|add|remove|use)"
)
_PRODUCT_THING = r"(?:app|site|page|dashboard|integration|export|sync|search|notifications?|emails?|invites?)"

# fmt: off
CUES: Final[tuple[Cue, ...]] = (
    # --- support_request: something is broken for me or my account, and I need you to act ---------
    Cue("support_request", 2.0, patterns=(rf"\b{_CANT} {_VERBS}\b",)),
    Cue("support_request", 2.0, words=r"locked out", patterns=(
        r"\baccount (?:is |was |got |has been )?(?:locked|suspended|disabled|hacked|compromised)",
    )),
    Cue("support_request", 2.0, words=(
        r"password reset|reset (?:my |the )?password|2fa|two[- ]factor|mfa|verification (?:code|email)s?"
    )),
    Cue("support_request", 1.5, words=(
        r"(?:not|isn't|aren't|stopped|stop) working|(?:doesn't|don't|won't|didn't) work"
    )),
    Cue("support_request", 1.5, patterns=(
        r"\b(?:doesn't|don't|won't|isn't|aren't|not|never|nothing|stopped) (?:arriv|load|sync|sav|show|"
        r"open|send|find|post|appear|display|updat|recurr|deliver)\w*",
    )),
    Cue("support_request", 1.5, patterns=(
        r"\bkeeps? (?:logging|crashing|failing|asking|saying|showing|disconnecting|freezing|timing)",
    )),
    Cue("support_request", 2.0, words=r"is (?:it|this|the \w+|\w+) down|down for (?:anyone|everyone|me)"),
    Cue("support_request", 1.0, words=(
        r"error|errors|bug|bugs|glitch\w*|crash\w*|freez\w*|froze|broke|broken|breaks|breaking|"
        r"(?<!#)fail(?:s|ed|ing)?|time ?d? ?out|timeout|white screen|blank (?:screen|page)|spins? forever|"
        r"redirect loop|loop|stuck|does nothing|nothing happens|wrong|incorrect|duplicat\w+|declined|"
        r"rejected|corrupt\w*|expired|invalid|denied|unauthori[sz]ed|forbidden"
    ), name="malfunction"),
    Cue("support_request", 1.0, words=(
        r"(?:error|status|code|returning|returns|getting|got)\s+(?:code\s+)?[45]\d\d|[45]\d\d\s+(?:error|"
        r"status)"
    ), name="http_error"),
    Cue("support_request", 1.5, words=r"help|need (?:some )?assistance", negated_to="complaint"),
    Cue("support_request", 1.5, words=(
        r"(?:please |can you |could you |pls )?(?:fix (?:this|it|that)|please fix|take a look|look into|"
        r"check (?:on )?(?:it|this|on your (?:side|end)))|on your (?:end|side)"
    )),
    Cue("support_request", 1.5, words=(
        r"(?:can|could|would) (?:you|someone|somebody|anyone) (?:please )?(?:fix|check|help|reissue|"
        r"restore|reset|refund|cancel|unlock|re-?enable|pick (?:it|this) up|do it)"
    )),
    Cue("support_request", 1.5, words=(
        r"any (?:idea|fix|workaround|solution)s?|known (?:issue|bug)|workaround|what (?:else )?(?:can|"
        r"should|do) (?:i|we) (?:do|try)|what now|anything (?:else )?i can (?:do|try)|is (?:this|that|"
        r"it) a bug"
    )),
    Cue("support_request", 1.0, words=(
        r"restore|recover|undo|backup|get (?:it|them|(?:my|our) \w+) back|deleted|disappeared|vanished|"
        r"missing|lost|gone"
    )),
    Cue("support_request", 2.0, words=(
        r"charged (?:me )?twice|double[- ]charged|overcharged|refund(?:ed)?|wrong (?:amount|charge|invoice|"
        r"vat)"
    )),
    Cue("support_request", 1.0, words=(
        r"support (?:ticket|case|team)|open(?:ed)? a ticket|dm'?(?:d|ed)? (?:you|us)|in (?:dm|dms)"
    ), patterns=(r"\b(?:ticket|case)(?: number| id)? ?#?\d+",), name="ticket_or_dm"),
    Cue("support_request", 1.0, words=r"urgent|urgently|asap|blocked|blocking"),
    Cue("support_request", 0.75, patterns=(
        r"\b(?:since|after) (?:the |your |this |last )?(?:update|upgrade|maintenance|migration|release|"
        r"yesterday|this morning|last night|monday|tuesday|wednesday|thursday|friday|v?\d+\.\d+(?:\.\d+)?)",
    ), name="regression"),
    Cue("support_request", 1.0, words=(
        r"tried|reinstall\w*|restart\w*|cleared? (?:the )?(?:cache|cookies)"
    ), name="troubleshooting"),
    Cue("support_request", 1.0, patterns=(r"@support",), name="addressed_to_support"),
    Cue("support_request", 1.0, words=r"anymore|no longer", name="regression"),
    Cue("support_request", 1.5, words=(
        r"how (?:do|can) (?:i|we) (?:fix|undo|recover|restore|stop|unlock|reset|get (?:out|back|rid|"
        r"it back|(?:my|our|the|this) \w+(?: \w+)? (?:in|back|out|fixed|corrected)))"
    )),
    Cue("support_request", 1.5, words=(
        r"(?:lost|lose|losing|no) access|access (?:is )?(?:gone|denied|revoked)|permission denied|"
        r"transfer ownership"
    )),
    Cue("support_request", 1.0, words=r"what happened"),
    Cue("support_request", 1.0, patterns=(
        rf"\b(?:doesn't|won't|isn't|not) (?:\w+ )?{_PRODUCT_THING}\b",
        rf"\b{_PRODUCT_THING} (?:says|shows|fails|is empty|are empty|shows? as empty)\b",
    ), name="product_fault"),
    # --- complaint: dissatisfaction that vents -------------------------------------------------------
    Cue("complaint", 1.5, words=(
        r"worst|terrible|awful|horrible|horrendous|garbage|trash|rubbish|useless|pathetic|joke|ridiculous|"
        r"absurd|unacceptable|unbelievable|disgrace\w*|embarrassing|shameful|clunky|bloated|buggy|laggy|"
        r"sluggish|ugly|creepy|misleading|greedy|rip-? ?off|scam|overpriced|hostage|nightmare|disaster|"
        r"frustrat\w+|annoy\w+|infuriat\w+|disappoint\w*|hate[sd]?|regret\w*|abandoned"
    )),
    Cue("complaint", 1.0, words=r"slow|slower|pricier|expensive|confusing|worse"),
    Cue("complaint", 1.5, words=(
        r"fed up|sick of|tired of|sick and tired|i'm done|i am done|done with|had enough|last straw|"
        r"waste of (?:time|money)|what a waste|never again|not worth|(?:went|gone|going) downhill|"
        r"got worse|getting worse|out of control"
    )),
    Cue("complaint", 1.5, words=(
        r"cancel(?:l?ing|l?ed)?|uninstall(?:ed|ing)?|(?:switching|moving|migrating|going back|"
        r"leaving for) to|leaving (?:acme|you)"
    ), patterns=(r"\bunsubscrib\w+",), name="churn"),
    Cue("complaint", 0.75, words=(
        r"again|every (?:single )?time|still (?:not|no|broken|waiting|can't|doesn't|isn't)|(?:second|third|"
        r"fourth|fifth|\d+(?:st|nd|rd|th)) (?:time|outage|day)|as (?:always|usual)|another day"
    ), name="recurring_problem"),
    Cue("complaint", 1.5, words=(
        r"no (?:reply|replies|response|answer)|zero (?:replies|responses?|answers?)|nobody (?:replies|"
        r"responds|listens|cares|answers)|ignor(?:ed|ing)|canned (?:response|reply)|in circles|brick wall|"
        r"on hold|nobody listens"
    ), name="unanswered"),
    Cue("complaint", 1.0, words=(
        r"(?:raised|raising|hiked?) (?:the |their |its )?prices?|price (?:hike|increase)|paywall|"
        r"charging (?:extra )?for|can't believe i pay|paying for this"
    ), name="price_gripe"),
    Cue("complaint", 2.0, words=r"(?:1|one|0|zero)[ -]stars?|[0-3]/10", patterns=(
        r"★☆☆☆☆",
        r"★★☆☆☆",
    ), name="bad_rating"),
    Cue("complaint", 1.5, words=(
        r"used to be|miss the old|seriously considering (?:dropping|leaving|cancel\w*)|dropping|"
        r"this is how (?:you|they|\w+) treats?|forced|(?:no|zero|without (?:any )?) warning|upsell\w*"
    )),
    Cue("complaint", 1.0, words=r"emoneg", name="negative_emoji"),
    Cue("complaint", 2.0, words=(
        r"emoeyeroll|yeah right|thanks for nothing|oh great|just great|perfect timing|classy|at its finest|"
        r"cool cool|just what i needed|love that for (?:me|us)"
    ), patterns=(
        r"(?<!\w)/s\b",
        r"\bnothing like an? \w+",
    ), name="sarcasm"),
    Cue("complaint", 1.5, words=r"why on earth|why the hell|wtf|ffs|smh", patterns=(r"#(?:epic ?)?fail\b",)),
    Cue("complaint", 0.5, words=r"complain(?:t|ts|ing|ed)?", negated_to="praise"),
    # --- question: how-to or informational -----------------------------------------------------------
    Cue("question", 1.0, patterns=(r"\?",), name="question_mark"),
    Cue("question", 0.75, patterns=(
        r"(?:^|[.!?\n]\s*|\bq:\s*)(?:(?:hey|hi|hello|ok|so|quick q|question)\W+)?(?:@user\W+)*(?:how|"
        r"what(?! an? )|where|when|which|who|is|are|does|do|can|could|will|should|did|has|have)\b",
    ), name="interrogative_start"),
    Cue("question", 1.5, words=(
        r"how (?:do|can|does|should|would|to|are|is|many|far|long|often)|is (?:it|there) (?:possible|a way|"
        r"an? (?:option|setting|limit|shortcut))|possible to|what(?:'s| is) the (?:difference|best way|"
        r"limit|shortcut)|what happens|where (?:can|do|is|are) (?:i|we|the)"
    )),
    Cue("question", 1.0, patterns=(
        r"\b(?:can|could|do|does|is|are|will|would|should) (?:i|we|you|it|they|guests|users|"
        r"admins)\b(?=[^.!?]*\?)",
    ), name="inverted_question"),
    Cue("question", 1.0, words=(
        r"wondering|curious|quick q|question|any tips|best practices?|tips for|anyone know|anybody know|"
        r"does anyone know|has anyone (?:tried|used)|anybody tried|anyone tried|emothink"
    )),
    # --- sales_lead: buying, expanding, evaluating ---------------------------------------------------
    Cue("sales_lead", 1.5, words=(
        r"pricing|prices?|how much|costs?|quote|quotes|demo|demos|trial|trials|trialing|trialling|"
        r"free tier|licen[cs]es?|seats|per (?:user|seat)|volume (?:pricing|discount)|discounts?"
    )),
    Cue("sales_lead", 0.5, words=r"plans?|tier|enterprise|business plan|pro plan"),
    Cue("sales_lead", 1.5, words=(
        r"nonprofit|non-profit|education(?:al)? (?:plan|pricing|discount)|student (?:plan|discount)|"
        r"startup (?:program|plan|discount|credits)|annual (?:billing|plan)|monthly vs|yearly"
    )),
    Cue("sales_lead", 2.0, words=(
        r"procurement|vendor|rfp|security (?:review|questionnaire)|questionnaire|sales team|sales rep|"
        r"talk to sales|contact sales|reseller|partner(?:ship)? program|affiliate|partnership"
    )),
    Cue("sales_lead", 1.5, words=(
        r"buy|purchase|sign the contract|ready to (?:buy|sign|commit)|before (?:we|i) (?:can )?(?:decide|"
        r"commit|sign|buy|purchase)|upgrad(?:e|ing)|worth (?:it|the money|paying)|can we pay|"
        r"pay (?:for \w+ )?by invoice|lock in"
    )),
    Cue("sales_lead", 2.0, words=(
        r"evaluat\w+|shortlist\w*|considering|comparing|compare|vs\.?|versus|alternatives? (?:to|for)|"
        r"deciding between|switch(?:ing)? from|migrat\w+ (?:\w+ )*from|moving (?:away )?from|move off|"
        r"moving off|outgrew|outgrown"
    )),
    Cue("sales_lead", 2.0, words=(
        r"looking for (?:a|an) (?:\w+ ){0,3}(?:tool|app|solution|platform|software|crm|system)|(?:we|"
        r"i) need an? (?:\w+ ){0,3}(?:tool|app|solution|platform|software|system)|look(?:ing)? elsewhere|"
        r"(?:recommendations?|suggestions?) for (?:a|an) (?:\w+ ){0,3}(?:tool|app|platform|software)|"
        r"do you (?:offer|support|have)|does \w+ (?:offer|have a \w+ plan)"
    )),
    Cue("sales_lead", 1.0, words=(
        r"for (?:our|my) (?:whole )?(?:team|company|org|organi[sz]ation|agency|startup|studio|department|"
        r"clinic|business|firm)|\d+[- ](?:person|people|user|seat|member|employee|volunteer)s?|"
        r"\d+\+? (?:users|seats|people|employees|volunteers)"
    ), patterns=(r"\bteam of \d+",), name="team_size"),
    Cue("sales_lead", 1.5, words=(
        r"finalist|picking|choosing|selecting|decid(?:e|ing) (?:on|between)|rollout|"
        r"roll(?:ing)? (?:it )?out|walkthrough|contract|nda|data residency|requirements?|go paid|paid plan|"
        r"outgrowing|our (?:cio|cto|it team|security team|legal team)"
    )),
    Cue("sales_lead", 1.5, words=(
        r"on-prem\w*|self-hosted|private cloud|hipaa|soc ?2|iso ?27001|compliance|compliant|must[- ]have|"
        r"deal[- ]?breaker|roll (?:it )?out to"
    )),
    # --- idea: a suggestion or feature request -------------------------------------------------------
    Cue("idea", 2.0, words=r"wish(?:es|ed)?"),
    Cue("idea", 2.0, words=(
        r"(?:would|it'd|it would|that'd) be (?:really |so |super )?(?:great|nice|neat|awesome|cool|helpful|"
        r"amazing|lovely|wonderful|perfect|ideal|useful|fantastic|handy|sweet|brilliant|better|good|killer|"
        r"a game[- ]?changer)|(?:would|i'd) love (?:to see|it if|if|a|an|the option)|love it even more|"
        r"even better (?:if|with)"
    )),
    Cue("idea", 1.5, words=(
        r"feature ?(?:request|idea|suggestion)s?|suggestion|suggest|idea|proposal|propose"
    )),
    Cue("idea", 2.0, words=(
        r"(?:please|can you|could you|can \w+|could \w+) (?:please )?(?:add|allow|let (?:us|me)|make it|"
        r"support|consider|bring|give us|show|display|remember)|(?:should|need to|needs to|"
        r"ought to) (?:really )?(?:add|let|allow|support|have (?:a|an|the|some|more|better|proper|"
        r"built-in)|make|offer|bring)"
    )),
    Cue("idea", 1.0, words=(
        r"(?:would|will|i'd|we'd|they'd|you'd) (?:really |so )?(?:love|thank|appreciate|help|save|"
        r"make (?:it|life|things)|be grateful)"
    ), name="hypothetical"),
    Cue("idea", 1.5, words=r"would kill for|why not (?:let|add|allow|make|support|show)|give us", patterns=(
        r"(?:^|[.!?]\s+)(?:please )?(?:add|make|let|allow|give|bring|show|support) (?:a|an|the|us|me|it|"
        r"per|more)\b",
    )),
    Cue("idea", 1.5, words=(
        r"needs? (?:a|an) [^.!?]{0,40}\b(?:button|option|view|mode|setting|toggle|feature|shortcut|filter)|"
        r"(?:option|ability|setting) to|support for"
    )),
    Cue("idea", 1.5, words=(
        r"any plans (?:to|for|on)|roadmap|how about|what if|what about adding|consider(?:ing)? adding|"
        r"maybe (?:add|move|make|allow|let)|really hope|(?:i'd|would) pay (?:extra|for|more)|take my money|"
        r"vot(?:e|ing) for"
    ), patterns=(
        r"\b\w+ when ?\?",
        r"\bhope (?:you|\w+|they) (?:adds?|will add|bring|support)",
        r"\+1\b",
        r"\bupvot\w*",
        r"\blet us (?!know)\w+",
    )),
    # --- praise: positive feedback with no ask --------------------------------------------------------
    Cue("praise", 1.5, words=(
        r"love|loving|loved|adore|amazing|awesome|fantastic|brilliant|excellent|superb|outstanding|"
        r"incredible|wonderful|beautiful|delight\w*|flawless\w*|lifesaver|life saver|life[- ]changing|"
        r"game[- ]?changer|impressive|impressed|kudos|props to|shout ?out|shoutout|credit where|hats off|"
        r"bravo|legend"
    ), patterns=(r"<3",), negated_to="complaint"),
    Cue("praise", 1.5, words=r"emopos", name="positive_emoji"),
    Cue("praise", 1.5, words=(
        r"(?:no|zero) complaints|for the price|worth every penny|great value|value for money|"
        r"above and beyond|big improvement|so much better|(?:fair|good|great|reasonable|decent) (?:price|"
        r"pricing)"
    ), patterns=(r"\bbetter than (?:any|anything|every|all)\w*",)),
    Cue("praise", 0.75, words=(
        r"great|good|nice|solid|fast|easy|smooth|intuitive|slick|polished|elegant|best|perfect|perfectly|"
        r"useful|helpful|happy|pleased|a dream|sane|rare|generous|appreciate\w*|grateful|improve\w*|better|"
        r"clear|friendly|fun|quick|quickly|calm\w*|organi[sz]ed|finally"
    ), negated_to="complaint"),
    Cue("praise", 1.5, words=(
        r"thank(?:s| you)|well done|well played|nice work|great (?:job|work)|good job|nailed it|"
        r"highly recommend|recommend\w*|chef's kiss|can't say enough|couldn't be happier|"
        r"can't live without|saved (?:me|my|us|our)|made my day"
    ), negated_to="complaint"),
    Cue("praise", 2.0, words=r"(?:5|five)[ -]stars?|(?:9|10)/10", patterns=(
        r"★★★★★",
        r"★★★★☆",
    ), name="good_rating"),
    # --- other: news, hiring, events, spam -----------------------------------------------------------
    Cue("other", 1.5, words=r"we're hiring|hiring|job|jobs|careers|apply|open roles?"),
    Cue("other", 1.5, words=(
        r"announces?|announced|acquires|acquired|acquisition|funding|raises \$|series [a-e]|valuation|ipo|"
        r"revenue|earnings|quarterly|press release"
    )),
    Cue("other", 1.0, words=(
        r"webinar|podcast|conference|meetup|summit|booth|keynote|livestream|episode|blog post|article|"
        r"report|newsletter|changelog|release notes|released|is out|now available|trending"
    )),
    Cue("other", 1.0, words=(
        r"sponsor\w*|speaking at|talk at|interview\w*|rumou?rs?|layoffs?|hackathon|status update|"
        r"ep(?:isode)? \d+"
    ), name="news_or_event"),
    Cue("other", 2.0, words=(
        r"earn \$|click here|crypto|giveaway|bitcoin|casino|follow back|free money"
    ), name="spam"),
    Cue("other", 1.0, patterns=(
        r"^rt @user",
        r"\bvia @user",
    ), name="retweet"),
    Cue("other", 0.5, patterns=(r"<url>",), name="link"),
    Cue("other", 1.0, words=(
        r"random thought|unrelated|shower thought|that's the tweet|scheduled maintenance"
    )),
)
# fmt: on

NEGATORS: Final = frozenset(
    {
        "not", "no", "never", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't",
        "can't", "cannot", "couldn't", "shouldn't", "wouldn't", "haven't", "hasn't", "nothing", "nobody",
        "none", "without", "hardly", "zero", "nor", "neither",
    }
)  # fmt: skip

# Cue names/phrases that mark the post as sarcastic: praise in it counts for complaint instead.
SARCASM_MARKERS: Final = frozenset({"sarcasm"})

# Words that state a problem as a plain fact ("third outage", "charged twice", "still waiting") and
# words of praise: the learned model's contrast features (talkworthy.enrichment.intent_features) fire
# on praise beside a problem (sarcasm, mixed intents) and on a negated problem ("never crashes").
# General vocabulary of the domain, matched as whole normalised words; typos are left to char grams.
PROBLEM_WORDS: Final = frozenset(
    {
        "outage", "outages", "down", "downtime", "crash", "crashes", "crashed", "crashing", "broke", "broken",
        "breaks", "breaking", "bug", "bugs", "buggy", "error", "errors", "glitch", "lost", "lose", "loses",
        "losing", "deleted", "deletes", "wiped", "gone", "missing", "vanished", "disappeared", "disappear",
        "slow", "slower", "slowest", "lag", "lags", "laggy", "lagging", "freeze", "freezes", "froze", "frozen",
        "spinner", "spinning", "stuck", "timeout", "timing", "fails", "failed", "failing", "failure",
        "unusable", "useless", "charged", "overcharged", "billed", "double", "twice", "price", "prices",
        "pricing", "raised", "hike", "doubled", "paywall", "waiting", "waited", "late", "delayed", "delay",
        "ignored", "unanswered", "again", "still", "removed", "worse", "worst", "logged", "locked",
        "downgrade", "bloat", "bloated", "bloatware", "spam", "degraded", "disconnected", "queue", "blank",
        "empty", "wrong", "forgets", "forgot", "hides", "hidden", "confusing", "mess", "nightmare",
        "disappointed", "disappointing", "rude", "fiction", "garbage", "trash", "terrible", "awful",
        "horrible", "annoying", "frustrating", "unreliable", "unstable", "painful", "ridiculous", "insulting",
        "loading", "cancel", "leave", "leaving", "switched", "every", "third", "fourth", "fifth",
    }
)  # fmt: skip
PRAISE_WORDS: Final = frozenset(
    {
        "love", "loving", "loved", "great", "good", "nice", "amazing", "awesome", "brilliant", "wonderful",
        "fantastic", "excellent", "perfect", "best", "impressive", "impressed", "incredible", "stellar",
        "thanks", "thank", "appreciate", "kudos", "props", "congrats", "bravo", "glad", "happy", "yay",
        "cool", "fun", "favorite", "favourite", "enjoy", "joy", "emopos", "genius", "innovative",
    }
)  # fmt: skip
RESOLVED_WORDS: Final = frozenset(
    {
        "fixed", "fixes", "solved", "sorted", "resolved", "refunded", "restored", "recovered", "reversed",
        "rescued", "handled", "saved", "anymore", "finally",
    }
)  # fmt: skip

# How a complaint with no complaint word is told (the learned model's shape features, features
# version 3): a span of time, a count or a date told as a fact; an ask (its absence marks a story,
# not a request); the rhetorical questions that vent; "I"/"we"; emoji of trouble or waiting.
SPAN_PATTERN: Final = (
    r"\b\d+\+? ?(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|times?|clicks?|"
    r"emails?|tickets?|screens?|attempts?|rows?|tasks?)\b"
    r"|\b(?:day|week|month|hour|attempt|ticket) \d+\b"
    r"|\bthe \d+(?:st|nd|rd|th)\b"
    r"|\bsince (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|last|the|january|february|"
    r"march|april|may|june|july|august|september|october|november|december|\d)"
)
ASK_PATTERN: Final = (
    r"\?|\b(?:please|help|can you|could you|can someone|could someone|can anyone|would you|"
    r"need (?:a|the|your|someone|help)|any fix|any workaround|let me know|advise)\b"
)
RHETORICAL_PATTERN: Final = (
    r"\b(?:why (?:does|do|is|are|did|would|can't|won't|on earth)|who (?:decided|thought|asked|designed|needs)|"
    r"how (?:is it|hard can|many more|come)|what(?:'s| is) the point|is it (?:just me|normal|too much)|"
    r"am i the only|does (?:anyone|anybody) at|remember when|when did)\b"
)
FIRST_PERSON: Final = frozenset({"i", "i'm", "i've", "i'd", "me", "my", "we", "we're", "we've", "our", "us"})
TROUBLE_EMOJI: Final = frozenset("🐌🐢🦥💀🫠🤡🪦📉⏳⌛🔄🚨🚒🧯🥲😬😐🤷😳😵🫥👻💸🥊🧍🤯🫤🥴")
