"""The one exception type the reference service raises for an AWS-shaped error response.

Operations and validation raise `ApiError`; only the server turns it into bytes, so the
business logic never needs to know about status codes on the wire beyond the one it picks.
"""

from __future__ import annotations


class ApiError(Exception):
    """An error the client should see as `{"__type": code, "Code": code, "Message": message}`."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def invalid_parameter(message: str = "Request has invalid parameters") -> ApiError:
    """InvalidParameterException: the catch-all AWS uses for semantically wrong input."""
    return ApiError("InvalidParameterException", message)


def not_found(message: str) -> ApiError:
    """ResourceNotFoundException: a named collection or user does not exist."""
    return ApiError("ResourceNotFoundException", message)


def serialization(message: str) -> ApiError:
    """SerializationException: the body cannot be read as the operation's input at all."""
    return ApiError("SerializationException", message)


def internal_error() -> ApiError:
    """InternalServerError: something in this service broke; never the client's fault."""
    return ApiError("InternalServerError", "Internal server error", status=500)
