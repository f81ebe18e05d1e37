# zkrelay: one entry point.
#   make            build the libraries and bin/zkrelay
#   make test       install missing dependencies, build, run every test (SANITIZE=1 for ASan+UBSan)
#   make deps       install build and test dependencies (Debian packages, npm tooling); idempotent
#   make bench      run the benchmarks, figures written to bench-results.txt
#   make format     clang-format every C file;  make lint  banned-function check
#   make demo       one message from a local QBFT devnet to a local EVM chain, end to end
#   make fuzz       libFuzzer harnesses (FUZZ_SECONDS=N each)
#   make reliability  long kill-loop, fault and adversarial runs + fuzz -> reliability-report.txt

CC      ?= cc
SANITIZE ?= 0
VECTORS ?= $(abspath ../shared/vectors)

CFLAGS_BASE = -std=c11 -O2 -g -Wall -Wextra -Werror -Wvla -Wshadow -Wstrict-prototypes \
              -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -I. -MMD -MP
pc_cflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pc_libs   = $(shell pkg-config --libs $(1) 2>/dev/null || echo $(2))
LIBS = $(call pc_libs,libsecp256k1,-lsecp256k1) $(call pc_libs,jansson,-ljansson) \
       $(call pc_libs,libcurl,-lcurl) $(call pc_libs,libcrypto,-lcrypto) -lleveldb -lpthread -lm

# BUILD_DIR lets several builds share one tree (e.g. BUILD_DIR=build/mine).
BUILD_DIR ?= build
ifeq ($(SANITIZE),1)
BUILD   = $(BUILD_DIR)/san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD   = $(BUILD_DIR)/rel
SANFLAGS =
endif
CFLAGS  = $(CFLAGS_BASE) $(SANFLAGS) $(EXTRA_CFLAGS)
# make V=1 shows the full commands.
ifeq ($(V),1)
Q =
else
Q = @
endif
LDFLAGS += $(SANFLAGS)

LC_SRC   = $(wildcard lightclient/*.c)
PR_SRC   = $(wildcard prover/*.c)
RL_SRC   = $(filter-out relayer/main.c,$(wildcard relayer/*.c))
LC_OBJ   = $(LC_SRC:%.c=$(BUILD)/%.o)
PR_OBJ   = $(PR_SRC:%.c=$(BUILD)/%.o)
RL_OBJ   = $(RL_SRC:%.c=$(BUILD)/%.o)
LIBZK    = $(BUILD)/libzkrelay.a

TEST_SRC = $(wildcard tests/*/test_*.c)
TEST_BIN = $(TEST_SRC:%.c=$(BUILD)/%)
# make check T=test_rlp runs only the test binaries whose name contains T.
ifneq ($(T),)
TEST_BIN := $(foreach b,$(TEST_BIN),$(if $(findstring $(T),$(notdir $(b))),$(b)))
endif
BENCH_SRC = $(wildcard tests/bench/bench_*.c)
BENCH_BIN = $(BENCH_SRC:%.c=$(BUILD)/%)
HARNESS  = $(BUILD)/tests/harness.o

