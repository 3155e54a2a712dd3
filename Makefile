# The two commands (see README.md): `make run` and `make test`.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
PORT ?= 8080

.PHONY: deps build run test unit e2e example bench bench-smoke soak soak-smoke format clean

deps:
	@./scripts/install-deps.sh

# New build trees use Ninja: it compiles a target's unity batches while the libraries it depends
# on are still being built, where make waits for each library to be linked (docs/testing.md,
# "Build time"). A tree configured earlier keeps its generator.
GENERATOR = $(if $(wildcard $(1)/CMakeCache.txt),,-G Ninja)

build: deps
	@cmake -S . -B $(BUILD_DIR) $(call GENERATOR,$(BUILD_DIR)) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@mkdir -p var
	$(BUILD_DIR)/ember serve --listen 127.0.0.1:$(PORT) --store sqlite:var/ember.db

# Tests that need PostgreSQL run under scripts/with-pg.sh: a throwaway cluster, removed afterwards
# (docs/testing.md). The C++ store tests read its URL from EMBER_TEST_PG.
unit: build
	@./scripts/with-pg.sh ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

# Every e2e file on SQLite; then the store-level and FHIR/auth suites, the two-instance test
# (tests/e2e/multi_instance.test.js), the SIGKILL test (crash_safety.test.js) and the brute-force
# limits (limits.test.js: counters shared by two instances), the audit trail (audit.test.js) and the negative-input suites that
# reach the store (NUL bytes, invalid UTF-8, injections) again on PostgreSQL.
E2E_ENV = EMBER_BIN=$(abspath $(BUILD_DIR))/ember EMBER_CLIENT_BIN=$(abspath $(BUILD_DIR))/ember-client
E2E_PG_FILES = tests/e2e/fhir_api.test.js $(sort $(wildcard tests/e2e/smart_*.test.js)) tests/e2e/multi_instance.test.js \
  tests/e2e/crash_safety.test.js tests/e2e/limits.test.js tests/e2e/audit.test.js \
  tests/e2e/negative_fhir.test.js tests/e2e/negative_oauth.test.js

e2e: build
	@$(E2E_ENV) node --test --test-concurrency=1 tests/e2e/
	@$(E2E_ENV) EMBER_TEST_STORE=postgres ./scripts/with-pg.sh \
	  node --test --test-concurrency=1 $(E2E_PG_FILES)

# The client library's example, built against the installed CMake package (docs/client-library.md).
example: build
	@./scripts/build-example.sh $(BUILD_DIR)

# bench-smoke: the benchmark suite for a second per scenario, so it cannot rot; CI does not judge
# speed from it (docs/performance.md). soak-smoke: the soak for one minute (see below).
# sanitize and fuzz-smoke: the ASan/UBSan run and the fuzz corpora, in the second (clang) build
# below. Both builds are unity builds, which is what keeps CI (2 cores) within its budget
# (docs/testing.md, "Build time").
test: unit e2e example bench-smoke soak-smoke sanitize fuzz-smoke

check-hardening: sanitize fuzz-smoke

bench: build
	@EMBER_BIN=$(abspath $(BUILD_DIR))/ember ./bench/run.sh

bench-smoke: build
	@BENCH_SMOKE=1 EMBER_BIN=$(abspath $(BUILD_DIR))/ember ./bench/run.sh

# soak: a mixed load (launches, refreshes, FHIR reads, searches, writes) for SOAK_SECONDS (600);
# fails on any error or on RSS growth of 5% or more after warm-up. soak-smoke is its one-minute
# form, run by `make test` (docs/testing.md).
soak: build
	@EMBER_BIN=$(abspath $(BUILD_DIR))/ember ./bench/soak/run.sh

# The smoke's bounded caches must be full before its 20 s warm-up ends, or their filling is taken
# for a leak: its server keeps 256 verified tokens instead of 4096, and 100 patients make the
# store large enough to fill SQLite's page caches at once (docs/performance.md, "Soak").
soak-smoke: build
	@SOAK_SECONDS=60 SOAK_PATIENTS=100 SOAK_OUT=bench/results/soak-smoke.json SOAK_SERVE_ARGS="--token-cache 256" \
	  EMBER_BIN=$(abspath $(BUILD_DIR))/ember ./bench/soak/run.sh

# Sanitizers and fuzzing (docs/testing.md): one clang build in SAN_DIR, every library with
# ASan + UBSan (and libFuzzer's coverage hooks), at -O1 so the tests stay fast. `sanitize` runs
# all its unit tests (store tests on SQLite and PostgreSQL) and the core e2e files against its
# ember; `fuzz` runs each fuzz/<name>.cc for FUZZ_SECONDS on its corpus; `fuzz-smoke` (CI) runs
# each over its corpus and then for FUZZ_SMOKE_SECONDS.
.PHONY: san-build sanitize fuzz fuzz-smoke check-hardening
SAN_DIR ?= build-san
SAN_CXX ?= clang++-16
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
SAN_E2E_FILES = tests/e2e/smart_negative.test.js tests/e2e/smart_ehr_launch.test.js \
  tests/e2e/fhir_api.test.js tests/e2e/smart_backend.test.js tests/e2e/smart_registration.test.js

# Only what the runs use: ember, the unit-test binaries and the fuzz targets.
# (a test target per tests/unit/<module>/ with .cc files: tests/unit/support/ holds headers only)
SAN_TARGETS = ember $(patsubst tests/unit/%/,ember_%_tests,$(sort $(dir $(wildcard tests/unit/*/*.cc)))) \
  $(patsubst fuzz/%.cc,fuzz_%,$(wildcard fuzz/*.cc))

san-build: deps
	@cmake -S . -B $(SAN_DIR) $(call GENERATOR,$(SAN_DIR)) -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DCMAKE_CXX_COMPILER=$(SAN_CXX) -DEMBER_FUZZ=ON >/dev/null
	@cmake --build $(SAN_DIR) -j $(JOBS) --target $(SAN_TARGETS)

sanitize: san-build
	@./scripts/sanitize.sh $(SAN_DIR) $(SAN_E2E_FILES)

fuzz: san-build
	@./fuzz/run.sh $(SAN_DIR) $(FUZZ_SECONDS)

fuzz-smoke: san-build
	@./fuzz/run.sh $(SAN_DIR) $(FUZZ_SMOKE_SECONDS)

format:
	@clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h')

clean:
	rm -rf $(BUILD_DIR)
