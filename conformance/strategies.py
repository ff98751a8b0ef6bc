"""Public facade: hypothesis strategies for the shipped operations, drawn from the contract.

Users call ``conformance.strategies.search_users_requests()``, ``invalid_search_users_requests()``
(``(request, constraint)`` pairs, one constraint broken), ``search_users_responses(request)``
and the SearchUsersByImage four (``search_users_by_image_requests``,
``invalid_search_users_by_image_requests``, ``search_users_by_image_responses``,
``boto3_params``). The implementation lives in ``conformance.contract`` (the generic compiler in
``schema_strategies``, one module per operation) so it can change without breaking imports.
"""

from __future__ import annotations

from conformance.contract.image_strategies import (
    boto3_params,
    image_constraint_names,
    invalid_search_users_by_image_requests,
    search_users_by_image_requests,
    search_users_by_image_responses,
)
from conformance.contract.strategies import (
    botocore_rejects,
    breaks_schema,
    constraint_names,
    invalid_search_users_requests,
    search_users_requests,
    search_users_responses,
)

__all__ = [
    "boto3_params",
    "botocore_rejects",
    "breaks_schema",
    "constraint_names",
    "image_constraint_names",
    "invalid_search_users_by_image_requests",
    "invalid_search_users_requests",
    "search_users_by_image_requests",
    "search_users_by_image_responses",
    "search_users_requests",
    "search_users_responses",
]
