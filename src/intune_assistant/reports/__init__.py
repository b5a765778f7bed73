"""Cross-tenant reports for an MSP: one request's worth of work per customer, reduced to rows, nothing kept."""
