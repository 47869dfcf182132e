# daybook container image.
#
#   make image        # builds localhost/daybook:<appVersion> (see mk/helm.mk)
#
# The base image is a build argument so that the image can be built from a
# local Debian bookworm base (no registry needed): `make image` debootstraps
# one into var/image/, imports it with podman and passes it as BASE.
#
# Layout of the runtime image:
#   /usr/bin/kore                      Kore 4.1 (copied from the build stage;
#                                      the Debian package itself would pull
#                                      compilers and -dev packages)
#   /usr/lib/daybook/daybook.so        the Kore module
#   /usr/bin/daybook-admin             migrate, seed, create-user, report...
#   /usr/share/daybook/{templates,assets,conf,sql}
#                                      read-only application files; WORKDIR
#   /etc/daybook/daybook.conf          default Kore config for a plain
#                                      `podman run`; the Helm chart mounts its
#                                      own (ConfigMap) over it
#   /tmp                               the only place written (pidfile): mount
#                                      an emptyDir / tmpfs, the root FS is
#                                      read-only in Kubernetes
# It runs as uid/gid 10001 (non-root), in the foreground (kore -f), logging to
# standard output/error.  Secrets are files: DAYBOOK_SECRET_FILE,
# DAYBOOK_DB_PASSWORD_FILE, DAYBOOK_REDIS_PASSWORD_FILE.

ARG BASE=debian:bookworm-slim

# ---- build stage ----
FROM ${BASE} AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        build-essential pkg-config kore \
        libhiredis-dev libmariadb-dev libsodium-dev libjansson-dev \
        libcurl4-openssl-dev ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The whole context (.dockerignore keeps out build/, var/, tests, ...).
COPY . .
# Only the two artefacts the image ships (not the test or bench binaries).
# The data directories are created when the tree has none yet (git keeps no
# empty directories), so that the runtime stage can always copy them.
RUN make -j2 build/daybook.so build/daybook-admin \
    && strip --strip-unneeded build/daybook.so build/daybook-admin \
    && mkdir -p templates assets conf sql

# ---- runtime stage ----
FROM ${BASE}
ENV DEBIAN_FRONTEND=noninteractive
# libpq5 and libssl3: Kore's own libraries.  tzdata: report and person time
# zones.  curl: for `helm test` and probes
# by hand; bash (already in the base): the init container's TCP wait.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpq5 libssl3 libhiredis0.14 libmariadb3 libsodium23 libcurl4 \
        libjansson4 ca-certificates curl tzdata \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \
    && groupadd --system --gid 10001 daybook \
    && useradd --system --uid 10001 --gid 10001 --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin daybook \
    && mkdir -p /etc/daybook /usr/lib/daybook /usr/share/daybook \
    && printf '%s\n' \
        '# Default Kore configuration of the daybook image (plain podman run).' \
        '# The Helm chart mounts its own file here.' \
        'server default {' \
        '	bind 0.0.0.0 8080' \
        '	tls no' \
        '}' \
        'load /usr/lib/daybook/daybook.so dbk_init' \
        'workers 2' \
        'worker_max_connections 1024' \
        'worker_rlimit_nofiles 4096' \
        'pidfile /tmp/daybook.pid' \
        'http_hsts_enable 0' \
        'http_server_version daybook' \
        'domain * {' \
        '	attach default' \
        '	include /usr/share/daybook/conf/routes.conf' \
        '}' \
        > /etc/daybook/daybook.conf
COPY --from=build /usr/bin/kore /usr/bin/kore
COPY --from=build /src/build/daybook.so /usr/lib/daybook/daybook.so
COPY --from=build /src/build/daybook-admin /usr/bin/daybook-admin
COPY --from=build /src/templates/ /usr/share/daybook/templates/
COPY --from=build /src/assets/ /usr/share/daybook/assets/
COPY --from=build /src/conf/ /usr/share/daybook/conf/
COPY --from=build /src/sql/ /usr/share/daybook/sql/

ENV DAYBOOK_TEMPLATE_DIR=/usr/share/daybook/templates \
    DAYBOOK_ASSET_DIR=/usr/share/daybook/assets \
    DAYBOOK_SQL_DIR=/usr/share/daybook/sql \
    DAYBOOK_SECRET_FILE=/etc/daybook/secrets/app-secret
WORKDIR /usr/share/daybook
USER 10001:10001
EXPOSE 8080
CMD ["kore", "-f", "-n", "-r", "-c", "/etc/daybook/daybook.conf"]
