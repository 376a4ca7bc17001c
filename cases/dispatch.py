"""The "4+X" dispatch rule (DESIGN §5): plain facts in, a plan out.

权责清晰的事项各自管，边界模糊的事项联合管. This module is pure: no ORM, no Django, no clock, no
randomness. A selector builds `DispatchFacts` from the database; a service stores
`DispatchPlan.to_json()` on the case (`Case.dispatch_plan`) and creates the assignments. The
chief may override any part of the plan; that is recorded elsewhere.

Two things depend on data the rule cannot compute by itself, and both come in from outside:

* SLA: the category is an *output* of rule 1, so the caller cannot hand over one resolved SLA.
  `DispatchFacts.sla_for` maps a category id to its SLA, already resolved by the caller for this
  case's urgency (category, then parent category, then district default — the `SlaRule`
  precedence, kept in one place outside this module); key `None` is the district default for a
  category with no entry. Plain data rather than a callback keeps the facts inspectable and the
  function trivially repeatable.
* Working time: `add_time(start, amount, unit)` is the working calendar (holidays, 调休, working
  hours), injected so that this module never reads it.

String values mirror `cases.models` (DispatchMode, Clarity, Urgency, TimeUnit) and
`workstation.models.StationDepartment.Presence`; they are plain constants so the module imports
without Django. tests/test_dispatch_rule.py checks that they agree.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

SOLO = "solo"
JOINT = "joint"
CLEAR = "clear"
BLURRED = "blurred"
MAJOR = "major"
STATIONED = "stationed"
LIAISON = "liaison"
WORK_HOURS = "work_hours"
WORK_DAYS = "work_days"
CLOCK_HOURS = "clock_hours"

# A suggestion whose best category holds less than this share of all matched weight is flagged.
LOW_CONFIDENCE_BELOW = 0.6
# A suggestion resting on one keyword of at most this weight is flagged, however "sure" it looks.
WEAK_WEIGHT = 1

AddTime = Callable[[datetime, int, str], datetime]


# --- Facts in ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentFacts:
    id: int
    name: str


@dataclass(frozen=True)
class PresenceFacts:
    """A department's presence at this station: "stationed" (the 4) or "liaison" (an X)."""

    department_id: int
    presence: str
    liaison_officer_id: int | None = None


@dataclass(frozen=True)
class CategoryFacts:
    id: int
    name: str
    owner_id: int | None
    clarity: str  # "clear" | "blurred"
    co_department_ids: tuple[int, ...] = ()  # in the caller's stable order (e.g. by department code)
    complexity: int = 5  # default handling time in working days: 1, 5 or 15


@dataclass(frozen=True)
class KeywordFacts:
    keyword: str
    category_id: int
    weight: int = 1


@dataclass(frozen=True)
class PartyFacts:
    """A party, by the text that tells which owner it relates to (an employer in a wage dispute)."""

    name: str
    organization: str = ""
    description: str = ""


@dataclass(frozen=True)
class SlaFacts:
    sign_amount: int
    sign_unit: str
    handle_amount: int | None  # None: the category's complexity, in working days
    handle_unit: str


@dataclass(frozen=True)
class DispatchFacts:
    category_id: int | None  # the reporter's choice, if any
    title: str
    description: str
    urgency: str  # "normal" | "urgent" | "major"
    grid_id: int | None  # carried for the record; no rule reads it yet
    parties: tuple[PartyFacts, ...]
    categories: tuple[CategoryFacts, ...]  # the active taxonomy
    keywords: tuple[KeywordFacts, ...]  # the active keyword rules
    roster: tuple[PresenceFacts, ...]  # this station's 4+X
    departments: tuple[DepartmentFacts, ...]  # names for the reasons
    sla_for: Mapping[int | None, SlaFacts]  # per category id for this urgency; None = default
    now: datetime  # aware; the moment of dispatch
    chief_lead_id: int | None = None  # the chief's choice of lead when the rule cannot name one


# --- Plan out ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One line of why: a code and its plain parameters (names, keywords, numbers). The words are
    chosen by ``cases.wording`` in the reader's language; this module writes no sentence."""

    code: str
    params: dict

    def to_json(self) -> dict:
        return {"code": self.code, "params": self.params}


