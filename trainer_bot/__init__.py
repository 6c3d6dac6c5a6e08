"""trainer_bot: an AI gym trainer that lives in Telegram."""
