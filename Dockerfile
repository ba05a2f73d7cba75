# newsbot in a container: docs/deploying.md. Build: docker build -t newsbot .
# The base is Debian's slim Python, the same minor version the lock file was compiled for
# (another image with python3 3.11 and its venv module works too: --build-arg PYTHON_IMAGE=...).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# Stage 1: newsbot as a wheel, its parser compiled with mypyc (docs/performance.md). The C
# compiler and mypy stay in this stage; only the wheel goes on.
FROM ${PYTHON_IMAGE} AS wheel
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# mypy (which provides mypyc) at the version the dev lock file pins, with what it needs.
COPY requirements-dev.lock ./
RUN python3 -m venv /opt/build \
    && grep -E '^(mypy|mypy-extensions|typing-extensions|pathspec|librt)==' requirements-dev.lock \
        > build-requirements.txt \
    && /opt/build/bin/pip install --no-cache-dir -r build-requirements.txt setuptools==80.9.0
COPY pyproject.toml setup.py README.md ./
COPY bot ./bot
COPY handlers ./handlers
RUN NEWSBOT_COMPILE=1 /opt/build/bin/pip wheel --no-cache-dir --no-build-isolation --no-deps \
        --wheel-dir /wheels .

# Stage 2: the image that runs.
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, at the lock file's exact versions: a layer that changes only with it.
# In a venv of their own, apart from the image's Python.
RUN python3 -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

COPY --from=wheel /wheels /wheels
COPY seeds ./seeds
RUN pip install --no-cache-dir --no-deps /wheels/*.whl \
    && rm -rf /wheels \
    && groupadd --system --gid 10001 newsbot \
    && useradd --system --uid 10001 --gid newsbot --home-dir /data --shell /usr/sbin/nologin newsbot \
    && mkdir -p /data \
    && chown newsbot:newsbot /data

# The store (and its heartbeat) live on the volume; the sample articles seed a new store.
ENV NEWSBOT_DB=/data/newsbot.db \
    NEWSBOT_SEEDS=/app/seeds \
    NEWSBOT_WEBHOOK_LISTEN=0.0.0.0 \
    NEWSBOT_WEBHOOK_PORT=8080
VOLUME ["/data"]
# newsbot, by number: a host or orchestrator can check it is not root without the image's files.
USER 10001:10001
# Only used in webhook mode (NEWSBOT_WEBHOOK_URL set); polling needs no port.
EXPOSE 8080

# Asks the running bot: its heartbeat (written every 15 s while it takes updates) is fresh.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["newsbot", "health"]

ENTRYPOINT ["newsbot"]
CMD ["run"]
