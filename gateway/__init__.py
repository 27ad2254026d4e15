"""EDI order gateway: purchase orders in, acknowledgements and responses out."""
