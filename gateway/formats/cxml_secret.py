"""Keep a cXML SharedSecret out of what people see.

The stored file keeps every byte (raw first), so the secret a partner's Sender credential
carries stays in the store; everything that shows a file to a person masks it first.
"""

from __future__ import annotations

import re

# cXML 1.2 Header/Sender/Credential/SharedSecret (or CredentialMac in newer versions): the
# element's content, whatever its prefix, attributes or spacing.
_SECRET = re.compile(
    rb"(<(?:[\w.-]+:)?SharedSecret\b[^>]*>)(.*?)(</(?:[\w.-]+:)?SharedSecret\s*>)", re.DOTALL
)
MASK = b"********"


def mask_shared_secret(data: bytes) -> bytes:
    """The file with the content of every SharedSecret element replaced by asterisks."""
    return _SECRET.sub(lambda m: m[1] + MASK + m[3], data)
