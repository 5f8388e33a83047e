# netbox-pdns — every target a newcomer or CI needs. `make demo` runs the main job, `make test` the tests.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian packages the tests, demo and benchmarks use (installed by `make install` when missing, as root).
APT_PACKAGES := pdns-server pdns-backend-sqlite3 pdns-backend-pgsql postgresql sqlite3 mosquitto mosquitto-clients prometheus dnsutils bind9-dnsutils ldnsutils chromium openssl iproute2 curl
MOCHA := node_modules/.bin/mocha

.PHONY: help install install-npm install-deb build lint test test-unit test-integration run check-config docs clean demo demo-check demo-deps bench bench-curve

help:
	@echo "make demo       start a complete local sandbox (PowerDNS, broker, sample NetBox, daemon)"
	@echo "make test       install what is missing, lint, and run every test"
	@echo "make demo-check the demo, non-interactive: one scripted change, checked, then stop"
	@echo "make install    npm packages + Debian packages ($(APT_PACKAGES))"
	@echo "make build      compile TypeScript to dist/"
	@echo "make lint       tsc --noEmit and eslint"
	@echo "make run        run the daemon (needs NETBOX_PDNS_* settings)"
	@echo "make bench      benchmarks against a real PowerDNS (BENCH_ZONES, BENCH_RRSETS, BENCH_QUICK=1, BENCH_BACKEND=sqlite3|gpgsql|both)"
	@echo "make bench-curve the sync benchmarks at 200, 2000 and 10000 zones: cost per zone"
	@echo "make docs       regenerate the docs generated from the config schema"

install: install-npm install-deb

# npm ci only when package-lock.json changed since the last install.
install-npm: node_modules/.install-stamp
node_modules/.install-stamp: package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

install-deb:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "Missing Debian packages. Run as root:"; \
	  echo "  apt-get update && apt-get install -y --no-install-recommends" $$missing; exit 1; \
	fi; \
	echo "installing Debian packages:" $$missing; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null

build: install-npm
	npx tsc -p tsconfig.build.json
	@git describe --always --dirty > REVISION 2>/dev/null || true

lint: install-npm
	npx tsc --noEmit -p .
	npx eslint .

test: install lint
	$(MOCHA) 'test/unit/**/*.test.ts' 'test/component/**/*.test.ts' 'test/integration/**/*.test.ts'

test-unit: install-npm
	$(MOCHA) 'test/unit/**/*.test.ts' 'test/component/**/*.test.ts'

test-integration: install
	$(MOCHA) 'test/integration/**/*.test.ts'

run: build
	node dist/main.js run

# The newcomer's first command: a local sandbox (PowerDNS, sample NetBox, broker, daemon) until Ctrl-C.
# DEMO_CHECK=1 makes it non-interactive: scripted change, DNS answer, /status Healthy, then it stops.
demo: install-npm demo-deps build
	node --import tsx demo/run.ts

# The same, non-interactive (what CI exercises through test/integration/demo.test.ts).
demo-check: install-npm demo-deps build
	DEMO_CHECK=1 node --import tsx demo/run.ts

# Only what the demo needs from Debian (PowerDNS + sqlite3); prints the apt-get line when not root.
demo-deps:
	@sh demo/install-deps.sh

check-config: build
	node dist/main.js check-config

# Benchmarks against a real PowerDNS and the NetBox stand-in: prints a table, writes JSON to bench-results/.
# BENCH_ZONES (2000), BENCH_RRSETS (50), BENCH_QUICK=1 for a small smoke run. Figures, not pass/fail.
bench: install
	node --import tsx test/bench/run.ts

# The sync sections at 200, 2,000 and 10,000 zones (BENCH_CURVE_ZONES): time and memory per zone.
bench-curve: install
	node --import tsx test/bench/curve.ts

# Regenerates the README config table, deploy/netbox-pdns.env.example and config/schema.json.
docs: install-npm
	npx tsx tools/docs/write-docs.ts

clean:
	rm -rf dist .work
