"""End-to-end tests: the real bot process over HTTP against fake Telegram and LLM servers."""
