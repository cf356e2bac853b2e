# THADS Quảng Ngãi citizen bot. The FAQ and data are mounted as volumes so staff can edit
# them without rebuilding; the token comes only from the environment at run time.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BOT_HEALTH_PORT=8081

WORKDIR /app

COPY requirements.txt constraints.txt ./
RUN pip install --no-cache-dir -r requirements.txt -c constraints.txt

RUN useradd --create-home --uid 10001 bot \
    && mkdir -p /app/data \
    && chown 10001:10001 /app/data

COPY --chown=10001:10001 bot/ ./bot/
COPY --chown=10001:10001 faq/ ./faq/
COPY --chown=10001:10001 glossary/ ./glossary/
COPY --chown=10001:10001 config.yaml ./

USER 10001

# FAQ and status glossary (edited by staff), the case export and the writable state live
# outside the image: /app/data holds cases.sqlite3 (the agency's export) and state.sqlite3.
VOLUME ["/app/faq", "/app/glossary", "/app/data"]

# Health: `python -m bot health` asks the running bot's /healthz (bot/healthz.py): the update
# loop and, while this instance holds the broadcast lease, the broadcaster made progress lately,
# and the state database answers; the configuration must load too. Webhook mode answers on the
# webhook's port; polling mode on 127.0.0.1:$BOT_HEALTH_PORT inside the container (nothing
# published). It deliberately ignores FAQ mistakes: a broken FAQ file must never get the
# container restarted (the bot keeps serving the last good version).
HEALTHCHECK --interval=30s --timeout=15s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
