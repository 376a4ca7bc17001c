"""The API's serializer bases: DRF's, with each class's fields built once, not on every instance.

DRF gives every serializer instance its own field objects (binding a field to its serializer
sets its name, parent and source on it) and makes them the costly way: ``copy.deepcopy`` of the
declared fields, which re-runs each field's ``__init__`` on deep copies of its arguments (choices,
validators, lazy labels), and for a ModelSerializer the model's introspection on top. That was a
third of a filing's serialization (``POST /api/cases/`` validates one input and renders one
detail with fifteen nested serializers).

Here a class builds its fields once (the first instance asks DRF, as before) and every instance
gets copies of them:

- a plain field, a shallow copy: a field is configured in ``__init__`` and afterwards only
  binding writes to it, and binding assigns new attributes on the copy (``field_name``,
  ``parent``, ``label``, ``source``, ``source_attrs``), leaving the built one untouched;
- a field holding other fields (a nested serializer, a ``many=True`` list, a ``ListField``'s
  ``child``, a ``ManyRelatedField``'s ``child_relation``), made again from its constructor's
  arguments, as DRF's deep copy does: binding it binds its children to it, so they must be its
  own, never shared between instances (a shared child would read another request's context
  through its parent).

Only for serializers whose fields do not depend on the instance, its data or its context; no
serializer of this API decides its fields so (one that does must subclass DRF's own class).
"""

from __future__ import annotations

from rest_framework import serializers

_built: dict[type, dict[str, serializers.Field]] = {}


def _holds_fields(field: serializers.Field) -> bool:
    return isinstance(field, serializers.BaseSerializer) or hasattr(field, "child") or hasattr(field, "child_relation")


def _shallow_copy(field: serializers.Field) -> serializers.Field:
    # ``copy.copy`` without its generic protocol (``__reduce_ex__``): a field is a plain object
    # whose state is its ``__dict__`` (DRF's fields define no ``__slots__`` and no ``__copy__``).
    copied = object.__new__(type(field))
    copied.__dict__.update(field.__dict__)
    return copied


def _remade(field: serializers.Field) -> serializers.Field:
    # A new field from the constructor's arguments, the fields among them made anew the same way
    # (a child was bound to its parent when the parent was built: it is never copied).
    args = [_remade(a) if isinstance(a, serializers.Field) else a for a in field._args]
    kwargs = {k: _remade(v) if isinstance(v, serializers.Field) else v for k, v in field._kwargs.items()}
    return type(field)(*args, **kwargs)


def unbound_copy(field: serializers.Field) -> serializers.Field:
    """A fresh, unbound copy of a built (never bound) field.

    A field holding other fields is made again from its constructor's arguments, as DRF's
    ``Field.__deepcopy__`` does (so its children are new and bound to it alone), with the fields
    among those arguments made again the same way; the other arguments (names, labels, flags,
    limits) are passed as they are, not deep-copied: a constructor reads them, it does not change
    them. Any other field is a shallow copy.
    """
    return _remade(field) if _holds_fields(field) else _shallow_copy(field)


def unbound_copies(fields: dict[str, serializers.Field]) -> dict[str, serializers.Field]:
    """Fresh, unbound copies of a class's built fields, for one serializer instance."""
    return {name: unbound_copy(f) for name, f in fields.items()}


def fields_of(serializer: serializers.Serializer, build) -> dict[str, serializers.Field]:
    """The serializer's fields: ``build()`` (DRF's ``get_fields``) once per class, then copies."""
    built = _built.get(type(serializer))
    if built is None:
        built = _built[type(serializer)] = build()
    return unbound_copies(built)


# Comments, not docstrings, on the classes: the schema would take a base class's docstring for
# the description of every serializer without one of its own.


# DRF's Serializer, its declared fields copied cheaply per instance (module docstring).
class Serializer(serializers.Serializer):
    def get_fields(self):
        return fields_of(self, super().get_fields)


# DRF's ModelSerializer, its fields built from the model once per class (module docstring).
class ModelSerializer(serializers.ModelSerializer):
    def get_fields(self):
        return fields_of(self, super().get_fields)
