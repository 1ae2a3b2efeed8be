"""Routes of the jobs of a project (J1 and J3 to J15 of the wire reference)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from refserver import bodies
from refserver.web import api_base, read_body, read_json, route, scope, server

PREFIX = "/Network/{hub}/Groups/{group}/Projects/{project}/Jobs"


async def create_job(request: Request) -> Response:
    """J1 ``POST /Jobs``: a job in CREATING with a signed upload URL."""
    user, member = scope(request)
    creation = bodies.job_creation(await read_json(request))
    client = request.headers.get("x-qx-client-application")
    document = server(request).jobs.create(user, member, creation, client, api_base(request))
    return JSONResponse(document)


async def list_jobs(request: Request) -> Response:
    """J7 ``GET /Jobs/status/v/1``: job documents matching a LoopBack filter."""
    user, member = scope(request)
    filter_text = request.query_params.get("filter")
    # A listing's work grows with the project's jobs: off the event loop, so no other request
    # waits for it.
    documents = await run_in_threadpool(
        server(request).jobs.listing, user, member, filter_text, ids=False
    )
    return JSONResponse(documents)


async def list_job_ids(request: Request) -> Response:
    """J8 ``GET /Jobs/v/1``: job documents projected on the filter's ``fields``."""
    user, member = scope(request)
    filter_text = request.query_params.get("filter")
    documents = await run_in_threadpool(
        server(request).jobs.listing, user, member, filter_text, ids=True
    )
    return JSONResponse(documents)


async def update_job(request: Request) -> Response:
    """J9 ``PUT /Jobs/{id}``: replace the name or the tags; answers the job."""
    user, member = scope(request)
    key, value = bodies.job_update(await read_json(request))
    jobs = server(request).jobs
    return JSONResponse(jobs.update(user, member, request.path_params["job_id"], key, value))


async def delete_job(request: Request) -> Response:
    """J15 ``DELETE /Jobs/{id}``: hide the job (cancelling it first if needed)."""
    user, member = scope(request)
    await _no_body(request)
    return JSONResponse(server(request).jobs.delete(user, member, request.path_params["job_id"]))


async def get_job(request: Request) -> Response:
    """J6 ``GET /Jobs/{id}/v/1``: the full job document."""
    user, member = scope(request)
    jobs = server(request).jobs
    return JSONResponse(jobs.document(jobs.find(user, member, request.path_params["job_id"])))


async def get_job_status(request: Request) -> Response:
    """J5 ``GET /Jobs/{id}/status/v/1``: status, with ``infoQueue`` while QUEUED."""
    user, member = scope(request)
    return JSONResponse(server(request).jobs.status(user, member, request.path_params["job_id"]))


async def cancel_job(request: Request) -> Response:
    """J4 ``POST /Jobs/{id}/cancel``."""
    user, member = scope(request)
    await _no_body(request)
    return JSONResponse(server(request).jobs.cancel(user, member, request.path_params["job_id"]))


async def job_data_uploaded(request: Request) -> Response:
    """J3 ``POST /Jobs/{id}/jobDataUploaded``: answers ``{"job": ...}``."""
    user, member = scope(request)
    await _no_body(request)
    return JSONResponse(
        server(request).jobs.data_uploaded(user, member, request.path_params["job_id"])
    )


async def get_job_properties(request: Request) -> Response:
    """J10 ``GET /Jobs/{id}/properties``: calibration in force when the job ran."""
    user, member = scope(request)
    return JSONResponse(
        server(request).jobs.properties(user, member, request.path_params["job_id"])
    )


async def get_result_url(request: Request) -> Response:
    """J11 ``GET /Jobs/{id}/resultDownloadUrl``."""
    return await _download_url(request, "result")


async def get_qobj_url(request: Request) -> Response:
    """J14 ``GET /Jobs/{id}/jobDownloadUrl``."""
    return await _download_url(request, "qobj")


async def result_downloaded(request: Request) -> Response:
    """J13 ``POST /Jobs/{id}/resultDownloaded``."""
    user, member = scope(request)
    await _no_body(request)
    jobs = server(request).jobs
    return JSONResponse(jobs.result_downloaded(user, member, request.path_params["job_id"]))


async def _download_url(request: Request, name: str) -> Response:
    user, member = scope(request)
    jobs = server(request).jobs
    return JSONResponse(
        jobs.download_url(user, member, request.path_params["job_id"], name, api_base(request))
    )


async def _no_body(request: Request) -> None:
    # The callbacks take no body; one is read (and bounded) only to refuse huge uploads.
    await read_body(request, server(request).config.max_body_bytes)


# Routes are tried in order: the listings before ``/{job_id}/...`` (a job id "status" would
# shadow them), then the steps every job goes through, so they are found soonest.
ROUTES: list[Route] = [
    route(PREFIX, post=create_job),
    route(PREFIX + "/status/v/1", get=list_jobs),
    route(PREFIX + "/v/1", get=list_job_ids),
    route(PREFIX + "/{job_id}/jobDataUploaded", post=job_data_uploaded),
    route(PREFIX + "/{job_id}/resultDownloadUrl", get=get_result_url),
    route(PREFIX + "/{job_id}/resultDownloaded", post=result_downloaded),
    route(PREFIX + "/{job_id}/status/v/1", get=get_job_status),
    route(PREFIX + "/{job_id}/v/1", get=get_job),
    route(PREFIX + "/{job_id}", put=update_job, delete=delete_job),
    route(PREFIX + "/{job_id}/cancel", post=cancel_job),
    route(PREFIX + "/{job_id}/properties", get=get_job_properties),
    route(PREFIX + "/{job_id}/jobDownloadUrl", get=get_qobj_url),
]
