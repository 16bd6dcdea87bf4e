"""One strict JSON reader for what a case, a bundle or a settings file holds.

Python's json accepts NaN, Infinity, integers of thousands of digits, numbers that overflow to
infinity, lone UTF-16 surrogates and nesting deep enough to raise RecursionError. A file from
someone else may hold any of them; this reader refuses each with a ValueError that says which.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from desktop.core.i18n import tr

MAX_DEPTH = 64
# The largest integer the program writes is a nanosecond clock reading (19 digits).
MAX_INT_DIGITS = 20
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class StrictJSONError(ValueError):
    """JSON this program refuses to read; str(error) says why, in words."""


def _refuse_constant(name: str) -> Any:
    raise StrictJSONError(tr("it holds {value}, which is not a number JSON allows", value=name))


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise StrictJSONError(
            tr(
                "it holds an integer of {count} digits (at most {limit} are accepted)",
                count=len(text.lstrip("-")),
                limit=MAX_INT_DIGITS,
            )
        )
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise StrictJSONError(
            tr("it holds the number {value}, too large to be stored", value=text[:40])
        )
    return value


def _too_deep(data: bytes, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit` (brackets in strings do not count)."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False  # the common case, decided without a scan
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub(b'""', data)):
        depth += 1 if match.group() in (b"[", b"{") else -1
        if depth > limit:
            return True
    return False


def _check_text(value: Any) -> None:
    """Refuse strings that cannot be written back as UTF-8 (a lone surrogate escape)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise StrictJSONError(
                    tr("it holds text that is not valid Unicode (a lone surrogate)")
                ) from None
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def strict_loads(data: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON text, refusing what the module docstring lists; raises StrictJSONError."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if _too_deep(raw, max_depth):
        raise StrictJSONError(
            tr("it nests arrays or objects deeper than {limit} levels", limit=max_depth)
        )
    try:
        value = json.loads(
            raw,
            parse_constant=_refuse_constant,
            parse_int=_bounded_int,
            parse_float=_finite_float,
        )
    except StrictJSONError:
        raise
    except UnicodeDecodeError:
        raise StrictJSONError(tr("it is not UTF-8 text")) from None
    except (ValueError, RecursionError) as error:
        raise StrictJSONError(tr("it is not valid JSON ({reason})", reason=error)) from None
    if _SURROGATE_ESCAPE.search(raw):
        _check_text(value)
    return value
