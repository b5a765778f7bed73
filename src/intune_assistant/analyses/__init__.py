"""Analyses: pure functions over collected Intune data (no I/O, no global state).

Sub-packages each answer one question an administrator asks, e.g. ``filters`` evaluates
assignment filter rules against device properties.
"""
