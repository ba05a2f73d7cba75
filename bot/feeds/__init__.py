"""News from the web: fetching, feed polling, page extraction, de-duplication, retention."""
