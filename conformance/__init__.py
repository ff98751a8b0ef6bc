"""Conformance suite for the AWS Rekognition SearchUsers API."""

__version__ = "0.1.0"
