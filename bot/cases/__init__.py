"""Case status lookup: code parsing, the read-only case store, imports and demo data (no Telegram)."""
