from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.experiment_result import ExperimentResult
    from ..models.result_header import ResultHeader


T = TypeVar("T", bound="Result")


@_attrs_define
class Result:
    """A qiskit Result. On a failed job, `success` is false and `results[].success` may differ (partial results).

    Attributes:
        backend_name (str):
        backend_version (str):
        qobj_id (str):
        job_id (str):
        success (bool):
        results (list[ExperimentResult]):
        date (str | Unset):
        status (str | Unset):
        header (ResultHeader | Unset):
        time_taken (float | Unset):
    """

    backend_name: str
    backend_version: str
    qobj_id: str
    job_id: str
    success: bool
    results: list[ExperimentResult]
    date: str | Unset = UNSET
    status: str | Unset = UNSET
    header: ResultHeader | Unset = UNSET
    time_taken: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        backend_name = self.backend_name

        backend_version = self.backend_version

        qobj_id = self.qobj_id

        job_id = self.job_id

        success = self.success

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        date = self.date

        status = self.status

        header: dict[str, Any] | Unset = UNSET
        if not isinstance(self.header, Unset):
            header = self.header.to_dict()

        time_taken = self.time_taken

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "backend_name": backend_name,
                "backend_version": backend_version,
                "qobj_id": qobj_id,
                "job_id": job_id,
                "success": success,
                "results": results,
            }
        )
        if date is not UNSET:
            field_dict["date"] = date
        if status is not UNSET:
            field_dict["status"] = status
        if header is not UNSET:
            field_dict["header"] = header
        if time_taken is not UNSET:
            field_dict["time_taken"] = time_taken

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.experiment_result import ExperimentResult
        from ..models.result_header import ResultHeader

        d = dict(src_dict)
        backend_name = d.pop("backend_name")

        backend_version = d.pop("backend_version")

        qobj_id = d.pop("qobj_id")

        job_id = d.pop("job_id")

        success = d.pop("success")

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = ExperimentResult.from_dict(results_item_data)

            results.append(results_item)

        date = d.pop("date", UNSET)

        status = d.pop("status", UNSET)

        _header = d.pop("header", UNSET)
        header: ResultHeader | Unset
        if isinstance(_header, Unset):
            header = UNSET
        else:
            header = ResultHeader.from_dict(_header)

        time_taken = d.pop("time_taken", UNSET)

        result = cls(
            backend_name=backend_name,
            backend_version=backend_version,
            qobj_id=qobj_id,
            job_id=job_id,
            success=success,
            results=results,
            date=date,
            status=status,
            header=header,
            time_taken=time_taken,
        )

        result.additional_properties = d
        return result

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
