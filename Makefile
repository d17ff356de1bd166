# SPDX-License-Identifier: GPL-2.0-only
# xdpdns: everything builds out of tree into $(OUT). `make help` lists targets.

OUT     ?= build
CLANG   ?= clang
BPFTOOL ?= bpftool
CC      ?= cc
ARCH    := $(shell uname -m)

Q   := $(if $(filter 1,$(V)),,@)
say  = $(if $(filter 1,$(V)),,@printf '  %-8s %s\n' $(1) $(2);)

BPF_CFLAGS := -target bpf -g -O2 -Wall -Wextra -Werror -Wno-unused-parameter \
	      -I/usr/include/$(ARCH)-linux-gnu -Imaps -Ibpf
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	   -Imaps -Iuser -I$(OUT) -D_GNU_SOURCE
LDLIBS  := -lxdp -lbpf -lelf -lz -lidn2 -lldns -lyaml -lcurl -lmicrohttpd -ljson-c

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(OUT)/%.bpf.o,$(BPF_SRCS))
SKELS     := $(patsubst bpf/%.bpf.c,$(OUT)/%.skel.h,$(BPF_SRCS))
HDRS      := $(wildcard maps/*.h bpf/*.h user/*.h tests/*.h)

CLI_SRCS  := $(wildcard user/cli*.c user/main.c)
LIB_SRCS  := $(filter-out $(CLI_SRCS),$(wildcard user/*.c))
LIB_OBJS  := $(patsubst user/%.c,$(OUT)/user/%.o,$(LIB_SRCS))
CLI_OBJS  := $(patsubst user/%.c,$(OUT)/user/%.o,$(CLI_SRCS))

TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(patsubst tests/%.c,$(OUT)/tests/%,$(TEST_SRCS))
# Programs of their own under tests/: benchmarks and lab tools.
TOOL_SRCS := $(wildcard tests/bench_*.c tests/lab_*.c)
TOOL_BINS := $(patsubst tests/%.c,$(OUT)/%,$(TOOL_SRCS))
TLIB_SRCS := $(filter-out $(TEST_SRCS) $(TOOL_SRCS),$(wildcard tests/*.c))
TLIB_OBJS := $(patsubst tests/%.c,$(OUT)/tests/%.o,$(TLIB_SRCS))

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all programs clean help test deps demo bench-datapath bench-feeds bench-cli bench

# `make` on a fresh machine installs the dependencies first (as root).
all: deps
	$(Q)$(MAKE) --no-print-directory programs

programs: $(BPF_OBJS) $(SKELS) $(if $(CLI_SRCS),$(OUT)/xdpdns) $(TEST_BINS) $(TOOL_BINS)

$(OUT) $(OUT)/user $(OUT)/tests:
	$(Q)mkdir -p $@

$(OUT)/%.bpf.o: bpf/%.bpf.c $(HDRS) | $(OUT)
	$(call say,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(call say,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@

$(OUT)/user/%.o: user/%.c $(HDRS) $(SKELS) | $(OUT)/user
	$(call say,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUT)/tests/%.o: tests/%.c $(HDRS) $(SKELS) | $(OUT)/tests
	$(call say,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests -c $< -o $@

$(OUT)/xdpdns: $(CLI_OBJS) $(LIB_OBJS)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(OUT)/tests/test_%: $(OUT)/tests/test_%.o $(TLIB_OBJS) $(LIB_OBJS)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS) -lcmocka

$(TOOL_BINS): $(OUT)/%: $(OUT)/tests/%.o $(TLIB_OBJS) $(LIB_OBJS)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS) -lm

DEMO_HOSTS ?= ../shared/data/feeds/hosts/stevenblack_hosts.txt

deps:
	$(Q)scripts/deps.sh

test: all
	$(Q)OUT=$(OUT) tests/run.sh

demo: all
	$(Q)OUT=$(OUT) scripts/demo.sh $(DEMO_HOSTS)

bench-datapath: all
	$(Q)$(OUT)/bench_datapath

bench-feeds: all
	$(Q)$(OUT)/bench_feeds

bench-cli: all
	$(Q)OUT=$(OUT) scripts/bench-cli.sh $(DEMO_HOSTS)

bench: all
	$(Q)OUT=$(OUT) scripts/bench.sh

clean:
	$(Q)rm -rf $(OUT)

help:
	@echo 'make                 install dependencies (root), build everything into $(OUT)/'
	@echo 'make demo            a real blocklist enforced on a veth lab in front of Unbound (root)'
	@echo 'make test            install dependencies, build, run every test (root)'
	@echo 'make bench-datapath  ns per packet through BPF_PROG_TEST_RUN'
	@echo 'make bench-feeds     parse, compile, swap and memory of 100k to 10M names (root)'
	@echo 'make bench-cli       attach, load and block timings on the veth lab (root)'
	@echo 'make bench           xdpdns beside Unbound and dnsdist, into bench/REPORT.md (root)'
	@echo 'make clean           remove $(OUT)/'
	@echo 'V=1                  show the commands'
