# Makefile - tvp, threads versus processes, measured. Non-recursive; `make help` lists the targets.

.DEFAULT_GOAL := help
SHELL := /bin/bash

# SAN=asan (AddressSanitizer + UBSan) or SAN=tsan (ThreadSanitizer) switches
# the whole build; each sanitizer builds into its own directory.
SAN ?=
# NOTICKS=1 compiles the GIL's tick hook out (build/noticks): only for
# measuring what the hook costs with --gil off (make tick-cost).
NOTICKS ?=
BUILD := build$(if $(SAN),/$(SAN))$(if $(NOTICKS),/noticks)

CC ?= cc
OPT ?= -O2
CFLAGS_BASE := -std=gnu11 -g -Wall -Wextra -Werror -pthread
SAN_FLAGS_asan := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_FLAGS_tsan := -fsanitize=thread
ifneq ($(SAN),)
OPT := -O1
endif
# OpenMP for the openmp model (the only file with pragmas): gcc's -fopenmp,
# its runtime libgomp1 (a dependency of Debian's gcc; scripts/deps.sh checks).
OPENMP := -fopenmp
CFLAGS := $(CFLAGS_BASE) $(OPENMP) $(OPT) $(SAN_FLAGS_$(SAN))$(if $(NOTICKS), -DTVP_NO_TICKS)
DEPFLAGS = -MMD -MP
LDLIBS := -lm -pthread -lpcre2-8
LDLIBS += -lpng # mandelbrot --image FILE.png

GIT_REV := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

