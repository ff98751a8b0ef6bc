"""A boto3 client that never leaves the process: for botocore's Stubber."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config


@pytest.fixture(scope="module")
def client() -> Any:
    return boto3.client(
        "rekognition",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 0}),
    )
