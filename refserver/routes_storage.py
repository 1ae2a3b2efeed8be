"""Object storage behind signed URLs: Qobj upload, Qobj and result downloads.

Signed URLs carry their own authorization: an ``X-Access-Token`` header sent
along (the original client sends one) is ignored.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from refserver.signing import DOWNLOAD, UPLOAD
from refserver.web import read_body, route, server


def _verify(request: Request, method_class: str, name: str) -> str:
    job_id: str = request.path_params["job_id"]
    query = request.query_params
    server(request).signer.verify(
        method_class, job_id, name, query.get("expires"), query.get("signature")
    )
    return job_id


async def upload_qobj(request: Request) -> Response:
    """J2 ``PUT /objectstorage/{id}/qobj``: store the Qobj of a job in CREATING."""
    job_id = _verify(request, UPLOAD, "qobj")
    state = server(request)
    data = await read_body(request, state.config.max_upload_bytes)
    if len(data) <= INLINE_OBJECT_BYTES:
        state.jobs.upload_qobj(job_id, data)
    else:
        # Parsing and writing a large Qobj would stall every other request on the event loop.
        await run_in_threadpool(state.jobs.upload_qobj, job_id, data)
    return JSONResponse({"stored": True, "size": len(data)})


async def download_qobj(request: Request) -> Response:
    """J12 ``GET /objectstorage/{id}/qobj``."""
    job_id = _verify(request, DOWNLOAD, "qobj")
    return Response(await _download(request, job_id, "qobj"), media_type="application/json")


async def download_result(request: Request) -> Response:
    """J12 ``GET /objectstorage/{id}/result``."""
    job_id = _verify(request, DOWNLOAD, "result")
    return Response(await _download(request, job_id, "result"), media_type="application/json")


async def _download(request: Request, job_id: str, name: str) -> bytes:
    jobs = server(request).jobs
    if (jobs.object_size(job_id, name) or 0) <= INLINE_OBJECT_BYTES:
        return jobs.download(job_id, name)
    return await run_in_threadpool(jobs.download, job_id, name)


# Objects up to this size are checked, written and read on the event loop: a thread handoff
# costs more than the work (tens of microseconds, the files are not fsynced).
INLINE_OBJECT_BYTES = 16 << 10


ROUTES: list[Route] = [
    route("/objectstorage/{job_id}/qobj", put=upload_qobj, get=download_qobj),
    route("/objectstorage/{job_id}/result", get=download_result),
]
