"""Collection: a tenant (through Graph) or another tool's export → Snapshot."""
