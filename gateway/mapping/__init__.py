"""The mapping engine: standard <-> canonical, driven by files in mappings/."""

from gateway.mapping.inbound import InboundMapping
from gateway.mapping.mapping_set import MappingSet
from gateway.mapping.outbound import OutboundMapping

__all__ = ["InboundMapping", "MappingSet", "OutboundMapping"]
