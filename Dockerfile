# nnplayground: one app process (uvicorn + training workers). Build: docker build -t nnplayground .
# Alone: docker run -p 8000:8000 -v nnp-data:/data nnplayground (sqlite in /data);
# several replicas sharing Redis behind nginx: docker-compose.yml.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    NNP_HOST=0.0.0.0 NNP_PORT=8000 NNP_DATA_DIR=/data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY backend ./backend
COPY frontend ./frontend
RUN pip install ".[redis]" && useradd --create-home --uid 10001 nnp && mkdir -p /data \
    && chown nnp /data
USER nnp
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=2).status != 200)"
CMD ["nnplayground", "serve"]
