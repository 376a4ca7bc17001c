"""The REST API under /api/ (issue 5): thin adapters over the access gate and the services.

Every view validates its input with a serializer, asks the access gate for the case
(``cases.access``), calls one service and serializes what it returns. Business rules live in the
services and their transition table; the API adds none of its own.
"""
