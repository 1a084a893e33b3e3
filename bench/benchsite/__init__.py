"""Settings and URLs used only by bench/load_pages.py; never deployed."""
