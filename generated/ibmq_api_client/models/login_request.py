from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="LoginRequest")


@_attrs_define
class LoginRequest:
    """
    Attributes:
        api_token (str):
    """

    api_token: str

    def to_dict(self) -> dict[str, Any]:
        api_token = self.api_token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "apiToken": api_token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        api_token = d.pop("apiToken")

        login_request = cls(
            api_token=api_token,
        )

        return login_request
