"""Cases and everything that happens to them (DESIGN §2, §4–§7), one module per theme.

Everything public is re-exported here: import from ``cases.models``, not from its modules.
"""

from cases.models.assignments import (
    INACTIVE_ASSIGNMENT_STATUSES,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    ChiefDecision,
    DecisionStatus,
    Extension,
    Hold,
    ReturnRequest,
)
from cases.models.case import (
    OPEN_STATUSES,
    Attachment,
    AttachmentPurpose,
    Case,
    CaseEvent,
    CaseNumberSequence,
    CaseStatus,
    DispatchMode,
    Feedback,
    Ladder,
    Party,
    PartyRole,
    Satisfaction,
    Source,
)
from cases.models.lengths import (
    NOTE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from cases.models.mediation import (
    MediationOutcome,
    MediationParticipant,
    MediationSession,
    Summons,
)
from cases.models.supervision import (
    Deadline,
    Supervision,
)
from cases.models.taxonomy import (
    Category,
    Clarity,
    Complexity,
    KeywordRule,
    SlaRule,
    TimeUnit,
    Urgency,
)
from cases.models.viewlog import (
    AccessKind,
    PersonalDataAccess,
)

__all__ = [
    "INACTIVE_ASSIGNMENT_STATUSES",
    "NOTE_MAX_LENGTH",
    "OPEN_STATUSES",
    "TEXT_MAX_LENGTH",
    "TITLE_MAX_LENGTH",
    "AccessKind",
    "Assignment",
    "AssignmentRole",
    "AssignmentStatus",
    "Attachment",
    "AttachmentPurpose",
    "Case",
    "CaseEvent",
    "CaseNumberSequence",
    "CaseStatus",
    "Category",
    "ChiefDecision",
    "Clarity",
    "Complexity",
    "Deadline",
    "DecisionStatus",
    "DispatchMode",
    "Extension",
    "Feedback",
    "Hold",
    "KeywordRule",
    "Ladder",
    "MediationOutcome",
    "MediationParticipant",
    "MediationSession",
    "Party",
    "PartyRole",
    "PersonalDataAccess",
    "ReturnRequest",
    "Satisfaction",
    "SlaRule",
    "Source",
    "Summons",
    "Supervision",
    "TimeUnit",
    "Urgency",
]
