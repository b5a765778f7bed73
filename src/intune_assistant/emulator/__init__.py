"""Entra ID + Microsoft Graph emulator: the embedded demo tenant and the test bed."""
