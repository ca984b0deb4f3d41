"""Where claude-beacon keeps its files: the platform's own locations, and nothing else."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP = "claude-beacon"


def config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / "config.toml"


def state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def history_file() -> Path:
    return data_dir() / "history.sqlite3"


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP, appauthor=False))


def all_paths() -> dict[str, Path]:
    return {
        "config": config_file(),
        "state": state_dir(),
        "history": history_file(),
        "cache": cache_dir(),
        "log": log_dir(),
    }
