# keygate: the two commands a newcomer needs are `make demo` and `make test`.
BUILD      ?= build
TEST_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
# Tests mostly wait (on handshakes, timeouts, peers), so run twice as many
# as there are cores.
TEST_JOBS  ?= $(shell echo $$(( $$(nproc) * 2 )))

.PHONY: all setup build build-test test unit integration demo demo-aaa bench fuzz soak clean

all: build

setup:
	@bash scripts/setup.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKG_TESTS=OFF

build: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

$(TEST_BUILD)/build.ninja:
	cmake -S . -B $(TEST_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKG_SANITIZE=ON -DKG_TESTS=ON

build-test: setup $(TEST_BUILD)/build.ninja
	cmake --build $(TEST_BUILD) -j $(JOBS)

# Every test: unit tests, fuzz drivers and integration tests in network
# namespaces, all on the address/undefined-sanitizer build.
test: build-test
	cd $(TEST_BUILD) && ctest --output-on-failure -j $(TEST_JOBS)

unit: build-test
	cd $(TEST_BUILD) && ctest --output-on-failure -j $(JOBS) -L 'unit|fuzz'

integration: build-test
	cd $(TEST_BUILD) && ctest --output-on-failure -j $(TEST_JOBS) -L integration

demo: build
	@bash scripts/demo.sh $(BUILD)

# Seed 004's AAA: strongSwan road warriors authenticated with EAP through
# FreeRADIUS, addresses from RADIUS, accounting records.
demo-aaa: build
	@bash scripts/demo_aaa.sh $(BUILD)

bench: setup
	@bash bench/run.sh

# Coverage-guided fuzzing with AFL++ (FUZZ_SECONDS per target, default 120);
# grows fuzz/*_corpus with what it finds. Not part of make test.
fuzz: setup
	@bash scripts/fuzz.sh

# On the ASan/LSan build, not part of make test: 10,000 setups and teardowns
# through keygate-bench (scripts/soak_churn.sh: the hub's RSS and descriptors
# back to their baseline), then two keygated with 10-second rekeys, DPD and a
# ping for SOAK_SECONDS (default 1800; scripts/soak.sh: RSS, descriptors and
# SAs flat, no ping gap over 1 s). No leak at exit.
soak: build-test
	@bash scripts/soak_churn.sh
	@bash scripts/soak.sh

clean:
	rm -rf $(BUILD) $(TEST_BUILD) build-*
