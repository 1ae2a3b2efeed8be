"""Rules of job tags: a list of strings, and how ``update_tags`` computes the new tags."""

from __future__ import annotations

import logging

from .exceptions import IBMQBackendValueError, IBMQError, IBMQJobInvalidStateError

__all__ = ["JOBSET_TAG_PREFIX", "tags_to_update", "validate_tags"]

logger = logging.getLogger(__name__)

JOBSET_TAG_PREFIX = "ibmq_jobset_"
"""Tags with this prefix tie a job to its job set: they are never removed."""


def validate_tags(
    tags: object,
    what: str,
    error: type[IBMQError] = IBMQBackendValueError,
    message: str | None = None,
) -> list[str]:
    """Check that ``tags`` is a list of strings: the one tag rule of ``run()``, ``jobs()``
    and ``update_tags()``.

    Args:
        tags: The value given by the user.
        what: The argument's name, for the message.
        error: The exception to raise (the original client raised a different one per
            method).
        message: The message, when it must be the original client's.

    Returns:
        The tags (a copy).

    Raises:
        IBMQError: ``error``, if it is not a list of strings.
    """
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise error(message or f"{what} needs to be a list of strings, got {tags!r:.200}.")
    return list(tags)


# update_tags() refuses bad arguments as the original did.
_INVALID = IBMQJobInvalidStateError


def tags_to_update(
    job_id: str,
    current: list[str],
    replacement: object,
    additional: object,
    removal: object,
) -> list[str]:
    """Compute the new tags of a job: replace, then add, then remove.

    Job-set tags (``ibmq_jobset_...``) survive a replacement and are never removed. The
    order is stable (current tags first, then new ones) and duplicates collapse.

    Args:
        job_id: The job, for messages.
        current: The current tags.
        replacement: Tags replacing the current ones (``[]`` clears them), or ``None``.
        additional: Tags to add, or ``None``.
        removal: Tags to remove, or ``None``.

    Returns:
        The tags to send.

    Raises:
        IBMQJobInvalidStateError: If no argument is given or one is not a list of strings.
    """
    if replacement is None and additional is None and removal is None:
        raise IBMQJobInvalidStateError(
            "The tags cannot be updated since none of the parameters are specified."
        )
    tags = dict.fromkeys(current)
    if replacement is not None:
        kept = [tag for tag in current if tag.startswith(JOBSET_TAG_PREFIX)]
        tags = dict.fromkeys(
            validate_tags(replacement, "replacement_tags", IBMQJobInvalidStateError) + kept
        )
    if additional is not None:
        tags.update(
            dict.fromkeys(validate_tags(additional, "additional_tags", IBMQJobInvalidStateError))
        )
    for tag in (
        validate_tags(removal, "removal_tags", IBMQJobInvalidStateError)
        if removal is not None
        else []
    ):
        if tag.startswith(JOBSET_TAG_PREFIX):
            logger.warning(
                'The tag "%s" for job %s will not be removed, because it is used internally '
                "by job sets.",
                tag,
                job_id,
            )
        elif tag in tags:
            del tags[tag]
        else:
            logger.warning(
                'The tag "%s" for job %s will not be removed, because it was not found in '
                "the job tags to update %s",
                tag,
                job_id,
                list(tags),
            )
    return list(tags)
