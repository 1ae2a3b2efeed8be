"""Public helpers kept under the original client's names (``qiskit.providers.ibmq.utils``).

* :mod:`ibmqjob.utils.converters`: time zone conversions (``local_to_utc``, ...).
* :mod:`ibmqjob.utils.json_encoder`: :class:`~ibmqjob.utils.json_encoder.IQXJsonEncoder`.
* :mod:`ibmqjob.utils.json_decoder`: ``decode_backend_configuration``.
* :mod:`ibmqjob.utils.backend`: ``convert_reservation_data``.
"""

from .converters import local_to_utc, utc_to_local
from .json_encoder import IQXJsonEncoder

__all__ = ["IQXJsonEncoder", "local_to_utc", "utc_to_local"]
