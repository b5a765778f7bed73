"""Cross-tenant reports: the page, one request per customer, the export."""
