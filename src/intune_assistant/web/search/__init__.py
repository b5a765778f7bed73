"""The one search in the top bar: policies, groups, users, devices, filters and settings by name."""
