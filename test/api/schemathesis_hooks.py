"""Schemathesis hooks of the API gate (test/api/api-documents.test.ts): what a fuzzer cannot learn from a schema.

Positive cases (those the document says are valid) are kept valid where a schema cannot say what valid is, as the
document marks it; negative cases are left as generated. See docs/api.md.
"""

import copy
import csv
import io
import json
import re
import uuid
import zipfile
from xml.sax.saxutils import escape

import schemathesis
from schemathesis.core import NOT_SET
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoverageScenario

# A parameter whose values only come from an earlier response (a list's cursor, a write's Position-Token).
OPAQUE = "x-crm-opaque"
# A property the service checks beyond its schema (a phone number valid in its country); its `example` keeps the rule.
RULE = "x-crm-rule"
IDEMPOTENCY_KEY = "Idempotency-Key"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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


def _is_negative(case, location=None):
    meta = case.meta
    if meta is None:
        return False
    if location is None:
        return not meta.generation.mode.is_positive
    component = meta.components.get(location)
    return component is not None and component.mode.is_negative


def _fresh_idempotency_key(case):
    # Every generated request is a request of its own: one valid key for all (a schema's example, the coverage phase's
    # `0`) would answer most of them with the replay of another. Replays are tested in libs/idempotency.
    # A case whose negative part is the key itself, or a header left out (Authorization), keeps its headers as they are.
    key = case.headers.get(IDEMPOTENCY_KEY) if case.headers else None
    data = case.meta.phase.data if case.meta is not None else None
    if _is_negative(case, ParameterLocation.HEADER) and (
        getattr(data, "parameter", None) == IDEMPOTENCY_KEY or getattr(data, "scenario", None) == CoverageScenario.MISSING_PARAMETER
    ):
        return
    if key is not None:
        case.headers[IDEMPOTENCY_KEY] = str(uuid.uuid4())


def _keep_positive_valid(case):
    operation = case.operation
    # A made-up cursor or token is refused (400, as documented), and so may be a parameter a rule binds beyond its
    # schema (an import's column mapping names the file's columns): positive cases leave them out.
    if case.query:
        for parameter in _parameters(operation, "query"):
            schema = _resolve(operation.schema.raw_schema, parameter.get("schema", {}))
            opaque = parameter.get(OPAQUE) or schema.get(OPAQUE)
            bound = parameter.get(RULE) or schema.get(RULE)
            if opaque or (bound and not parameter.get("required")):
                name = parameter["name"]
                for key in [key for key in case.query if key == name or key.startswith(f"{name}[")]:
                    del case.query[key]
    # The coverage phase writes header values in letters and digits only, whatever their pattern (an ETag is quoted):
    # an optional header it cannot write as its schema says is left out rather than sent as a "valid" value.
    if case.headers:
        for parameter in _parameters(operation, "header"):
            pattern = parameter.get("schema", {}).get("pattern")
            value = case.headers.get(parameter["name"])
            if pattern and value is not None and not parameter.get("required") and not re.search(pattern, str(value)):
                del case.headers[parameter["name"]]
    body = operation.definition.raw.get("requestBody", {}).get("content", {}).get(case.media_type or "", {})
    if "schema" in body and case.body is not None and case.body is not NOT_SET:
        case.body = _keep_rules(operation.schema.raw_schema, body["schema"], case.body)


_XLSX_PARTS = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>",
    "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>",
    "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>",
}


def _column(index):
    """A worksheet's column letters: 0 is A, 26 is AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _workbook_of(text):
    """An .xlsx whose one worksheet holds the CSV text's cells (as inline strings)."""
    rows = "".join(
        f'<row r="{n}">'
        + "".join(
            f'<c r="{_column(i)}{n}" t="inlineStr"><is><t>{escape(cell)}</t></is></c>' for i, cell in enumerate(cells)
        )
        + "</row>"
        for n, cells in enumerate(csv.reader(io.StringIO(text)), start=1)
    )
    sheet = f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, xml in {**_XLSX_PARTS, "xl/worksheets/sheet1.xml": sheet}.items():
            book.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml)
    return buffer.getvalue()


def _xlsx_example(operation):
    content = operation.definition.raw.get("requestBody", {}).get("content", {})
    return _resolve(operation.schema.raw_schema, content.get(XLSX, {}).get("schema", {})).get("example")


@schemathesis.serializer(XLSX)
def xlsx_serializer(ctx, value):
    """A workbook is bytes a fuzzer cannot make valid: the documented example file (every positive body, as _keep_rules
    leaves it) goes as an .xlsx holding it, anything else as generated. Here rather than in before_call: the case is
    judged by what it holds, the example text, which its schema allows."""
    if isinstance(value, str) and value == _xlsx_example(ctx.case.operation):
        return _workbook_of(value)
    if isinstance(value, bytes):
        return value
    return (value if isinstance(value, str) else json.dumps(value)).encode("utf8")


def _absent_optional_body(case):
    # A negative body that travels as no body at all (`null`) is no negative case where the body is optional: send the
    # empty object the service reads it as, which makes the case what it is, a positive one.
    if case.body is not None and case.body is not NOT_SET:
        return
    request_body = case.operation.definition.raw.get("requestBody", {})
    if request_body.get("required", False) or "application/json" not in request_body.get("content", {}):
        return
    others = [location for location in ParameterLocation if location != ParameterLocation.BODY]
    if not any(_is_negative(case, location) for location in others):
        case.body = {}
        case.media_type = "application/json"


@schemathesis.hook
def before_call(context, case, kwargs):
    # Here rather than in map_case: every phase (examples included) calls through it, and schemathesis revalidates
    # what it changes, so a repaired case is judged as what it now is.
    _fresh_idempotency_key(case)
    if _is_negative(case):
        _absent_optional_body(case)
    else:
        _keep_positive_valid(case)


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
