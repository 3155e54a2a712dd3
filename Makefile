# The two commands (see README.md): `make run` and `make test`.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
PORT ?= 8080

.PHONY: deps build run test unit e2e example bench format clean

deps:
	@./scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS) -- --no-print-directory

run: build
	@mkdir -p var
	$(BUILD_DIR)/ember serve --listen 127.0.0.1:$(PORT) --store sqlite:var/ember.db

unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

e2e: build
	@EMBER_BIN=$(abspath $(BUILD_DIR))/ember EMBER_CLIENT_BIN=$(abspath $(BUILD_DIR))/ember-client \
	  node --test --test-concurrency=1 tests/e2e/

# The client library's example, built against the installed CMake package (docs/client-library.md).
example: build
	@./scripts/build-example.sh $(BUILD_DIR)

test: unit e2e example

bench: build
	@./bench/run.sh

format:
	@clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h')

clean:
	rm -rf $(BUILD_DIR)
