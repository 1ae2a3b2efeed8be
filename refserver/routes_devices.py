"""Routes of the backends of a project: configurations, calibrations, queue and limits."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from refserver import errors
from refserver.decoding import MalformedJson, parse_json
from refserver.devices import Device
from refserver.web import route, scope, server

PREFIX = "/Network/{hub}/Groups/{group}/Projects/{project}/devices"


def _device(request: Request) -> Device:
    _user, member = scope(request)
    return server(request).jobs.device_for(member, request.path_params["backend_name"])


async def list_devices(request: Request) -> Response:
    """``GET .../devices/v/1``: configurations of the backends the project may use."""
    _user, member = scope(request)
    devices = [
        d.configuration for d in server(request).devices.all() if member.allows_backend(d.name)
    ]
    return JSONResponse(devices)


async def get_properties(request: Request) -> Response:
    """``GET .../devices/{backend}/properties``: the calibration now, or before a date."""
    device = _device(request)
    version = request.query_params.get("version")
    if version is not None and version != "1":
        raise errors.bad_request(
            f"Unsupported properties `version` {version!r}; only 1", errors.INVALID_FILTER
        )
    before = _before_date(request.query_params.get("filter"))
    calibrations = server(request).calibrations
    if before is None:
        current = calibrations.current(device)
        return JSONResponse(current[1] if current else {})
    try:
        return JSONResponse(calibrations.before(device, before) or {})
    except ValueError as err:
        raise errors.bad_request(f"Invalid filter: {err}", errors.INVALID_FILTER) from None


def _before_date(text: str | None) -> str | None:
    if not text:
        return None
    try:
        data = parse_json(text)
        bound = data["where"]["last_update_date"]["lt"]
    except (MalformedJson, KeyError, TypeError):
        raise errors.bad_request(
            'Invalid filter: expected {"where": {"last_update_date": {"lt": "<date-time>"}}}',
            errors.INVALID_FILTER,
        ) from None
    if not isinstance(bound, str):
        raise errors.bad_request(
            "Invalid filter: `lt` must be a date-time string", errors.INVALID_FILTER
        )
    return bound


async def get_defaults(request: Request) -> Response:
    """``GET .../devices/{backend}/defaults``: pulse defaults, ``{}`` for the simulator."""
    return JSONResponse(_device(request).defaults)


async def get_queue_status(request: Request) -> Response:
    """``GET .../devices/{backend}/queue/status``: operational state and queue length."""
    device = _device(request)
    scheduler = server(request).scheduler
    operational = scheduler.operational(device.name)
    return JSONResponse(
        {
            "state": operational,
            "status": "active" if operational else "maintenance",
            "message": ""
            if operational
            else "The backend is in maintenance: jobs queue but do not run",
            "lengthQueue": scheduler.queue_length(device.name),
            "backend_version": device.version,
        }
    )


async def get_jobs_limit(request: Request) -> Response:
    """``GET .../devices/{backend}/jobsLimit``: the project's limit of active jobs."""
    _user, member = scope(request)
    state = server(request)
    device = state.jobs.device_for(member, request.path_params["backend_name"])
    limit = state.jobs.job_limit(member, device)
    running = state.store.count_active(member.hub, member.group, member.project, device.name)
    return JSONResponse({"maximumJobs": -1 if limit is None else limit, "runningJobs": running})


ROUTES: list[Route] = [
    route(PREFIX + "/v/1", get=list_devices),
    route(PREFIX + "/{backend_name}/properties", get=get_properties),
    route(PREFIX + "/{backend_name}/defaults", get=get_defaults),
    route(PREFIX + "/{backend_name}/queue/status", get=get_queue_status),
    route(PREFIX + "/{backend_name}/jobsLimit", get=get_jobs_limit),
]