@dataclass(frozen=True)
class CategorySuggestion:
    category_id: int
    confidence: float  # 0..1: the best category's share of all matched weight
    low_confidence: bool
    matched: tuple[str, ...]  # the best category's keywords, in order of appearance


@dataclass(frozen=True)
class Summons:
    department_id: int
    liaison_officer_id: int | None


@dataclass(frozen=True)
class DispatchPlan:
    mode: str  # "solo" | "joint"
    category_id: int | None
    suggestion: CategorySuggestion | None
    lead_id: int | None
    co_ids: tuple[int, ...]
    summons: tuple[Summons, ...]
    propose_mediation: bool
    sign_due_at: datetime | None
    handle_due_at: datetime | None
    reasons: tuple[Reason, ...]
    needs_chief: bool  # no lead could be determined: the chief must choose

    def to_json(self) -> dict:
        """A JSON-serialisable dict (ISO 8601 datetimes) for `Case.dispatch_plan`."""
        suggestion = self.suggestion
        return {
            "mode": self.mode,
            "category_id": self.category_id,
            "suggestion": None
            if suggestion is None
            else {
                "category_id": suggestion.category_id,
                "confidence": suggestion.confidence,
                "low_confidence": suggestion.low_confidence,
                "matched": list(suggestion.matched),
            },
            "lead_id": self.lead_id,
            "co_ids": list(self.co_ids),
            "summons": [
                {"department_id": s.department_id, "liaison_officer_id": s.liaison_officer_id} for s in self.summons
            ],
            "propose_mediation": self.propose_mediation,
            "sign_due_at": iso(self.sign_due_at),
            "handle_due_at": iso(self.handle_due_at),
            "reasons": [reason.to_json() for reason in self.reasons],
            "needs_chief": self.needs_chief,
        }


# --- The rule ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Score:
    category_id: int
    score: int
    matched: tuple[str, ...]

    @property
    def rank(self) -> tuple[int, int, int]:
        # Higher score, then more keywords, then the lower category id.
        return (-self.score, -len(self.matched), self.category_id)


def _score(text: str, keywords: Iterable[KeywordFacts], category_ids: set[int]) -> list[_Score]:
    """Matched categories, best first. A keyword counts once however often it appears."""
    haystack = text.casefold()
    found: dict[int, dict[str, tuple[int, int]]] = {}  # category -> keyword -> (position, weight)
    for rule in keywords:
        keyword = rule.keyword.strip()
        if not keyword or rule.category_id not in category_ids:
            continue
        position = haystack.find(keyword.casefold())
        if position < 0:
            continue
        per_category = found.setdefault(rule.category_id, {})
        _, weight = per_category.get(keyword, (position, 0))
        per_category[keyword] = (position, max(weight, rule.weight))
    scores = [
        _Score(
            category_id=category_id,
            score=sum(weight for _, weight in hits.values()),
            matched=tuple(sorted(hits, key=lambda k: (hits[k][0], k))),
        )
        for category_id, hits in found.items()
    ]
    return sorted(scores, key=lambda s: s.rank)


def suggest_category(
    text: str, keywords: Iterable[KeywordFacts], categories: Iterable[CategoryFacts]
) -> CategorySuggestion | None:
    """Suggest a category from the keyword rules matched in `text`, or None if none match.

    Each category scores the sum of the weights of its matched keywords; the best ranked wins
    (higher score, then more keywords, then lower id). Confidence is its share of all matched
    weight. It is low when that share is under LOW_CONFIDENCE_BELOW, when another category ties
    on score, or when it rests on a single keyword of weight WEAK_WEIGHT or less.
    """
    ranked = _score(text, keywords, {c.id for c in categories})
    if not ranked:
        return None
    best = ranked[0]
    confidence = best.score / sum(s.score for s in ranked)
    tie = len(ranked) > 1 and ranked[1].score == best.score
    weak = len(best.matched) == 1 and best.score <= WEAK_WEIGHT
    return CategorySuggestion(
        category_id=best.category_id,
        confidence=confidence,
        low_confidence=confidence < LOW_CONFIDENCE_BELOW or tie or weak,
        matched=best.matched,
    )


