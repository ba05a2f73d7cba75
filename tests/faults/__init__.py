"""Fault suite: the real bot against the local Bot API server misbehaving on purpose."""
