# One image for every process of the marketplace: web (gunicorn), worker and beat (Celery).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --system --create-home --uid 10001 app

# Dependencies first, from pyproject.toml alone, so a code change does not reinstall them.
# The packages are stubs here; the code runs from /app (PYTHONPATH), so the stub install
# is removed again and only the dependencies stay.
COPY pyproject.toml ./
RUN mkdir marketplace shop creators \
    && touch marketplace/__init__.py shop/__init__.py creators/__init__.py \
    && pip install . \
    && pip uninstall --yes marketplace \
    && rm -rf marketplace shop creators build *.egg-info

COPY . .

# Static files are collected (hashed and compressed for WhiteNoise) at build time; the key
# is a placeholder that only lets settings load, never used at run time.
RUN SECRET_KEY=collectstatic-only-not-a-secret DEBUG=0 python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown app:app /app/media

USER app
EXPOSE 8000
# WEB_CONCURRENCY sets gunicorn's worker count.
CMD ["gunicorn", "marketplace.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
