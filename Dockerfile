# model-catalog: build wheels, then a slim runtime that migrates (one replica at a time) and
# serves with gunicorn + uvicorn workers. Every setting comes from the environment at run time;
# nothing secret is baked in. See README "Operating it".
ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY service ./service
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:${PYTHON_VERSION}-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    ENVIRONMENT=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    WORKERS=2 \
    MIGRATIONS_DIR=/app/migrations \
    SEED_DIR=/app/seed \
    GRAPHIQL_ASSETS_DIR=/opt/graphiql
RUN groupadd --system --gid 10001 modelcat \
    && useradd --system --uid 10001 --gid modelcat --home-dir /app --no-create-home modelcat
COPY --from=build /wheels /wheels
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --no-index /wheels/*.whl \
    && rm -rf /wheels
# GraphiQL's files (pinned npm packages, integrity-checked) are in the image: a container with
# GraphiQL on (ENVIRONMENT=development) needs no internet. The command alone runs in development
# mode: production settings want a DATABASE_URL, which a build has not.
RUN ENVIRONMENT=development modelcat graphiql fetch
WORKDIR /app
COPY migrations ./migrations
COPY seed ./seed
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=6s --start-period=60s --retries=3 \
    CMD ["python", "-m", "service.probe"]
ENTRYPOINT ["modelcat"]
CMD ["start"]
