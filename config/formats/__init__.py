"""Date and time formats per language (settings.FORMAT_MODULE_PATH). A setting not named here
falls back to Django's own module for that language."""
