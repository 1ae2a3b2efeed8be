"""The bodies that bypass the models: Qobj encoding and downloaded documents."""

from __future__ import annotations

import json

import numpy as np
import pytest
from qiskit.circuit import Parameter

from ibmqjob._api.codec import decode_json_object, encode_qobj
from ibmqjob.exceptions import ApiIBMQProtocolError


def test_qobj_encoding_follows_the_original_client() -> None:
    theta = Parameter("theta")
    qobj = {
        "array": np.array([[1, 2], [3, 4]]),
        "scalar": np.float64(0.5),
        "integer": np.int64(7),
        "complex": 1 + 2j,
        "bound": (theta * 2).bind({theta: 0.25}),
        "parameter_binds": [{theta: 0.1}],
    }

    decoded = json.loads(encode_qobj(qobj))

    assert decoded == {
        "array": [[1, 2], [3, 4]],
        "scalar": 0.5,
        "integer": 7,
        "complex": [1.0, 2.0],
        "bound": 0.5,
        "parameter_binds": [{"theta": 0.1}],
    }


def test_an_unbound_parameter_cannot_be_encoded() -> None:
    theta = Parameter("theta")
    with pytest.raises(ValueError, match="cannot be encoded"):
        encode_qobj({"value": theta * 2})


def test_decoding_downloads() -> None:
    assert decode_json_object(b'{"a": 1}', "result") == {"a": 1}
    with pytest.raises(ApiIBMQProtocolError, match="The Qobj downloaded is not a JSON object"):
        decode_json_object(b"[]", "Qobj")
