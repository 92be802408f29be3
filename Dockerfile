# The pliktvakt image: the checkout and its locked environment. Used by compose.yaml for
# the workers, the deploy job and the duty desk, and as the image of a Kubernetes work pool (README).
FROM python:3.11-slim
ENV PLIKTVAKT_HOME=/srv/pliktvakt PATH=/srv/pliktvakt/.venv/bin:$PATH PYTHONUNBUFFERED=1
WORKDIR /srv/pliktvakt
RUN pip install --no-cache-dir uv
COPY pyproject.toml uv.lock README.md ./
COPY pliktvakt ./pliktvakt
COPY cli ./cli
COPY flows ./flows
COPY tasks ./tasks
COPY deployments ./deployments
COPY desk ./desk
COPY migrations ./migrations
COPY config ./config
COPY alembic.ini prefect.yaml ./
RUN uv sync --frozen --no-dev