.PHONY: all test check deps bench format lint headers clean contracts demo fuzz reliability
.SECONDARY:
all: bin/zkrelay bin/zkrelay-devnet

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# Relayer first: the static linker resolves left to right, and relayer -> prover -> lightclient.
$(LIBZK): $(RL_OBJ) $(PR_OBJ) $(LC_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/zkrelay: $(BUILD)/relayer/main.o $(LIBZK)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# Copied then renamed: a running bin/zkrelay (a test, a daemon) keeps its old file.
bin/zkrelay: $(BUILD)/zkrelay
	@mkdir -p bin
	$(Q)cp $< $@.tmp && mv -f $@.tmp $@

# Devnet tooling (the QBFT sealer in front of anvil): never part of the relayer binary.
DEVNET_SRC = $(wildcard devnet/*.c)
$(BUILD)/zkrelay-devnet: $(DEVNET_SRC:%.c=$(BUILD)/%.o) $(LIBZK)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

bin/zkrelay-devnet: $(BUILD)/zkrelay-devnet
	@mkdir -p bin
	$(Q)cp $< $@.tmp && mv -f $@.tmp $@

# Fuzzing (fuzz/README.md): each harness FUZZ_SECONDS seconds, or FUZZ_RUNS executions
# (capped at FUZZ_MAX_SECONDS seconds when that is set); FUZZ_JOBS harnesses at once.
FUZZ_SECONDS ?= 10
fuzz:
	@ZK_VECTORS="$(VECTORS)" FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) \
	    FUZZ_MAX_SECONDS=$(FUZZ_MAX_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) \
	    FUZZ_BUILD_DIR=$(BUILD_DIR)/fuzz MAKE="$(MAKE)" sh fuzz/run.sh

# make reliability: the long kill-loop, fault and adversarial runs plus a fuzz run
# (docs/reliability.md); writes reliability-report.txt. REL_FUZZ_SECONDS=N per fuzz harness.
REL_SRC = $(wildcard tests/reliability/rel_*.c)
REL_BIN = $(REL_SRC:%.c=$(BUILD)/%)
reliability: bin/zkrelay $(BUILD)/zkrelay $(BUILD)/zkrelay-devnet $(REL_BIN)
	@ZK_VECTORS="$(VECTORS)" ZK_BIN="$(CURDIR)/$(BUILD)/zkrelay" \
	    ZK_DEVNET_BIN="$(CURDIR)/$(BUILD)/zkrelay-devnet" BUILD_DIR="$(BUILD_DIR)" \
	    MAKE="$(MAKE)" sh tests/reliability/run.sh $(REL_BIN)

# make demo: one message from chain A to chain B on local devnets (scripts/demo.sh)
demo:
	@bash scripts/demo.sh

# Contracts: solc-js (pinned in tools/package-lock.json) -> contracts-abi/build/*.json (committed).
contracts:
	@node tools/build-contracts.js

$(BUILD)/tests/bench/%: tests/bench/%.c $(LIBZK)
	@mkdir -p $(dir $@)
	@echo "  BENCH   $<"
	$(Q)$(CC) $(CFLAGS) -Itests $(LDFLAGS) -o $@ $< $(LIBZK) $(LIBS)

$(BUILD)/tests/%: tests/%.c $(HARNESS) $(LIBZK)
	@mkdir -p $(dir $@)
	@echo "  TEST    $<"
	$(Q)$(CC) $(CFLAGS) -Itests $(LDFLAGS) -o $@ $< $(HARNESS) $(LIBZK) $(LIBS)

# `make test` installs what is missing first, then runs the suite in a fresh make
# so that pkg-config answers are read after the install.
test: deps
	@$(MAKE) --no-print-directory fuzz FUZZ_RUNS=2000
	@$(MAKE) --no-print-directory check

check: lint bin/zkrelay $(BUILD)/zkrelay $(BUILD)/zkrelay-devnet $(TEST_BIN)
	@ZK_VECTORS="$(VECTORS)" ZK_BIN="$(CURDIR)/$(BUILD)/zkrelay" \
	    ZK_DEVNET_BIN="$(CURDIR)/$(BUILD)/zkrelay-devnet" sh tests/run.sh $(TEST_BIN)

deps:
	@sh scripts/deps.sh

bench: $(BENCH_BIN) bin/zkrelay
	@ZK_VECTORS="$(VECTORS)" ZK_BIN="$(CURDIR)/$(BUILD)/zkrelay" sh tests/bench/run.sh $(BENCH_BIN) | tee bench-results.txt

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

# Every header compiles on its own (STYLE: "Every header compiles on its own").
headers:
	@for h in $$(git ls-files 'lightclient/*.h' 'prover/*.h' 'relayer/*.h'); do \
	    printf '#include "%s"\n' "$$h" | $(CC) $(CFLAGS_BASE) -fsyntax-only -x c - || exit 1; done
	@echo "headers: each compiles alone"

lint: headers
	@! grep -nE '\b(strcpy|strcat|sprintf|gets|strtok|atoi|atol)\(' $$(git ls-files '*.c' '*.h') || \
	    (echo "lint: banned function used (see STYLE)"; exit 1)

clean:
	rm -rf build bin

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
