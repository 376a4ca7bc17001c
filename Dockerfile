# The front-end libraries, at the versions package-lock.json pins (what `make assets` does).
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=assets /build/node_modules/htmx.org/dist/htmx.min.js /build/node_modules/htmx.org/LICENSE static/vendor/htmx.org/
RUN DEBUG=False SECRET_KEY=build-only python manage.py compiletranslations \
 && DEBUG=False SECRET_KEY=build-only python manage.py collectstatic --no-input
RUN useradd --system --uid 1000 app && mkdir -p /app/media && chown app /app/media
USER app
EXPOSE 8000
CMD ["gunicorn", "governance.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
