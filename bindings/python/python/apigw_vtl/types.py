"""The shapes of the dicts the engine returns, for type annotations."""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, TypedDict

JSON = Any
"""A value made of dict, list, tuple, str, int, float, bool and None."""


class Overrides(TypedDict):
    """The ``$context`` overrides a template set; each value is a list (a list sets a multi-value header)."""

    request_header: Dict[str, List[str]]
    request_querystring: Dict[str, List[str]]
    request_path: Dict[str, List[str]]
    response_header: Dict[str, List[str]]
    response_status: Optional[str]


class Position(TypedDict):
    """A 1-based line and column (in characters) and the byte offset in the file."""

    line: int
    column: int
    offset: int


class _DiagnosticBase(TypedDict):
    rule: str
    severity: Literal["note", "warning", "error"]
    file: str
    start: Position
    end: Position
    message: str
    fixable: bool


class Diagnostic(_DiagnosticBase, total=False):
    """A lint finding, as ``apigw-vtl lint --format json`` prints it."""

    hint: str
    location: str


__all__ = ["JSON", "Diagnostic", "Overrides", "Position"]
