"""An MSP's GDAP customers: read from the partner tenant, assessed, nothing stored."""
