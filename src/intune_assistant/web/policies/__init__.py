"""The Policies view: every configuration object of a tenant, searchable, sortable, exportable."""
