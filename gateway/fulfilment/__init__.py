"""Fulfilment: pick lists, packing with SSCC, labels, shipments, invoices and their documents."""
