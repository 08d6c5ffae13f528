"""A first-character filter for long alternations of regular expressions.

Python's regex engine tries a pattern at every position of the text. For an alternation of
many patterns that each start with `\\b` (the staff-protocol and personal-data rule lists)
it enters every alternative at every position, which makes these lists a large part of the
scoring time. `with_first_char_filter` puts a lookahead on the characters a match can start
with in front of the pattern: `(?=[hkos])(?:...)`. Positions whose character is not in that
set fail on one test. The lookahead is implied by the pattern itself, so the matches (spans
and groups) are exactly those of the pattern without it.

The set of first characters is read from the parsed pattern and is a superset of the truth
(zero-width items are skipped, lookarounds are ignored); when it cannot be determined (a
`\\w`, `.` or negated class first, a pattern that can match the empty string, case-folding
flags) or when the engine already scans for a literal prefix or a first-character set on
its own, the pattern is returned unchanged.
"""

from __future__ import annotations

import re
from re import _compiler as sre_compiler  # internal, stable in CPython 3.11-3.13
from re import _constants as sre
from re import _parser as sre_parser
from typing import Any

_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_MAX_RANGE = 256  # a wider character range first (any letter) makes the filter useless
# classes kept as a class in the filter (same flags, so the same meaning); \w is left out:
# a filter that lets every letter through is no use
_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_SPACE: r"\s"}


def _first_of_sequence(items: Any) -> tuple[set[str], bool] | None:
    """(characters a match of the sequence can start with, whether it can match empty).

    The set holds single characters and the class escapes of _CATEGORIES."""
    chars: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        first = _first_of_item(op, av)
        if first is None:
            return None
        item_chars, nullable = first
        chars |= item_chars
        if not nullable:
            return chars, False
    return chars, True


def _first_of_item(op: Any, av: Any) -> tuple[set[str], bool] | None:
    if op is sre.LITERAL:
        return {chr(av)}, False
    if op is sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is sre.LITERAL:
                chars.add(chr(value))
            elif kind is sre.RANGE and value[1] - value[0] < _MAX_RANGE:
                chars.update(chr(c) for c in range(value[0], value[1] + 1))
            elif kind is sre.CATEGORY and value in _CATEGORIES:
                chars.add(_CATEGORIES[value])
            else:  # NEGATE, \w and negated classes, wide ranges: unknown
                return None
        return chars, False
    if op is sre.BRANCH:
        union: set[str] = set()
        any_nullable = False
        for alternative in av[1]:
            first = _first_of_sequence(alternative)
            if first is None:
                return None
            union |= first[0]
            any_nullable = any_nullable or first[1]
        return union, any_nullable
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:  # inline flags may change what a class or letter means
            return None
        return _first_of_sequence(sub)
    if op is sre.ATOMIC_GROUP:
        return _first_of_sequence(av)
    if op in _REPEATS:
        low, _high, body = av
        first = _first_of_sequence(body)
        if first is None:
            return None
        return first[0], first[1] or low == 0
    return None  # ANY, NOT_LITERAL, GROUPREF, CATEGORY, ...


def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The characters every match of `pattern` starts with (a superset), or None."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = sre_parser.parse(pattern.pattern, pattern.flags)
    except (re.error, AttributeError, TypeError, ValueError):  # pragma: no cover
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    first = _first_of_sequence(parsed.data)
    if first is None or first[1] or not first[0]:
        return None
    return frozenset(first[0])


def _engine_scans_itself(pattern: re.Pattern[str]) -> bool:
    """Does the engine already skip ahead by a literal prefix or a first-character set?"""
    parsed = sre_parser.parse(pattern.pattern, pattern.flags)
    flags = parsed.state.flags | pattern.flags
    prefix, _skip, _all = sre_compiler._get_literal_prefix(parsed, flags)
    return bool(prefix) or bool(sre_compiler._get_charset_prefix(parsed, flags))


def with_first_char_filter(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` with a lookahead on its first characters in front (same matches), or
    `pattern` itself when no useful, safe filter exists."""
    chars = first_chars(pattern)
    if chars is None:
        return pattern
    try:
        if _engine_scans_itself(pattern):
            return pattern
        classes = set(_CATEGORIES.values())
        char_class = "".join(c if c in classes else re.escape(c) for c in sorted(chars))
        return re.compile(f"(?=[{char_class}])(?:{pattern.pattern})", pattern.flags)
    except (re.error, AttributeError, TypeError, ValueError):  # e.g. global flags inline
        return pattern
