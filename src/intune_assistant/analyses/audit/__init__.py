"""Intune audit events in the admin's words: who did what to which object, when, and how it ended."""

from .events import AuditObject, AuditRow, ChangedObject, audit_rows, what_changed

__all__ = ["AuditObject", "AuditRow", "ChangedObject", "audit_rows", "what_changed"]
