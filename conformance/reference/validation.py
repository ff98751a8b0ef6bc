"""Input validation driven by botocore's service model, so constraints are never restated here.

Two error classes, as an AWS JSON 1.1 service distinguishes them: a member whose JSON type is
wrong (a string where a number belongs, a blob that is not base64) cannot be deserialised and is
a SerializationException; a well-typed value that breaks a constraint (required, length, range,
pattern, enum) is an InvalidParameterException whose message follows AWS's "1 validation error
detected" wording. Model patterns are treated as whole-value patterns (`re.fullmatch`).
Unknown members are ignored and JSON `null` counts as absent, as AWS's deserialiser does.
"""

from __future__ import annotations

import base64
import binascii
import functools
import math
import re
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

from conformance.reference.api_errors import ApiError, invalid_parameter, serialization

# Constraint breaches AWS reports with a more specific error than InvalidParameterException.
_MAX_ERRORS = {"ImageBlob": "ImageTooLargeException"}


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def validate_input(operation: OperationModel, params: Any) -> dict[str, Any]:
    """Check `params` against the operation's input shape; return it with blobs decoded."""
    shape = operation.input_shape
    if shape is None:
        return {}
    if not isinstance(params, dict):
        raise serialization("Request body must be a JSON object")
    result = _structure(shape, params, "")
    assert isinstance(result, dict)
    return result


def _member_path(prefix: str, name: str) -> str:
    # AWS reports member paths in lowerCamelCase ("userMatchThreshold", "image.bytes").
    camel = name[:1].lower() + name[1:]
    return f"{prefix}.{camel}" if prefix else camel


def _constraint(value: Any, path: str, text: str) -> ApiError:
    shown = value if isinstance(value, (int, float, str)) else "..."
    return invalid_parameter(
        f"1 validation error detected: Value '{shown}' at '{path}' failed to satisfy "
        f"constraint: {text}"
    )


def _structure(shape: StructureShape, value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise serialization(f"Expected an object at '{path or 'body'}'")
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        if value.get(name) is None:
            continue
        out[name] = _value(member, value[name], _member_path(path, name))
    for name in shape.required_members:
        if name not in out:
            raise invalid_parameter(
                f"1 validation error detected: Value null at '{_member_path(path, name)}' "
                "failed to satisfy constraint: Member must not be null"
            )
    return out


def _value(shape: Shape, value: Any, path: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        return _structure(shape, value, path)
    if kind == "list":
        assert isinstance(shape, ListShape)
        if not isinstance(value, list):
            raise serialization(f"Expected a list at '{path}'")
        _length(shape, value, len(value), path)
        return [_value(shape.member, item, f"{path}.member") for item in value]
    if kind == "map":
        assert isinstance(shape, MapShape)
        if not isinstance(value, dict):
            raise serialization(f"Expected an object at '{path}'")
        _length(shape, value, len(value), path)
        return {
            _value(shape.key, key, f"{path}.key"): _value(shape.value, item, f"{path}.value")
            for key, item in value.items()
        }
    if kind == "string":
        if not isinstance(value, str):
            raise serialization(f"Expected a string at '{path}'")
        _length(shape, value, len(value), path)
        _enum_and_pattern(shape, value, path)
        return value
    if kind == "blob":
        return _blob(shape, value, path)
    if kind in ("integer", "long"):
        return _integer(shape, value, path)
    if kind in ("float", "double"):
        return _float(shape, value, path)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise serialization(f"Expected a boolean at '{path}'")
        return value
    if kind == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise serialization(f"Expected a timestamp (epoch seconds) at '{path}'")
        return float(value)
    return value


def _blob(shape: Shape, value: Any, path: str) -> bytes:
    if not isinstance(value, str):
        raise serialization(f"Expected base64 text at '{path}'")
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise serialization(f"Invalid base64 at '{path}'") from exc
    maximum = shape.metadata.get("max")
    if maximum is not None and len(data) > maximum and shape.name in _MAX_ERRORS:
        raise ApiError(_MAX_ERRORS[shape.name], f"Image size is too large (max {maximum} bytes)")
    _length(shape, data, len(data), path)
    return data


def _integer(shape: Shape, value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise serialization(f"Expected an integer at '{path}'")
    if isinstance(value, float):
        if not value.is_integer():
            raise serialization(f"Expected an integer at '{path}'")
        value = int(value)
    number: int = value
    _range(shape, number, path)
    return number


def _float(shape: Shape, value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise serialization(f"Expected a number at '{path}'")
    number = float(value)
    if not math.isfinite(number):
        raise serialization(f"Expected a finite number at '{path}'")
    _range(shape, number, path)
    return number


def _length(shape: Shape, value: Any, length: int, path: str) -> None:
    minimum = shape.metadata.get("min")
    maximum = shape.metadata.get("max")
    if minimum is not None and length < minimum:
        raise _constraint(
            value, path, f"Member must have length greater than or equal to {minimum}"
        )
    if maximum is not None and length > maximum:
        raise _constraint(value, path, f"Member must have length less than or equal to {maximum}")


def _range(shape: Shape, value: float, path: str) -> None:
    minimum = shape.metadata.get("min")
    maximum = shape.metadata.get("max")
    if minimum is not None and value < minimum:
        raise _constraint(value, path, f"Member must have value greater than or equal to {minimum}")
    if maximum is not None and value > maximum:
        raise _constraint(value, path, f"Member must have value less than or equal to {maximum}")


def _enum_and_pattern(shape: Shape, value: str, path: str) -> None:
    enum: list[str] | None = getattr(shape, "enum", None) or None
    if enum and value not in enum:
        raise _constraint(value, path, f"Member must satisfy enum value set: [{', '.join(enum)}]")
    pattern = shape.metadata.get("pattern")
    if pattern is not None and _pattern(pattern).fullmatch(value) is None:
        raise _constraint(value, path, f"Member must satisfy regular expression pattern: {pattern}")
