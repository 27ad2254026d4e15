"""libxml2's XSD validation messages, rewritten for the person who reads the failed file."""

from __future__ import annotations

import re

from lxml import etree

# UBL's usual prefixes (UBL 2.1 NDR examples); a document's own namespace gets none.
PREFIXES = {
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2": "cac",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "cbc",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2": "ext",
    "http://www.w3.org/XML/1998/namespace": "xml",
    "http://www.w3.org/2001/XMLSchema": "xs",
}
_UBL_DOCUMENT = re.compile(r"^urn:oasis:names:specification:ubl:schema:xsd:[A-Za-z]+-2$")
_CLARK = re.compile(r"\{([^}]*)\}([\w.-]+)")
_SUBJECT = re.compile(r"^Element '([^']+)'(?:, attribute '([^']+)')?: (.*)$", re.DOTALL)
_EXPECTED = re.compile(r"Expected is (?:one of )?\( (.*) \)\.?$")
_ATOMIC = re.compile(r"^'(.*)' is not a valid value of the (?:local )?(?:atomic|union) type")
_TYPE_NAME = re.compile(r"type '([^']+)'\.?$")
# libxml2 names at most ten of the elements that could come where a wrong one stands.
_LISTED = 10
_REQUIRED = re.compile(r"^The attribute '([^']+)' is required but missing")
_CHOICES = re.compile(r"The value '(.*)' is not an element of the set \{(.*)\}")
_FACET = re.compile(r"^\[facet '\w+'\] ")
# What a value of each XSD or UBL data type looks like, by the type's local name.
_LOOKS_LIKE = {
    "decimal": "a decimal number such as 12.50",
    "NumericType": "a decimal number such as 12.50",
    "date": "a date written YYYY-MM-DD",
    "DateType": "a date written YYYY-MM-DD",
    "dateTime": "a date and time written YYYY-MM-DDThh:mm:ss with a time zone",
    "time": "a time written hh:mm:ss",
    "TimeType": "a time written hh:mm:ss",
    "boolean": "true or false",
    "IndicatorType": "true or false",
    "positiveInteger": "a whole number of 1 or more",
    "DateOrDateTime": "a date (YYYY-MM-DD) or a date and time",
}


def short_name(namespace: str | None, localname: str) -> str:
    """`cbc:Quantity` for a UBL component, `Order` for a document's own element."""
    prefix = PREFIXES.get(namespace or "")
    if prefix:
        return f"{prefix}:{localname}"
    if not namespace or _UBL_DOCUMENT.match(namespace):
        return localname
    return f"{{{namespace}}}{localname}"


def readable_path(element: etree._Element) -> str:
    """`/Order/cac:OrderLine[2]/cac:LineItem/cbc:Quantity`, whatever prefixes the file used."""
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        qname = etree.QName(node)
        step = short_name(qname.namespace, qname.localname)
        parent = node.getparent()
        if parent is not None:
            same = [child for child in parent if child.tag == node.tag]
            if len(same) > 1:
                step += f"[{same.index(node) + 1}]"
        steps.append(step)
        node = parent
    return "/" + "/".join(reversed(steps))


def readable_message(message: str) -> str:
    """libxml2's sentence with short names: say what is wrong and what was expected."""
    text = _CLARK.sub(lambda match: short_name(match.group(1), match.group(2)), message.strip())
    match = _SUBJECT.match(text)
    if match is None:
        return text
    element, attribute, rest = match.groups()
    subject = f"{element}@{attribute}" if attribute else element
    return f"{subject}: {_explained(rest.strip())}"


def _explained(rest: str) -> str:
    expected = _EXPECTED.search(rest)
    wanted = expected.group(1) if expected else ""
    several = "one of " if "," in wanted else ""
    if wanted.count(",") + 1 >= _LISTED:
        wanted += ", ..."
    if rest.startswith("This element is not expected"):
        return f"not expected here; expected {several}{wanted}" if wanted else "not expected here"
    if rest.startswith("Missing child element"):
        return f"a required element is missing; expected {several}{wanted}"
    if "this underruns the allowed minimum length of '1'" in rest:
        return "must not be empty"
    if "is not accepted by the pattern '[A-Z]{3}'" in rest:
        value = rest.split("The value ", 1)[1].split(" is not", 1)[0]
        return f"{value} is not an ISO 4217 currency code (three capital letters, e.g. EUR)"
    atomic = _ATOMIC.match(rest)
    type_name = _TYPE_NAME.search(rest)
    if atomic and type_name:
        looks_like = _LOOKS_LIKE.get(type_name.group(1).rsplit(":", 1)[-1])
        if looks_like:
            return f"'{atomic.group(1)}' is not {looks_like}"
    if rest.startswith("Character content other than whitespace is not allowed"):
        return "holds text where only elements are allowed"
    required = _REQUIRED.match(rest)
    if required:
        return f"the required attribute {required.group(1)} is missing"
    choices = _CHOICES.search(rest)
    if choices:
        return f"'{choices.group(1)}' is not one of {choices.group(2)}"
    return _FACET.sub("", rest)
