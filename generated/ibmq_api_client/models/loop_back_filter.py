from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.loop_back_filter_order import LoopBackFilterOrder
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.loop_back_filter_fields import LoopBackFilterFields
    from ..models.loop_back_filter_where import LoopBackFilterWhere


T = TypeVar("T", bound="LoopBackFilter")


@_attrs_define
class LoopBackFilter:
    """The filter of the job listings. `where` is a LoopBack where clause: equality on dotted
    paths (an array field matches when it contains the value); operators `inq`, `nin`,
    `regexp`, `gt`, `gte`, `lt`, `lte`, `between`, `neq`; `and`/`or` lists of clauses.
    Date comparisons on `creationDate` compare instants.

        Attributes:
            where (LoopBackFilterWhere | Unset):
            order (LoopBackFilterOrder | Unset):
            limit (int | Unset):
            skip (int | Unset):
            fields (LoopBackFilterFields | Unset):
    """

    where: LoopBackFilterWhere | Unset = UNSET
    order: LoopBackFilterOrder | Unset = UNSET
    limit: int | Unset = UNSET
    skip: int | Unset = UNSET
    fields: LoopBackFilterFields | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        where: dict[str, Any] | Unset = UNSET
        if not isinstance(self.where, Unset):
            where = self.where.to_dict()

        order: str | Unset = UNSET
        if not isinstance(self.order, Unset):
            order = self.order.value

        limit = self.limit

        skip = self.skip

        fields: dict[str, Any] | Unset = UNSET
        if not isinstance(self.fields, Unset):
            fields = self.fields.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if where is not UNSET:
            field_dict["where"] = where
        if order is not UNSET:
            field_dict["order"] = order
        if limit is not UNSET:
            field_dict["limit"] = limit
        if skip is not UNSET:
            field_dict["skip"] = skip
        if fields is not UNSET:
            field_dict["fields"] = fields

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.loop_back_filter_fields import LoopBackFilterFields
        from ..models.loop_back_filter_where import LoopBackFilterWhere

        d = dict(src_dict)
        _where = d.pop("where", UNSET)
        where: LoopBackFilterWhere | Unset
        if isinstance(_where, Unset):
            where = UNSET
        else:
            where = LoopBackFilterWhere.from_dict(_where)

        _order = d.pop("order", UNSET)
        order: LoopBackFilterOrder | Unset
        if isinstance(_order, Unset):
            order = UNSET
        else:
            order = LoopBackFilterOrder(_order)

        limit = d.pop("limit", UNSET)

        skip = d.pop("skip", UNSET)

        _fields = d.pop("fields", UNSET)
        fields: LoopBackFilterFields | Unset
        if isinstance(_fields, Unset):
            fields = UNSET
        else:
            fields = LoopBackFilterFields.from_dict(_fields)

        loop_back_filter = cls(
            where=where,
            order=order,
            limit=limit,
            skip=skip,
            fields=fields,
        )

        return loop_back_filter
