"""Contains all the data models used in inputs/outputs"""

from .access_token import AccessToken
from .acknowledgement import Acknowledgement
from .backend_configuration import BackendConfiguration
from .backend_configuration_gates_item import BackendConfigurationGatesItem
from .backend_properties import BackendProperties
from .backend_properties_gates_item import BackendPropertiesGatesItem
from .backend_ref import BackendRef
from .cancel_response import CancelResponse
from .client_info import ClientInfo
from .delete_response import DeleteResponse
from .device_queue_status import DeviceQueueStatus
from .error_detail import ErrorDetail
from .error_envelope import ErrorEnvelope
from .experiment_result import ExperimentResult
from .experiment_result_data import ExperimentResultData
from .experiment_result_data_counts import ExperimentResultDataCounts
from .experiment_result_header import ExperimentResultHeader
from .group import Group
from .group_projects import GroupProjects
from .hub import Hub
from .hub_groups import HubGroups
from .hub_info import HubInfo
from .info_queue import InfoQueue
from .job import Job
from .job_create_request import JobCreateRequest
from .job_data_uploaded_response import JobDataUploadedResponse
from .job_error import JobError
from .job_name_update import JobNameUpdate
from .job_status_response import JobStatusResponse
from .job_summary import JobSummary
from .job_summary_data import JobSummaryData
from .job_tags_update import JobTagsUpdate
from .job_time_per_step import JobTimePerStep
from .jobs_limit import JobsLimit
from .login_request import LoginRequest
from .loop_back_filter import LoopBackFilter
from .loop_back_filter_fields import LoopBackFilterFields
from .loop_back_filter_order import LoopBackFilterOrder
from .loop_back_filter_where import LoopBackFilterWhere
from .named_ref import NamedRef
from .nduv import Nduv
from .object_storage_info import ObjectStorageInfo
from .project import Project
from .pulse_defaults import PulseDefaults
from .pulse_defaults_cmd_def_item import PulseDefaultsCmdDefItem
from .pulse_defaults_pulse_library_item import PulseDefaultsPulseLibraryItem
from .qobj import Qobj
from .qobj_config import QobjConfig
from .qobj_experiment import QobjExperiment
from .qobj_experiment_config import QobjExperimentConfig
from .qobj_experiment_header import QobjExperimentHeader
from .qobj_header import QobjHeader
from .qobj_instruction import QobjInstruction
from .qobj_type import QobjType
from .reservation import Reservation
from .result import Result
from .result_header import ResultHeader
from .service_urls import ServiceUrls
from .service_urls_services import ServiceUrlsServices
from .signed_url import SignedUrl
from .user_info import UserInfo
from .version_info import VersionInfo

__all__ = (
    "AccessToken",
    "Acknowledgement",
    "BackendConfiguration",
    "BackendConfigurationGatesItem",
    "BackendProperties",
    "BackendPropertiesGatesItem",
    "BackendRef",
    "CancelResponse",
    "ClientInfo",
    "DeleteResponse",
    "DeviceQueueStatus",
    "ErrorDetail",
    "ErrorEnvelope",
    "ExperimentResult",
    "ExperimentResultData",
    "ExperimentResultDataCounts",
    "ExperimentResultHeader",
    "Group",
    "GroupProjects",
    "Hub",
    "HubGroups",
    "HubInfo",
    "InfoQueue",
    "Job",
    "JobCreateRequest",
    "JobDataUploadedResponse",
    "JobError",
    "JobNameUpdate",
    "JobStatusResponse",
    "JobSummary",
    "JobSummaryData",
    "JobTagsUpdate",
    "JobTimePerStep",
    "JobsLimit",
    "LoginRequest",
    "LoopBackFilter",
    "LoopBackFilterFields",
    "LoopBackFilterOrder",
    "LoopBackFilterWhere",
    "NamedRef",
    "Nduv",
    "ObjectStorageInfo",
    "Project",
    "PulseDefaults",
    "PulseDefaultsCmdDefItem",
    "PulseDefaultsPulseLibraryItem",
    "Qobj",
    "QobjConfig",
    "QobjExperiment",
    "QobjExperimentConfig",
    "QobjExperimentHeader",
    "QobjHeader",
    "QobjInstruction",
    "QobjType",
    "Reservation",
    "Result",
    "ResultHeader",
    "ServiceUrls",
    "ServiceUrlsServices",
    "SignedUrl",
    "UserInfo",
    "VersionInfo",
)
