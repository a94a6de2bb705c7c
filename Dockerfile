# Build:  docker build -t commune-api .
# Run:    docker run -p 8080:8080 -e JWT_SECRET=... commune-api
#         (SQLite in /var/lib/commune by default; set DATABASE_URL=postgres://... for PostgreSQL)

# ---- builder ---------------------------------------------------------------
FROM rust:1-bookworm AS builder

# libpq-dev: diesel's PostgreSQL backend (pq-sys) links against libpq.
# SQLite is bundled (libsqlite3-sys "bundled"), built with the image's gcc.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libpq-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY crates/ crates/
COPY tests/ tests/
COPY migrations/ migrations/
COPY openapi/ openapi/
COPY fixtures/ fixtures/

RUN cargo build --release --locked -p api --bin commune-api \
    && cp target/release/commune-api /usr/local/bin/commune-api

# ---- runtime ---------------------------------------------------------------
FROM debian:bookworm-slim

RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system commune \
    && useradd --system --gid commune --home-dir /var/lib/commune --no-create-home \
       --shell /usr/sbin/nologin commune \
    && install -d -o commune -g commune -m 0750 /var/lib/commune

COPY --from=builder /usr/local/bin/commune-api /usr/local/bin/commune-api

USER commune
WORKDIR /var/lib/commune

ENV BIND_ADDR=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///var/lib/commune/commune.db

EXPOSE 8080

ENTRYPOINT ["commune-api"]
CMD ["serve"]
