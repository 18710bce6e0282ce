# zenlayer-port-operator container image.
#   docker build -t zenlayer-port-operator:dev .
# Build stage: Debian bookworm with the project's own dependency script (scripts/install-deps.sh), so the image
# is built against exactly the libraries the tests run against. Runtime stage: debian:bookworm-slim with only the
# shared libraries the binary links (scripts/image/runtime-deps.sh), run as a numeric non-root user so
# `runAsNonRoot` can be verified by the kubelet without a passwd entry.
# Each RUN step is a script under scripts/image/ so scripts/check-image.sh can run the very same steps in
# debootstrap roots where no container daemon is available.

FROM debian:bookworm AS build
WORKDIR /src
# The dependencies in a layer of their own, rebuilt only when the dependency scripts change.
COPY scripts/install-deps.sh scripts/install-deps.sh
COPY scripts/image/build.sh scripts/image/build.sh
RUN scripts/image/build.sh deps
COPY . .
RUN scripts/image/build.sh /out/zenlayer-port-operator

FROM debian:bookworm-slim
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="zenlayer-port-operator" \
      org.opencontainers.image.description="Kubernetes operator for Zenlayer SDN ports (ZenlayerPort resources)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim" \
      org.opencontainers.image.licenses="NOASSERTION"
COPY scripts/image/runtime-deps.sh /tmp/runtime-deps.sh
RUN /tmp/runtime-deps.sh && rm /tmp/runtime-deps.sh
COPY --from=build /out/zenlayer-port-operator /usr/local/bin/zenlayer-port-operator
# 65532: the conventional "nonroot" uid/gid of distroless images; numeric so runAsNonRoot needs no /etc/passwd.
USER 65532:65532
# 8080 metrics, 8081 /healthz and /readyz (the operator's defaults).
EXPOSE 8080 8081
ENTRYPOINT ["/usr/local/bin/zenlayer-port-operator"]
