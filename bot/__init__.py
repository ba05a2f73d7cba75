"""newsbot: a Telegram bot that reads news, knows who said what, and sends daily briefings."""

__version__ = "0.2.0"
