from __future__ import annotations

import os
from typing import Mapping, Optional, Sequence, Union, final

from .types import JSON, Diagnostic, Overrides

__version__: str

__all__ = ["MappingTemplate", "RenderResult", "lint", "__version__"]

@final
class RenderResult:
    """What a render produced."""

    @property
    def body(self) -> str: ...
    @property
    def overrides(self) -> Overrides: ...

@final
class MappingTemplate:
    """A mapping template, parsed once.

    Immutable: render it from any number of threads at once (the GIL is
    released while rendering). Raises :class:`TemplateSyntaxError` with
    ``line`` and ``column`` when the template does not parse.
    """

    def __new__(cls, source: str) -> MappingTemplate: ...
    @property
    def source(self) -> str: ...
    def render(
        self,
        event: Union[Mapping[str, JSON], str, bytes, None] = None,
        *,
        body: Union[str, bytes, Mapping[str, JSON], Sequence[JSON], None] = None,
        headers: Optional[Mapping[str, Optional[str]]] = None,
        query: Optional[Mapping[str, Optional[str]]] = None,
        path_params: Optional[Mapping[str, Optional[str]]] = None,
        stage_variables: Optional[Mapping[str, Optional[str]]] = None,
        context: Optional[Mapping[str, JSON]] = None,
    ) -> RenderResult:
        """Renders against a request.

        ``event`` is an API Gateway REST proxy event (a dict, or its JSON text);
        each part given replaces the event's: ``body`` (a dict or list is sent as
        compact JSON), ``headers``, ``query`` (query-string parameters),
        ``path_params``, ``stage_variables`` and ``context`` (the
        ``requestContext``). Raises :class:`TemplateRenderError` (with ``line``
        and ``column``) when the render fails and :class:`InvalidRequestError`
        for a malformed event.
        """

def lint(
    source: Union[str, os.PathLike[str]],
    *,
    filename: Optional[str] = None,
    allow: Sequence[str] = ...,
    deny: Sequence[str] = ...,
    event: Union[Mapping[str, JSON], str, bytes, None] = None,
) -> list[Diagnostic]:
    """Lints template text, or the files under a path.

    A ``str`` is template text; ``filename`` (default ``template.vtl``) names
    it in the diagnostics and says what kind of document it is (``.vtl``,
    ``.json``/``.yaml`` OpenAPI or CloudFormation). An ``os.PathLike`` is a file
    or a directory read from disk. ``allow`` and ``deny`` switch rules off or
    make them errors; ``event`` is the request the output check renders
    against. Diagnostics are dicts, as ``apigw-vtl lint --format json`` prints them.
    """
