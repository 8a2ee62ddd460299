"""Replacing an attribute of moto's with the original kept, so that every fix can call it and be undone.

moto has no extension point for the behaviours devtools/motoserver.py restores
(its settings and /moto-api/config cover Docker, managed policies and the
like), so a fix replaces a function or class attribute. patch() records what
it replaced: original() hands it to a wrapper, undo() puts everything back.
"""

from __future__ import annotations

from typing import Any, NamedTuple

# An attribute the target inherited (or lacked): undo() deletes the replacement instead of restoring.
_INHERITED = object()


class Original(NamedTuple):
    own: Any  # the target's own attribute as stored (a staticmethod stays one), or _INHERITED
    value: Any  # what getattr(target, name) gave (None if the target lacked it): what a wrapper calls


_originals: dict[tuple[int, str], tuple[Any, str, Original]] = {}


def patch(target: Any, name: str, replacement: Any) -> Any:
    """Set target.name to replacement and return what it replaces; each attribute is patched once."""
    key = (id(target), name)
    if key in _originals:
        raise RuntimeError(f"{getattr(target, '__name__', target)}.{name} is patched already")
    own = vars(target).get(name, _INHERITED)
    value = getattr(target, name, None)  # moto looks some hooks up with hasattr(): a class may lack one
    _originals[key] = (target, name, Original(own, value))
    setattr(target, name, replacement)
    return value


def original(target: Any, name: str) -> Any:
    """What patch() replaced at target.name (a function of a class takes self first)."""
    return _originals[(id(target), name)][2].value


def patched() -> list[tuple[Any, str]]:
    """Every (target, name) replaced, in the order patch() replaced them."""
    return [(target, name) for target, name, _ in _originals.values()]


def undo() -> None:
    """Put every original back, the last patched first."""
    for key in reversed(list(_originals)):
        target, name, saved = _originals.pop(key)
        if saved.own is _INHERITED:
            delattr(target, name)
        else:
            setattr(target, name, saved.own)
