"""Strict mode catches response fields and status codes the spec does not document.

The reference server is run as it is; the spec is trimmed in memory instead (``new_api``
removed from ``VersionInfo``, which the contract says ``GET /version`` sends; ``401`` removed
from ``getUserInfo``), so parts of the server's answers become undocumented. Strict mode must
name them, in the schema checks and in the audit of the scenarios' traffic; the same document
without strict mode accepts the field.
"""

from __future__ import annotations

import copy
from typing import Any

import httpx

from conformance.audit import WireAudit
from conformance.discovery import discover
from conformance.schema_checks import SchemaRunOptions, run_schema_checks
from conformance.specs import closed_components, load_openapi


def _without_new_api() -> dict[str, Any]:
    spec = copy.deepcopy(load_openapi())
    del spec["components"]["schemas"]["VersionInfo"]["properties"]["new_api"]
    return spec


def test_strict_schema_checks_name_an_undocumented_field(reference_server: Any) -> None:
    target = discover(reference_server.auth_url, reference_server.demo_token)
    spec = _without_new_api()
    lenient = SchemaRunOptions(max_examples=2, operation_ids=("getVersion",), phases=("fuzzing",))
    assert not [o for o in run_schema_checks(spec, target, lenient) if o.failed]
    strict = SchemaRunOptions(
        max_examples=2, operation_ids=("getVersion",), phases=("fuzzing",), strict=True
    )
    failed = [o for o in run_schema_checks(spec, target, strict) if o.failed]
    assert [o.name for o in failed] == ["getVersion"]
    assert "new_api" in "\n".join(failed[0].details)


def test_wire_audit_names_undocumented_fields_and_statuses(reference_server: Any) -> None:
    spec = _without_new_api()
    del spec["paths"]["/users/me"]["get"]["responses"]["401"]
    audit = WireAudit(closed_components(spec), reference_server.auth_url)
    with httpx.Client(base_url=reference_server.auth_url, transport=audit.transport()) as client:
        client.get("/version")
        client.get("/users/me")  # no token: 401, which the trimmed spec does not document
        client.patch("/Network")  # no operation of the spec: not audited
    assert audit.checked == 2
    assert len(audit.problems) == 2, audit.problems
    version, me = audit.problems
    assert version.startswith("getVersion") and "new_api" in version
    assert me.startswith("getUserInfo") and "HTTP 401 is not documented" in me
