"""Access to botocore's Rekognition service model.

The model is always located through botocore's own data loader, so the schemas follow whatever
botocore is installed (CI pins it in .ci/constraints.txt); a hard-coded path into site-packages
would silently go stale or break on another layout.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import Any

import botocore
import botocore.loaders
from botocore.model import OperationModel, ServiceModel

SERVICE_NAME = "rekognition"

OPERATIONS: tuple[str, ...] = (
    "SearchUsers",
    "SearchUsersByImage",
    "ListUsers",
    "ListFaces",
    "DescribeCollection",
    "CreateCollection",
    "DeleteCollection",
    "IndexFaces",
    "CreateUser",
    "DeleteUser",
    "AssociateFaces",
    "DisassociateFaces",
)
"""Operations the conformance suite exercises; each gets a request and a response schema."""


@cache
def _loader() -> botocore.loaders.Loader:
    """botocore's data loader, built as a botocore session builds it (AWS_DATA_PATH first), but
    without the session: importing botocore.session costs ~0.2 s that a replay never needs."""
    return botocore.loaders.create_loader(os.environ.get("AWS_DATA_PATH"))


@cache
def raw_model() -> Mapping[str, Any]:
    """The model as botocore ships it (JSON dict), where member docs and shape order live."""
    loader = _loader()
    data: Mapping[str, Any] = loader.load_service_model(SERVICE_NAME, "service-2")
    return data


@cache
def service_model() -> ServiceModel:
    """botocore's parsed model, the one its own validator and serializer use."""
    return ServiceModel(dict(raw_model()), service_name=SERVICE_NAME)


def operation_model(name: str) -> OperationModel:
    return service_model().operation_model(name)


@cache
def empty_output(operation: str) -> bool:
    """Whether `operation`'s documented output has no member at all.

    AWS documents such operations (CreateUser, DeleteUser) as answering "an HTTP 200 response
    with an empty HTTP body", and botocore reads an empty body as `{}`: a correct target may
    answer them with nothing, so nothing may demand a JSON object there.
    """
    model = service_model()
    if operation not in model.operation_names:
        return False
    shape = model.operation_model(operation).output_shape
    return shape is None or not shape.members


def api_version() -> str:
    version: str = raw_model()["metadata"]["apiVersion"]
    return version


def botocore_version() -> str:
    return str(botocore.__version__)
