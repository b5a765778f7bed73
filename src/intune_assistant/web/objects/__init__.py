"""A page for every object: readable settings, assignments, scope tags, conflicts, admin-center link."""
