"""The exceptions the engine raises; each carries where the problem is."""

from __future__ import annotations


class ApigwVtlError(Exception):
    """The base of this package's exceptions."""


class TemplateSyntaxError(ApigwVtlError, ValueError):
    """A template that does not parse (or is over API Gateway's 300 KB).

    ``line`` and ``column`` are 1-based; columns count characters.
    """

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.message = message
        self.line = line
        self.column = column


class TemplateRenderError(ApigwVtlError):
    """A render that failed: a Java method that throws on API Gateway, a limit, ...

    ``kind`` is one of ``"method-failed"``, ``"unsupported"``, ``"limit"``,
    ``"invalid"``, ``"write"``.
    """

    def __init__(self, message: str, line: int, column: int, kind: str) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.message = message
        self.line = line
        self.column = column
        self.kind = kind


class InvalidRequestError(ApigwVtlError, ValueError):
    """A request the engine cannot take: a malformed event field, a body over 10 MB.

    ``field`` names it, e.g. ``"event.headers.Accept"`` or ``"body"``.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
