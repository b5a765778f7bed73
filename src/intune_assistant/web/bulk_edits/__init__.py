"""Bulk edits (write module ``bulk-edit``): rename, delete, group members → review → confirm → apply → results."""
