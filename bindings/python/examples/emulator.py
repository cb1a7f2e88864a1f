"""Render the request an API receives the way API Gateway would, as an emulator does."""
import json
from urllib.parse import parse_qsl, urlsplit

from apigw_vtl import MappingTemplate

spec = json.load(open("openapi.json"))  # the API's OpenAPI document
integration = spec["paths"]["/execution"]["post"]["x-amazon-apigateway-integration"]
template = MappingTemplate(integration["requestTemplates"]["application/json"])  # parse once


def integration_request(method, url, headers, body, stage="alpha"):  # an incoming HTTP request
    out = template.render(body=body, headers=headers, query=dict(parse_qsl(urlsplit(url).query)),
                          context={"httpMethod": method, "resourcePath": "/execution", "stage": stage})
    return out.body, out.overrides  # what API Gateway sends to the integration, and its overrides