def plan_dispatch(facts: DispatchFacts, *, add_time: AddTime) -> DispatchPlan:
    """Decide who handles a case, and by when. The rules, in order:

    1. Category: the reporter's choice; else a suggestion from the keyword rules matched in the
       title, description and party text (see `suggest_category`), flagged when low-confidence.
       No match and no choice: no category, and the chief chooses.
    2. Clarity: a `clear` category with an owner and none of rule 3's triggers → `solo`, lead =
       the owner, no co-departments.
    3. `joint` when ANY of: the category is `blurred`; the title or description matches
       categories of other owners; a party's text matches categories of other owners; urgency
       is `major`. Every matching keyword rule counts, not only the best: each other category
       matched, owned by someone else, gives its own reason line (with the words matched in the
       title or description; a party's words are personal data and are not quoted), even when
       two of them share an owner. Lead = the category's owner; co = the category's
       co-departments, then the other owners from the text (best match first), then those from
       the parties (in party order), deduplicated and never the lead. A joint mediation session
       is proposed.
       In either mode, with no owner the lead is `chief_lead_id`; failing that, `needs_chief`.
    4. Every chosen department (lead, then co) that is `liaison` at this station gets a summons
       to its liaison officer (None, with a warning, if it has none). A department not on the
       station's roster is still assigned, with a note that it is not stationed here.
    5. Due times, both counted from `now` (handling starts at dispatch, DESIGN §4):
       sign = add_time(now, sign amount, unit); handle = add_time(now, handle amount, unit),
       where a missing handle amount means the category's complexity in working days. The SLA is
       `sla_for[category]`, else `sla_for[None]`. No category or no SLA: no due times.
    """
    if facts.now.utcoffset() is None:
        raise ValueError("facts.now must be an aware datetime")

    categories = {c.id: c for c in facts.categories}
    category_ids = set(categories)
    names = {d.id: d.name for d in facts.departments}
    roster = {p.department_id: p for p in facts.roster}
    reasons: list[Reason] = []

    def dept(department_id: int) -> str:
        return names.get(department_id, f"#{department_id}")

    def cat(category_id: int) -> str:
        category = categories.get(category_id)
        return category.name if category else f"#{category_id}"

    # Party names are personal data: they feed the matching but never appear in a reason.
    case_text = f"{facts.title}\n{facts.description}"
    party_texts = [f"{p.name}\n{p.organization}\n{p.description}" for p in facts.parties]

    # 1. Category.
    suggestion = None
    category_id = facts.category_id
    if category_id is not None:
        reasons.append(Reason("category_chosen", {"category": cat(category_id)}))
    else:
        suggestion = suggest_category("\n".join([case_text, *party_texts]), facts.keywords, facts.categories)
        if suggestion is None:
            reasons.append(Reason("no_keyword_match", {}))
        else:
            category_id = suggestion.category_id
            reasons.append(
                Reason(
                    "category_suggested",
                    {
                        "keywords": list(suggestion.matched),
                        "category": cat(category_id),
                        "confidence": suggestion.confidence,
                    },
                )
            )
            if suggestion.low_confidence:
                reasons.append(Reason("low_confidence", {}))
    category = categories.get(category_id) if category_id is not None else None
    if category_id is not None and category is None:
        reasons.append(Reason("category_inactive", {"category": cat(category_id)}))
    owner_id = category.owner_id if category else None

    # 3. Joint triggers (checked before rule 2, which applies only when none fires).
    def other_matters(texts: Iterable[str], named: set[int]) -> list[tuple[int, _Score]]:
        """(owner, match) for each category matched in `texts` that someone else owns, best
        match first, each category once and none already in `named`."""
        matters: dict[int, tuple[int, _Score]] = {}
        for text in texts:
            for score in _score(text, facts.keywords, category_ids):
                other = categories[score.category_id].owner_id
                if other is not None and other != owner_id and score.category_id not in named:
                    matters.setdefault(score.category_id, (other, score))
        return list(matters.values())

    triggers: list[Reason] = []
    if category is not None and category.clarity == BLURRED:
        triggers.append(Reason("blurred", {"category": cat(category.id)}))
    text_matters = other_matters([case_text], set())
    for other, score in text_matters:
        matter = {"category": cat(score.category_id), "owner": dept(other), "keywords": list(score.matched)}
        triggers.append(Reason("text_matter", matter))
    party_matters = other_matters(party_texts, {score.category_id for _, score in text_matters})
    for other, score in party_matters:
        triggers.append(Reason("party_matter", {"category": cat(score.category_id), "owner": dept(other)}))
    if facts.urgency == MAJOR:
        triggers.append(Reason("major", {}))
    reasons.extend(triggers)
    joint = bool(triggers)

    # 2./3. Lead and co-departments.
    lead_id = owner_id if owner_id is not None else facts.chief_lead_id
    if category is not None and owner_id is None:
        reasons.append(Reason("no_owner", {"category": cat(category.id)}))
    if owner_id is None and lead_id is not None:
        reasons.append(Reason("chief_lead", {"department": dept(lead_id)}))
    co_ids: tuple[int, ...] = ()
    if joint:
        candidates = [
            *(category.co_department_ids if category else ()),
            *(other for other, _ in text_matters),
            *(other for other, _ in party_matters),
        ]
        co_ids = tuple(d for d in dict.fromkeys(candidates) if d != lead_id)
        co = [dept(d) for d in co_ids]
        if lead_id is None:
            reasons.append(Reason("joint_lead_pending", {"co": co}))
        else:
            reasons.append(Reason("joint", {"lead": dept(lead_id), "co": co}))
    elif category is not None and owner_id is not None:
        reasons.append(Reason("solo", {"category": cat(category.id), "department": dept(owner_id)}))
    if lead_id is None:
        reasons.append(Reason("needs_chief", {}))

    # 4. Summons for X departments; a note for departments not stationed here.
    summons: list[Summons] = []
    for department_id in ([lead_id] if lead_id is not None else []) + list(co_ids):
        presence = roster.get(department_id)
        if presence is None:
            reasons.append(Reason("not_stationed", {"department": dept(department_id)}))
        elif presence.presence == LIAISON:
            summons.append(Summons(department_id, presence.liaison_officer_id))
            if presence.liaison_officer_id is None:
                reasons.append(Reason("liaison_unregistered", {"department": dept(department_id)}))
            else:
                reasons.append(Reason("liaison_summoned", {"department": dept(department_id)}))

    # 5. Due times.
    sign_due_at = handle_due_at = None
    sla = None if category_id is None else facts.sla_for.get(category_id, facts.sla_for.get(None))
    if category_id is None:
        reasons.append(Reason("due_pending_category", {}))
    elif sla is None:
        reasons.append(Reason("no_sla", {"category": cat(category_id)}))
    else:
        sign_due_at = add_time(facts.now, sla.sign_amount, sla.sign_unit)
        handle_amount, handle_unit = sla.handle_amount, sla.handle_unit
        if handle_amount is None and category is not None:
            handle_amount, handle_unit = category.complexity, WORK_DAYS
        if handle_amount is not None:
            handle_due_at = add_time(facts.now, handle_amount, handle_unit)
        handling = {"amount": handle_amount, "unit": handle_unit} if handle_amount is not None else None
        sign = {"amount": sla.sign_amount, "unit": sla.sign_unit}
        reasons.append(Reason("due_times", {"sign": sign, "handle": handling}))

    return DispatchPlan(
        mode=JOINT if joint else SOLO,
        category_id=category_id,
        suggestion=suggestion,
        lead_id=lead_id,
        co_ids=co_ids,
        summons=tuple(summons),
        propose_mediation=joint,
        sign_due_at=sign_due_at,
        handle_due_at=handle_due_at,
        reasons=tuple(reasons),
        needs_chief=lead_id is None,
    )


def iso(moment: datetime | None) -> str | None:
    """A moment as the plan's JSON stores it (ISO 8601), or None."""
    return None if moment is None else moment.isoformat()
