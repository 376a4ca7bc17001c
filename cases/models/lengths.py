"""Lengths of the free text and of the lists people and outside systems send.

The API states and checks them (400 with the field named), so no text reaches a column that
cannot hold it.
"""

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 4000  # descriptions, results, minutes, agreements
NOTE_MAX_LENGTH = 1000  # reasons, comments, supervision messages and their answers

# Lists of ids or people in one request: more is not a real case, only a cost.
MAX_CO_DEPARTMENTS = 20  # co-departments of one dispatch (a station has about a dozen)
MAX_PARTICIPANTS = 30  # people added to one mediation round
MAX_ATTENDED = 60  # participants marked present (the added people and the departments' representatives)
