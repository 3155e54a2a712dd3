# The two commands (see README.md): `make run` and `make test`.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
PORT ?= 8080

.PHONY: deps build run test unit e2e example bench bench-smoke format clean

deps:
	@./scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS) -- --no-print-directory

run: build
	@mkdir -p var
	$(BUILD_DIR)/ember serve --listen 127.0.0.1:$(PORT) --store sqlite:var/ember.db

# Tests that need PostgreSQL run under scripts/with-pg.sh: a throwaway cluster, removed afterwards
# (docs/testing.md). The C++ store tests read its URL from EMBER_TEST_PG.
unit: build
	@./scripts/with-pg.sh ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

# Every e2e file on SQLite; then the store-level and FHIR/auth suites and the two-instance test
# (tests/e2e/multi_instance.test.js) again on PostgreSQL.
E2E_ENV = EMBER_BIN=$(abspath $(BUILD_DIR))/ember EMBER_CLIENT_BIN=$(abspath $(BUILD_DIR))/ember-client
E2E_PG_FILES = tests/e2e/fhir_api.test.js $(sort $(wildcard tests/e2e/smart_*.test.js)) tests/e2e/multi_instance.test.js

e2e: build
	@$(E2E_ENV) node --test --test-concurrency=1 tests/e2e/
	@$(E2E_ENV) EMBER_TEST_STORE=postgres ./scripts/with-pg.sh \
	  node --test --test-concurrency=1 $(E2E_PG_FILES)

# The client library's example, built against the installed CMake package (docs/client-library.md).
example: build
	@./scripts/build-example.sh $(BUILD_DIR)

# bench-smoke: the benchmark suite for a second per scenario, so it cannot rot; CI does not judge
# speed from it (docs/performance.md).
test: unit e2e example bench-smoke

bench: build
	@EMBER_BIN=$(abspath $(BUILD_DIR))/ember ./bench/run.sh

bench-smoke: build
	@BENCH_SMOKE=1 EMBER_BIN=$(abspath $(BUILD_DIR))/ember ./bench/run.sh

format:
	@clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h')

clean:
	rm -rf $(BUILD_DIR)
