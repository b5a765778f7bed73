"""Identity: delegated sign-in and token providers (tokens live in memory only)."""
