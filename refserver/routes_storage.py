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
    # Parsing and writing a large Qobj would stall every other request on the event loop.
    await run_in_threadpool(state.jobs.upload_qobj, job_id, data)
    return JSONResponse({"stored": True, "size": len(data)})


async def download_qobj(request: Request) -> Response:
    """J12 ``GET /objectstorage/{id}/qobj``."""
    job_id = _verify(request, DOWNLOAD, "qobj")
    data = await run_in_threadpool(server(request).jobs.download, job_id, "qobj")
    return Response(data, media_type="application/json")


async def download_result(request: Request) -> Response:
    """J12 ``GET /objectstorage/{id}/result``."""
    job_id = _verify(request, DOWNLOAD, "result")
    data = await run_in_threadpool(server(request).jobs.download, job_id, "result")
    return Response(data, media_type="application/json")


ROUTES: list[Route] = [
    route("/objectstorage/{job_id}/qobj", put=upload_qobj, get=download_qobj),
    route("/objectstorage/{job_id}/result", get=download_result),
]
