GO ?= go
FUZZTIME ?= 20s
BENCHTIME ?= 1s

.PHONY: help test bench fuzz verify

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

# PostgreSQL server binaries (Debian package postgresql) for the store tests'
# throwaway server, installed when missing; Debian keeps initdb off PATH.
PG_INSTALL = command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { S=; [ "$$(id -u)" = 0 ] || S="sudo -n"; $$S apt-get update && DEBIAN_FRONTEND=noninteractive $$S apt-get install -y postgresql; }

# redis-server (Debian package redis-server) for the cluster tests' throwaway
# server, installed when missing.
REDIS_INSTALL = command -v redis-server >/dev/null || { S=; [ "$$(id -u)" = 0 ] || S="sudo -n"; $$S apt-get update && DEBIAN_FRONTEND=noninteractive $$S apt-get install -y redis-server; }

test: ## vet, then every test with the race detector (the one test command; installs postgresql and redis-server when missing)
	@$(PG_INSTALL)
	@$(REDIS_INSTALL)
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

bench: ## hot-path benchmarks with allocation counts
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./strategy/ ./engine/

FUZZ_TARGETS = ./engine/:FuzzEngine ./sip/:FuzzRequestHandling ./sip/transport/:FuzzRawScreening \
	./config/:FuzzParse ./config/:FuzzScheduleParsers ./config/api/:FuzzJSONBodies \
	./sip/transport/:FuzzWebSocketFrames ./sip/registrar/:FuzzPath ./sip/dialoginfo/:FuzzBody \
	./sip/:FuzzFeatureCodes ./sip/:FuzzOutboundRules ./sip/transport/:FuzzStreamFraming

fuzz: ## every fuzz target in turn, FUZZTIME each (a duration or a count: FUZZTIME=5000000x) (engine events, SIP requests, raw datagrams, config file, schedules, API bodies, WebSocket frames, Path, dialog-info bodies, feature codes, outbound rules, TCP framing)
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t#*:} ($${t%%:*}, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) -timeout 0 "$${t%%:*}"; \
	done

verify: ## gofmt, vet and go.mod tidiness
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt needed'; exit 1; }
	$(GO) vet ./...
	$(GO) mod tidy -diff

# SIPp (Debian package sip-tester) for the interop suite, installed when missing.
SIPP_INSTALL = command -v sipp >/dev/null || { S=; [ "$$(id -u)" = 0 ] || S="sudo -n"; $$S apt-get update && DEBIAN_FRONTEND=noninteractive $$S apt-get install -y sip-tester; }

.PHONY: e2e load soak

# SIPVicious (Debian package sipvicious) for the scanner cases of make e2e.
SIPVICIOUS_INSTALL = command -v svmap >/dev/null || command -v sipvicious_svmap >/dev/null || { S=; [ "$$(id -u)" = 0 ] || S="sudo -n"; $$S apt-get update && DEBIAN_FRONTEND=noninteractive $$S apt-get install -y sipvicious; }

# Chromium (Debian package chromium) for the web console's browser test
# (bench/console) in make e2e, installed when missing.
CHROMIUM_INSTALL = command -v chromium >/dev/null || { S=; [ "$$(id -u)" = 0 ] || S="sudo -n"; $$S apt-get update && DEBIAN_FRONTEND=noninteractive $$S apt-get install -y chromium; }

# Firefox ESR (Debian package firefox-esr) for the web console's Firefox
# test (bench/console, WebDriver BiDi) in make e2e, installed when missing.
FIREFOX_INSTALL = command -v firefox-esr >/dev/null || { S=; [ "$$(id -u)" = 0 ] || S="sudo -n"; $$S apt-get update && DEBIAN_FRONTEND=noninteractive $$S apt-get install -y firefox-esr; }

# openssl (Debian package openssl) for the test certificates of make e2e.
OPENSSL_INSTALL = command -v openssl >/dev/null || { S=; [ "$$(id -u)" = 0 ] || S="sudo -n"; $$S apt-get update && DEBIAN_FRONTEND=noninteractive $$S apt-get install -y openssl; }

e2e: ## SIPp interop suite, real phones (baresip, linphonec; UDP, TCP, TLS; Kamailio edge), NAT and WebSocket phones, the Grafana dashboard's queries on a real Prometheus, the web console in headless Chromium and Firefox; installs their Debian and npm packages when missing
	@$(SIPP_INSTALL)
	@$(OPENSSL_INSTALL)
	@$(SIPVICIOUS_INSTALL)
	@$(CHROMIUM_INSTALL)
	@$(FIREFOX_INSTALL)
	bench/sipp/run.sh
	bench/phones/install.sh
	bench/phones/run.sh
	bench/nat/install.sh
	bench/nat/run.sh
	bench/prometheus/run.sh
	$(GO) test -tags browser -count=1 -timeout 5m ./bench/console/

load: ## 1,000 calls at 50/s through ringd with SIPp
	@$(SIPP_INSTALL)
	bench/sipp/run.sh load

soak: ## ~13 min of load with faults: black-holed and 503 members, API changes, SIGTERM, kill -9, callers and members on UDP, TLS and WebSocket at once
	@$(SIPP_INSTALL)
	bench/sipp/run.sh soak

# Kamailio (Debian package kamailio) for the dispatcher case of make cluster.
KAMAILIO_INSTALL = command -v kamailio >/dev/null || { S=; [ "$$(id -u)" = 0 ] || S="sudo -n"; $$S apt-get update && DEBIAN_FRONTEND=noninteractive $$S apt-get install -y kamailio; }

.PHONY: cluster

cluster: ## the cluster suite (bench/cluster): three ringd nodes on one PostgreSQL and one Redis, Kamailio's dispatcher in front (~2 min; installs postgresql, redis-server and kamailio when missing)
	@$(PG_INSTALL)
	@$(REDIS_INSTALL)
	@$(KAMAILIO_INSTALL)
	$(GO) test -race -tags cluster -count=1 -timeout 20m ./bench/cluster/

.PHONY: compare

compare: ## ringd (as run and tuned) vs Kamailio (1, 2, 4 children) with SIPp, two call shapes; writes bench/RESULTS.md, appends to bench/HISTORY.md (~60 min: 50 measured with CPU_REPEAT=1; installs kamailio and sip-tester when missing)
	bench/compare/run.sh

.PHONY: dashboard

dashboard: ## bench/grafana/ringd.png: ~3 min SIPp load, own Prometheus, the dashboard's queries drawn
	bench/grafana/capture.sh
