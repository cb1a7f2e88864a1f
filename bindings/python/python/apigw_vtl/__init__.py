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

__all__ = [
    "ApigwVtlError",
    "InvalidRequestError",
    "MappingTemplate",
    "RenderResult",
    "TemplateRenderError",
    "TemplateSyntaxError",
    "__version__",
    "lint",
]
