"""``BackendJobLimit``: how many jobs a hub/group/project may have active on a backend."""

from __future__ import annotations

__all__ = ["BackendJobLimit"]


class BackendJobLimit:
    """Job limit of a backend for a hub/group/project.

    Attributes:
        maximum_jobs: Most jobs that may be active at once, ``None`` if unlimited.
        active_jobs: Jobs active now.
    """

    def __init__(self, maximum_jobs: int | None, running_jobs: int) -> None:
        """Create the limit.

        Args:
            maximum_jobs: Most active jobs, ``None`` (or -1) if unlimited.
            running_jobs: Jobs active now.
        """
        self.maximum_jobs = None if maximum_jobs is None or maximum_jobs < 0 else maximum_jobs
        self.active_jobs = running_jobs

    def __repr__(self) -> str:
        return f"<BackendJobLimit maximum_jobs={self.maximum_jobs} active_jobs={self.active_jobs}>"
