# kappa: the two commands a new user needs are `make run` and `make test`.
# Both install missing Debian packages first (scripts/install-deps.sh, as root or via sudo).

JOBS ?= $(shell nproc)
KAPPA_ARGS ?=

.PHONY: run test deps test-deps test-clients build build-asan clean

run: build
	./build/kappa up $(KAPPA_ARGS)

# The release tests run one more at a time than there are cores: many process tests mostly
# wait (for a broker to start, a timeout to pass), and the long ones (the clang fuzz builds,
# the thread-safety check) start first (their COST).
test: test-deps test-clients build build-asan
	ctest --test-dir build --output-on-failure -j $$(( $(JOBS) + 1 )) --timeout 900
	ctest --test-dir build-asan --output-on-failure -j $(JOBS) -L sanitize --timeout 900

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

# JS test clients (KafkaJS, cassandra-driver) and the console's browser tests' runner
# (@playwright/test, driving Debian's chromium) from the npm registry, pinned by lockfiles.
test-clients: test-deps
	@if [ ! -f tests/clients/node_modules/.package-lock.json ] || \
	    [ tests/clients/package-lock.json -nt tests/clients/node_modules/.package-lock.json ]; then \
	  npm ci --prefix tests/clients --no-audit --no-fund; fi
	@if [ ! -f tests/console/node_modules/.package-lock.json ] || \
	    [ tests/console/package-lock.json -nt tests/console/node_modules/.package-lock.json ]; then \
	  npm ci --prefix tests/console --no-audit --no-fund; fi

build: deps
	@test -f build/build.ninja || cmake --preset release
	cmake --build build -j $(JOBS)

# The sanitizer build holds only what the `sanitize` label tests need (storage and protocol
# code), so `make test` stays within its time budget.
build-asan: deps
	@test -f build-asan/build.ninja || cmake --preset asan
	cmake --build build-asan -j $(JOBS) --target sanitize_tests

clean:
	rm -rf build build-asan build-fuzz
