"""Designer preview: a storyboard of every window in Russian, plus a transitions diagram."""

from trainer_bot.preview.page import write_preview

__all__ = ["write_preview"]
