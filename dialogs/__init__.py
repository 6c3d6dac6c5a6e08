"""Screens of the bot: one package per screen family, assembled in `setup.py`."""
