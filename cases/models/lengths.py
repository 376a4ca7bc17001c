"""Lengths of the free text people and outside systems send.

The API states and checks them (400 with the field named), so no text reaches a column that
cannot hold it.
"""

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 4000  # descriptions, results, minutes, agreements
NOTE_MAX_LENGTH = 1000  # reasons, comments, supervision messages and their answers
