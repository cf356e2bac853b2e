"""FAQ content: model, loading, validation, Vietnamese normalisation and matching (no Telegram)."""
