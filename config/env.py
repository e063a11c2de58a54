"""Reading the settings that come from the environment."""

import os
from urllib.parse import parse_qs, unquote, urlsplit


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _flag(query: dict, name: str) -> bool:
    return query.get(name, ["0"])[0].strip().lower() in {"1", "true", "yes", "on"}


def email_settings(url: str, outbox_dir: str) -> dict:
    """Django email settings for EMAIL_URL: smtp://, smtps://, submission://, file://,
    console://, locmem://. smtp:// takes ?tls=1 (STARTTLS) and ?timeout=SECONDS."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "file":
        # file:///abs/path, or file://relative/path (the "host" is then the first folder)
        path = unquote(parts.netloc + parts.path)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": path or outbox_dir,
        }
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme not in {"smtp", "smtps", "submission"}:
        raise ValueError(f"EMAIL_URL has an unknown scheme: {scheme!r}")
    query = parse_qs(parts.query)
    default_port = {"smtp": 25, "smtps": 465, "submission": 587}[scheme]
    use_ssl = scheme == "smtps" or _flag(query, "ssl")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": use_ssl,
        # Django refuses both at once; implicit TLS (smtps) wins over STARTTLS.
        "EMAIL_USE_TLS": not use_ssl and (scheme == "submission" or _flag(query, "tls")),
        "EMAIL_TIMEOUT": int(query.get("timeout", ["10"])[0]),
    }
