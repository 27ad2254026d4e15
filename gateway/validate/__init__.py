"""Checks that return issues: envelope, structure, business rules."""

from gateway.validate.edifact_schema import EdifactSchemas, MessageSchema
from gateway.validate.edifact_structure import validate_message

__all__ = ["EdifactSchemas", "MessageSchema", "validate_message"]
