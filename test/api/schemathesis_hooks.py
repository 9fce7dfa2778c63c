"""Schemathesis hooks of the API gate (test/api/api-documents.test.ts): what a fuzzer cannot learn from a schema.

Positive cases (those the document says are valid) are kept valid where a schema cannot say what valid is, as the
document marks it; negative cases are left as generated. See docs/api.md.
"""

import copy
import re

import schemathesis

# A parameter whose values only come from an earlier response (a list's cursor, a write's Position-Token).
OPAQUE = "x-crm-opaque"
# A property the service checks beyond its schema (a phone number valid in its country); its `example` keeps the rule.
RULE = "x-crm-rule"
# Response headers the platform and the kit set: wherever one is sent, the operation must declare it.
PLATFORM_HEADERS = ("etag", "location", "position-token", "idempotent-replayed", "retry-after")


def _resolve(root, schema):
    while isinstance(schema, dict) and "$ref" in schema:
        schema = root["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _keep_rules(root, schema, value):
    """The value with every part a rule binds replaced by the documented example of that part."""
    schema = _resolve(root, schema)
    if not isinstance(schema, dict) or value is None:
        return value
    if schema.get(RULE) and "example" in schema:
        return copy.deepcopy(schema["example"])
    for part in schema.get("allOf", []):
        value = _keep_rules(root, part, value)
    if isinstance(value, dict):
        for name, part in schema.get("properties", {}).items():
            if name in value:
                value[name] = _keep_rules(root, part, value[name])
    elif isinstance(value, list) and "items" in schema:
        value = [_keep_rules(root, schema["items"], item) for item in value]
    return value


def _parameters(operation, location):
    return [p for p in operation.definition.raw.get("parameters", []) if p.get("in") == location]


@schemathesis.hook
def map_case(context, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return case
    operation = case.operation
    # A made-up cursor or token is refused (400, as documented): only negative cases may carry one.
    if case.query:
        for parameter in _parameters(operation, "query"):
            if parameter.get(OPAQUE):
                case.query.pop(parameter["name"], None)
    # The coverage phase writes header values in letters and digits only, whatever their pattern (an ETag is quoted):
    # an optional header it cannot write as its schema says is left out rather than sent as a "valid" value.
    if case.headers:
        for parameter in _parameters(operation, "header"):
            pattern = parameter.get("schema", {}).get("pattern")
            value = case.headers.get(parameter["name"])
            if pattern and value is not None and not parameter.get("required") and not re.search(pattern, str(value)):
                del case.headers[parameter["name"]]
    body = operation.definition.raw.get("requestBody", {}).get("content", {}).get(case.media_type or "", {})
    if "schema" in body and case.body is not None:
        case.body = _keep_rules(operation.schema.raw_schema, body["schema"], case.body)
    return case


@schemathesis.hook
def filter_case(context, case):
    # A negative body of `null` travels as no body at all, which an operation whose body is optional rightly takes.
    meta = case.meta
    if meta is not None and not meta.generation.mode.is_positive and case.body is None:
        return case.operation.definition.raw.get("requestBody", {}).get("required", False)
    return True


@schemathesis.check
def platform_headers_documented(ctx, response, case):
    """Every platform header in a response is one its operation documents for that status."""
    definition = case.operation.responses.find_by_status_code(response.status_code)
    headers = definition.headers if definition is not None else None
    declared = {name.lower() for name, _ in headers.items()} if headers else set()
    sent = {name.lower() for name in response.headers}
    undocumented = [name for name in PLATFORM_HEADERS if name in sent and name not in declared]
    if undocumented:
        raise AssertionError(
            f"{response.status_code} carries headers its operation does not document: {', '.join(undocumented)}"
        )
    return None
