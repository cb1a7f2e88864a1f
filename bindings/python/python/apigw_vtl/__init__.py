"""Amazon API Gateway VTL mapping templates, rendered byte for byte as API Gateway renders them.

>>> from apigw_vtl import MappingTemplate
>>> t = MappingTemplate('{"id": "$input.params(\\'id\\')", "n": $input.path(\\'$.items\\').size()}')
>>> t.render(path_params={"id": "abc"}, body='{"items": [1, 2, 3]}').body
'{"id": "abc", "n": 3}'
"""

from ._errors import (
    ApigwVtlError,
    InvalidRequestError,
    TemplateRenderError,
    TemplateSyntaxError,
)
from ._native import MappingTemplate, RenderResult, __version__, lint
from .types import Diagnostic, Overrides, Position

__all__ = [
    "ApigwVtlError",
    "Diagnostic",
    "InvalidRequestError",
    "MappingTemplate",
    "Overrides",
    "Position",
    "RenderResult",
    "TemplateRenderError",
    "TemplateSyntaxError",
    "__version__",
    "lint",
]
