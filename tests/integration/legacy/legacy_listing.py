"""The job-listing scenario: many jobs, every filter, several pages (inside ``.venv-legacy``).

The jobs go to a project of their own (``--param listing_project=NAME``, default
``secondary``) so that the unfiltered listing of that project's backend holds exactly them.
Job ``i`` (0-based, in submission order) is named ``<tag>-NN`` and tagged ``<tag>``, plus
``<tag>-even`` when ``i`` is even and ``<tag>-three`` when ``i`` is a multiple of three.
Listings are reported as lists of those indices (``-1`` for a job this run did not create),
so the tests can state expected listings in the same terms.
"""

from __future__ import annotations

from typing import Any

from legacy_common import Context, expect_error, poll_until
from qiskit.providers import JobStatus


def listing(ctx: Context, obs: dict[str, Any]) -> None:
    """Create N jobs (default 25) and list them with every filter, across pages."""
    count = int(ctx.param("listing_jobs", 25))
    provider = ctx.provider(ctx.param("listing_project", "secondary"))
    backend = ctx.simulator(provider)
    tag = ctx.tag("listing")
    jobs = []
    for i in range(count):
        tags = [f"{tag}-even"] if i % 2 == 0 else []
        tags += [f"{tag}-three"] if i % 3 == 0 else []
        jobs.append(
            ctx.run_bell(backend, "listing", shots=16, job_name=f"{tag}-{i:02d}", job_tags=tags)
        )
    obs["final_statuses"] = [poll_until(job, (), ctx.timeout, 0.05)[-1] for job in jobs]
    obs["created"] = [job.job_id() for job in jobs]
    obs["creation_dates"] = [job.creation_date().isoformat() for job in jobs]
    index = {job.job_id(): i for i, job in enumerate(jobs)}

    def ids(found: list[Any]) -> list[int]:
        return [index.get(job.job_id(), -1) for job in found]

    def listed(**kwargs: Any) -> list[int]:
        kwargs.setdefault("job_tags", [tag])
        return ids(backend.jobs(**kwargs))

    obs["unfiltered_default"] = ids(backend.jobs())
    obs["unfiltered_none"] = ids(backend.jobs(limit=None))
    obs["none"] = listed(limit=None)
    obs["limit_25"] = listed(limit=25)
    obs["limit_10"] = listed(limit=10)
    obs["ascending"] = listed(limit=None, descending=False)
    obs["ascending_limit_7"] = listed(limit=7, descending=False)
    obs["skip_pages_of_7"] = [listed(limit=7, skip=skip) for skip in range(0, count + 7, 7)]
    obs["provider_level"] = ids(provider.backend.jobs(limit=None, job_tags=[tag]))
    # job_ids() returns the raw documents of GET /Jobs/v/1: {id, liveDataEnabled, creationDate}.
    id_documents = provider.backend.job_ids(limit=None, job_tags=[tag])
    obs["job_ids"] = [index.get(doc["id"], -1) for doc in id_documents]
    obs["job_ids_keys"] = sorted({key for doc in id_documents for key in doc})

    obs["status_done"] = listed(limit=None, status="DONE")
    obs["status_list"] = listed(limit=None, status=[JobStatus.DONE, JobStatus.CANCELLED])
    obs["status_error"] = listed(limit=None, status=JobStatus.ERROR)
    obs["status_active"] = ids(backend.active_jobs(limit=30))
    obs["status_unknown"] = expect_error(lambda: backend.jobs(status="NOT_A_STATUS"))

    obs["name_regex"] = listed(limit=None, job_name=f"^{tag}-0[0-4]$")
    obs["name_partial"] = listed(limit=None, job_name="g-1")
    obs["name_none"] = listed(limit=None, job_name="^no-such-job$")

    even, three = f"{tag}-even", f"{tag}-three"
    obs["tags_or"] = listed(limit=None, job_tags=[even, three])
    obs["tags_and"] = listed(limit=None, job_tags=[even, three], job_tags_operator="AND")
    obs["tags_and_all"] = listed(limit=None, job_tags_operator="AND")
    obs["tags_bad_operator"] = expect_error(
        lambda: backend.jobs(job_tags=[tag], job_tags_operator="XOR")
    )

    dates = [job.creation_date() for job in jobs]
    obs["dates_between"] = listed(limit=None, start_datetime=dates[5], end_datetime=dates[14])
    obs["dates_start"] = listed(limit=None, start_datetime=dates[2])
    obs["dates_end"] = listed(limit=None, end_datetime=dates[4])
    # Ascending with a start date stays on one page on purpose: from the second page on, the
    # original client sends the user's range as a bare {"gte": ...} clause inside "and" (it drops
    # the "creationDate" key), which matches no job on any LoopBack-like server.
    obs["dates_start_ascending"] = listed(limit=None, start_datetime=dates[10], descending=False)
    obs["db_filter_neq_id"] = listed(limit=None, db_filter={"id": {"neq": obs["created"][0]}})