SRCS := $(wildcard benchmarks/*.c benchmarks/models/*.c benchmarks/transport/*.c benchmarks/workloads/*.c)

# Open MPI: where mpicc is present tvp gets the mpi model (its files compiled
# with `mpicc --showme:compile`, linked with `--showme:link`, registered by
# TVP_HAVE_MPI); without it tvp is built without the model. MPI=0 forces the latter.
MPI_SRCS := benchmarks/models/mpi.c benchmarks/models/mpirun.c benchmarks/overhead_mpi.c
MPICC := $(if $(filter 0,$(MPI)),,$(shell command -v mpicc 2>/dev/null))
ifneq ($(MPICC),)
MPI_CFLAGS := $(patsubst -I%,-isystem %,$(shell $(MPICC) --showme:compile))
MPI_LIBS := $(shell $(MPICC) --showme:link)
else
SRCS := $(filter-out $(MPI_SRCS),$(SRCS))
endif
OBJS := $(SRCS:%.c=$(BUILD)/%.o)
LIB_OBJS := $(filter-out $(BUILD)/benchmarks/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/%.o)

TVP := $(BUILD)/tvp
UNIT := $(BUILD)/unit-tests
# The GIL's mutual-exclusion check as a plain program (Criterion cannot run under TSan).
GIL_EXCLUSION := $(BUILD)/gil-exclusion
# An LD_PRELOAD probe of POSIX semaphores: CPython 2's GIL hand-offs, measured
# from outside (scripts/fidelity.py). Always a plain build: it is preloaded.
SEMPROBE := build/semprobe.so

.PHONY: help all build deps deps-bench test test-run unit cli integration asan tsan \
	bench plots report clean lint student peers fidelity probe tick-cost fuzz-grep cluster

help: ## list the targets
	@echo "tvp - threads versus processes, measured"
	@echo
	@echo "quick start:  make bench   (installs, builds, runs the default sweep)"
	@echo "              make test    (installs test tools, builds, runs every test)"
	@echo
	@grep -hE '^[a-z-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | sed -E 's/:.*## /\t/' | \
		awk -F'\t' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo
	@echo "variables: SAN=asan|tsan (sanitizer build), OPT=-O2, PROFILE=tiny|default|full,"
	@echo "           MPI=0 (build without the mpi model even where mpicc is present)"

all: build ## same as build
build: $(TVP) ## build the tvp binary into build/

$(TVP): $(OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# The git revision and flags go into the JSON; rebuild report.o and main.o
# when the revision changes, nothing else.
$(BUILD)/gitrev.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(GIT_REV) $(CFLAGS)' | cmp -s - $@ || echo '$(GIT_REV) $(CFLAGS)' > $@
$(BUILD)/benchmarks/report.o $(BUILD)/benchmarks/main.o: $(BUILD)/gitrev.stamp
$(BUILD)/benchmarks/report.o $(BUILD)/benchmarks/main.o: \
	EXTRA_CPPFLAGS = -DTVP_GIT_REV='"$(GIT_REV)"' -DTVP_CFLAGS='"$(CFLAGS)"'

# The registry lists mpi only when it is built; rebuild it when that changes.
LDLIBS += $(MPI_LIBS)
$(BUILD)/mpi.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(MPICC)' | cmp -s - $@ || echo '$(MPICC)' > $@
$(BUILD)/benchmarks/registry.o: $(BUILD)/mpi.stamp
$(BUILD)/benchmarks/registry.o: EXTRA_CPPFLAGS = $(if $(MPICC),-DTVP_HAVE_MPI)
$(BUILD)/benchmarks/models/mpi.o $(BUILD)/benchmarks/overhead_mpi.o: EXTRA_CPPFLAGS = $(MPI_CFLAGS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPFLAGS) $(EXTRA_CPPFLAGS) -c -o $@ $<

# Criterion cannot start under ThreadSanitizer (Snaipe/Criterion#274: "Could
# not initialize inheritable arena"), so SAN=tsan runs the plain unit tests;
# tvp itself still runs under TSan in every bats suite.
ifeq ($(SAN),tsan)
UNIT := build/unit-tests
$(UNIT): FORCE
	@$(MAKE) --no-print-directory SAN= $@
else
$(UNIT): $(UNIT_OBJS) $(LIB_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ -lcriterion $(LDLIBS)
endif

deps: ## install what the tests need (apt-get; asks for nothing else)
	@scripts/deps.sh test

deps-bench: ## install what make bench needs
	@scripts/deps.sh bench

test: deps ## install what is missing, build, run every test
	@$(MAKE) --no-print-directory test-run

$(GIL_EXCLUSION): $(BUILD)/tests/tools/gil_exclusion.o $(LIB_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(SEMPROBE): peers/semprobe/semprobe.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -O2 -fPIC -shared -o $@ $< -ldl

probe: $(SEMPROBE) ## the semaphore probe that counts CPython 2's GIL hand-offs

# libgomp is not built with TSan, so TSan cannot see its team's
# synchronisation: tests/tsan-openmp.supp says which reports that explains.
TSAN_SUPP := $(CURDIR)/tests/tsan-openmp.supp
test-run: $(TVP) $(UNIT) $(GIL_EXCLUSION) $(SEMPROBE) ## run every test on the current build (no installs)
	@SAN=$(SAN) TVP=$(TVP) UNIT=$(UNIT) SEMPROBE=$(SEMPROBE) \
		$(if $(filter tsan,$(SAN)),TSAN_OPTIONS="suppressions=$(TSAN_SUPP) $$TSAN_OPTIONS") \
		scripts/run-tests.sh

unit: $(UNIT) ## the C unit tests only
	$(UNIT)

asan: deps ## AddressSanitizer + UBSan build, running the whole test suite
	@$(MAKE) --no-print-directory SAN=asan test-run

tsan: deps ## ThreadSanitizer build, running the whole test suite
	@$(MAKE) --no-print-directory SAN=tsan test-run

PROFILE ?= default
bench: deps-bench ## install what is missing, build, sweep (PROFILE=tiny|default|full), plots, report
	@$(MAKE) --no-print-directory build
	@scripts/bench.sh $(TVP) $(PROFILE)

plots: ## draw every plot of results/latest (PDF and PNG into results/latest/plots)
	@python3 scripts/analyze.py plots results/latest

report: ## build results/latest/report.pdf (plots included) from results/latest
	@python3 scripts/analyze.py report results/latest

peers: $(TVP) ## the Python peers beside tvp: answers checked (python3, python2)
	@if command -v python3 >/dev/null; then python3 scripts/peers.py --tvp $(TVP); \
	else echo "peers: no python3: skipping the Python peers"; fi

tick-cost: $(TVP) ## what the tick hook costs with --gil off: the hook compiled in vs out
	@$(MAKE) --no-print-directory NOTICKS=1 build
	@python3 scripts/tick-cost.py $(TVP) build/noticks/tvp

fidelity: $(TVP) $(SEMPROBE) ## tvp's simulated GIL beside real CPython, 5 rounds (about an hour; a quiet machine)
	@mkdir -p results
	python3 scripts/fidelity.py --tvp $(TVP) --probe $(SEMPROBE) --out results/fidelity.json

fuzz-grep: N ?= 1000
fuzz-grep: SEED ?= 1
fuzz-grep: $(TVP) ## tvp grep's two engines against GNU grep on N random regexes (N=1000 SEED=1)
	python3 tests/tools/fuzz-grep.py --tvp $(TVP) --cases $(N) --seed $(SEED)

# Two hosts made of network namespaces on this machine (root): tvp ARGS on the
# first, mpi ranks spread over both by the cluster's hostfile, talking TCP.
cluster: ARGS ?= primes --model mpi --workers 2 --to 3000000
cluster: $(TVP) ## tvp ARGS across two namespace hosts (root; ARGS='primes --model mpi --workers 2')
	@scripts/netns-cluster.sh run $(TVP) $(ARGS)

student: ## the exercises' student edition (no solutions) as build/tvp-student.tar.gz
	@bash exercises/tools/student-edition.sh build/tvp-student.tar.gz

lint: ## shellcheck the scripts
	shellcheck scripts/*.sh .ci/run
	shellcheck -x exercises/tools/*.sh exercises/*/check.sh
	shellcheck -s bash exercises/solutions/06-gil/record.sh

clean: ## remove build/ (results/ stays)
	rm -rf build

FORCE:
.PHONY: FORCE

-include $(OBJS:.o=.d) $(UNIT_OBJS:.o=.d) $(BUILD)/tests/tools/gil_exclusion.d
