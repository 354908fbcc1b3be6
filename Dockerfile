# syntax=docker/dockerfile:1
# The UserSnack API image: the locked production dependencies, the app, its migrations and the
# fixture menu with its images; no dev tools, no embedded PostgreSQL, no secrets (those come
# from the environment at run time, see docker-compose.yml and .env.sample).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: a virtualenv with exactly the hash-checked production lock --------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
COPY requirements-prod.lock /tmp/requirements-prod.lock
RUN /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/requirements-prod.lock

# --- runtime: the virtualenv and the app, run as an unprivileged user --------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app/src \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ENVIRONMENT=production \
    WEB_CONCURRENCY=2

RUN groupadd --system --gid 10001 usersnack \
    && useradd --system --uid 10001 --gid usersnack --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin usersnack

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# pyproject.toml carries [tool.aerich], which `aerich upgrade` reads from the working directory.
COPY pyproject.toml ./
COPY migrations ./migrations
COPY src ./src
COPY scripts/load_fixtures.py ./scripts/load_fixtures.py
# The fixture images. docker compose mounts the shared media volume here; Docker fills a new,
# empty volume from this folder, and Caddy serves it. Owned by the app user for later uploads.
COPY --chown=usersnack:usersnack media ./media

USER usersnack
EXPOSE 8000

# Healthy when /health answers 200 (the app and its database); urllib raises on anything else.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

# The production server (src/usersnack/server.py): uvicorn with uvloop and httptools, workers
# from WEB_CONCURRENCY, a deadline for each request head, no Server header, and no proxy
# headers of its own (the app trusts X-Forwarded-For/-Proto from FORWARDED_ALLOW_IPS only).
# tests/e2e/test_caddy_proxy.py runs this exact command behind Caddy.
ENV HOST=0.0.0.0 PORT=8000
CMD ["python", "-m", "usersnack.server"]
