# vmscope - make Linux memory visible on live systems.
#
#   make                  build the commands into build/bin
#   make check            run every test suite (see tests/run)
#   make install          install commands, man pages and completions
#   make san              build with AddressSanitizer and UBSan into build/san
#   make kmod             build the kernel module (KDIR=... to choose headers)
#   make fuzz             build the libFuzzer harnesses of tests/fuzz (clang,
#                         ASan, UBSan) into build/fuzz and run each for
#                         FUZZ_SECONDS (default 60) seconds; crashes go to
#                         build/fuzz/crashes/NAME/ (make fuzz-build: build only)
#   make clean
#
# Each command is described once, in the COMMANDS block below: its sources,
# the pkg-config packages it links, and its man page.

VERSION := 0.1.0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR ?= $(DATADIR)/zsh/vendor-completions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
DESTDIR ?=

CC ?= cc
V ?= 0
Q := $(if $(filter 1,$(V)),,@)
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
B ?= build

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes \
	-Wstrict-prototypes -Wno-format-nonliteral
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
	-DVS_VERSION='"$(VERSION)"' $(WARN) -Ilib -Icmd -MMD -MP

# ---- the commands -------------------------------------------------------
COMMANDS := vmmap vmphys vmtop vmfault vmfrag vmslab vmtlb

vmmap_SRCS := $(wildcard cmd/vmmap/*.c)
vmmap_PKGS := smartcols
vmmap_MAN  := man/vmmap.1

vmphys_SRCS := $(wildcard cmd/vmphys/*.c)
vmphys_PKGS := smartcols
vmphys_MAN  := man/vmphys.1

vmtop_SRCS := $(wildcard cmd/vmtop/*.c)
vmtop_PKGS := libproc2 smartcols
vmtop_MAN  := man/vmtop.1

vmfault_SRCS := cmd/vmfault.c
vmfault_PKGS := libtracefs libtraceevent smartcols
vmfault_MAN  := man/vmfault.1

vmfrag_SRCS := cmd/vmfrag.c
vmfrag_PKGS := smartcols
vmfrag_MAN  := man/vmfrag.1

vmslab_SRCS := $(wildcard cmd/vmslab/*.c)
vmslab_PKGS := smartcols
vmslab_MAN  := man/vmslab.1

vmtlb_SRCS := $(wildcard cmd/vmtlb/*.c)
vmtlb_PKGS := smartcols libtracefs libtraceevent
vmtlb_MAN  := man/vmtlb.1

# ---- the library --------------------------------------------------------
LIB_SRCS := $(wildcard lib/*.c)
# Compile flags of every library module; a command links only what its
# NAME_PKGS list says, plus LIB_LINK_PKGS (the output layer).
LIB_PKGS := smartcols libtracefs libtraceevent
LIB_LINK_PKGS := smartcols
CMD_COMMON_SRCS := cmd/common.c

# ---- fixtures (test and demo programs) ----------------------------------
FIXTURES := $(patsubst tests/fixtures/src/%.c,%,$(wildcard tests/fixtures/src/*.c))
# Static, so that their pages are shared with no tool that inspects them.
FIXTURE_LIBS := -lpthread

# ---- unit tests ---------------------------------------------------------
UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_PKGS := cmocka libcjson smartcols libproc2 libtracefs libtraceevent

pkg_cflags = $(if $(1),$(shell $(PKG_CONFIG) --cflags $(1)))
pkg_libs = $(if $(1),$(shell $(PKG_CONFIG) --libs $(1)))

ALL_CFLAGS = $(BASE_CFLAGS) $(EXTRA_CFLAGS) $(CFLAGS)

.PHONY: all clean check install uninstall san kmod vm-debug demo bench \
	unit-build fixtures fuzz fuzz-build
.DEFAULT_GOAL := all

all: $(addprefix $(B)/bin/,$(COMMANDS)) fixtures

fixtures: $(addprefix $(B)/fixtures/,$(FIXTURES))

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(call pkg_cflags,$(LIB_PKGS)) -c $< -o $@

$(B)/lib/libvmscope.a: $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRCS))
	@mkdir -p $(dir $@)
	$(Q)$(AR) rcs $@ $^

define command_rule
$(B)/bin/$(1): $(patsubst %.c,$(B)/obj/%.o,$($(1)_SRCS) $(CMD_COMMON_SRCS)) $(B)/lib/libvmscope.a
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  LINK    $$@")
	$$(Q)$$(CC) $$(ALL_CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(call pkg_libs,$$($(1)_PKGS) $$(LIB_LINK_PKGS))
endef
$(foreach c,$(COMMANDS),$(eval $(call command_rule,$(c))))

$(B)/fixtures/%: tests/fixtures/src/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) -Wno-missing-prototypes -static -o $@ $< $(FIXTURE_LIBS)

$(B)/unit/%: tests/unit/%.c tests/unit/unit.h $(B)/lib/libvmscope.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Wno-unused-parameter -Itests/unit \
		$(call pkg_cflags,$(UNIT_PKGS)) -o $@ $< $(B)/lib/libvmscope.a \
		$(call pkg_libs,$(UNIT_PKGS))

unit-build: $(addprefix $(B)/unit/,$(UNIT_TESTS))

# The VM suite's guest program (tests/vm): static, so the guest needs no
# libraries for it.
$(B)/vm/kmodcheck: tests/vm/src/kmodcheck.c tests/vm/src/procfs.h tests/vm/src/tap.h \
		$(B)/lib/libvmscope.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -static -o $@ $< \
		$(B)/lib/libvmscope.a

# The VM suite's check of the commands' figures from the module: it runs
# the commands and reads procfs itself, sharing no code with the library.
$(B)/vm/cmdcheck: tests/vm/src/cmdcheck.c tests/vm/src/procfs.h tests/vm/src/tap.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -static -o $@ $< -lpthread

# The same tree built with sanitizers, for the tests.
san:
	$(MAKE) B=build/san EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		LDFLAGS="-fsanitize=address,undefined" CFLAGS="-O1 -g" all unit-build

# ---- fuzzing (tests/fuzz) ------------------------------------------------
# One libFuzzer harness per parser, tests/fuzz/fuzz_NAME.c, linked with the
# library built again by clang with coverage for libFuzzer, ASan and UBSan
# (build/fuzz); seeds from the fixtures (tests/fuzz/seeds.sh).
FUZZ_CC ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_B := build/fuzz
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer

fuzz-build:
	$(Q)command -v $(FUZZ_CC) >/dev/null || { echo "make fuzz: $(FUZZ_CC) is missing (scripts/install-deps.sh test)" >&2; exit 1; }
	$(MAKE) B=$(FUZZ_B) CC=$(FUZZ_CC) CFLAGS="-O1 -g" \
		EXTRA_CFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
		$(addprefix $(FUZZ_B)/bin/fuzz_,$(FUZZ_NAMES)) $(FUZZ_B)/bin/kmod_seed
	tests/fuzz/seeds.sh $(FUZZ_B)/seeds $(FUZZ_B)/bin/kmod_seed

fuzz: fuzz-build
	tests/fuzz/run -t $(FUZZ_SECONDS)

$(B)/bin/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(B)/lib/libvmscope.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< \
		$(B)/lib/libvmscope.a $(call pkg_libs,$(LIB_PKGS))

# The module's replies no fixture holds: written by a program (no fuzzer).
$(B)/bin/kmod_seed: tests/fuzz/kmod_seed.c tests/fuzz/kmod_stream.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) -Itests/fuzz -o $@ $<

check: all unit-build san
	tests/run

demo: all
	scripts/demo.sh

bench: all
	bench/run.sh

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) $(wildcard /usr/src/linux-headers-*-amd64))
kmod:
	$(MAKE) -C kmod KDIR=$(KDIR)

# The VM suite on the debug kernel (KASAN, lockdep, DEBUG_ATOMIC_SLEEP,
# DEBUG_PAGEALLOC, lockup and hung-task detectors): built once into
# build/vm/debug-kernel by scripts/debug-kernel.sh, reused after, booted
# as the configuration "debug". Not in CI (README.md, "The debug kernel").
vm-debug:
	vars=$$(scripts/debug-kernel.sh) && \
		env $$vars VMSCOPE_VM_APPEND="kasan_multi_shot $${VMSCOPE_VM_APPEND:-}" tests/vm/run

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR) \
		$(DESTDIR)$(DATADIR)/vmscope/schema
	install -m 0644 $(foreach c,$(COMMANDS),man/schema/$(c).json) $(DESTDIR)$(DATADIR)/vmscope/schema/
	install -m 0755 $(addprefix $(B)/bin/,$(COMMANDS)) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(foreach c,$(COMMANDS),$($(c)_MAN)) $(DESTDIR)$(MANDIR)/man1/
	install -d $(DESTDIR)$(MANDIR)/man4
	install -m 0644 man/vmscope.4 $(DESTDIR)$(MANDIR)/man4/
	for c in $(COMMANDS); do \
		install -m 0644 completions/bash/$$c $(DESTDIR)$(BASHCOMPDIR)/$$c; \
		install -m 0644 completions/zsh/_$$c $(DESTDIR)$(ZSHCOMPDIR)/_$$c; \
		install -m 0644 completions/fish/$$c.fish $(DESTDIR)$(FISHCOMPDIR)/$$c.fish; \
	done

uninstall:
	rm -f $(DESTDIR)$(MANDIR)/man4/vmscope.4
	for c in $(COMMANDS); do \
		rm -f $(DESTDIR)$(BINDIR)/$$c $(DESTDIR)$(MANDIR)/man1/$$c.1 \
		  $(DESTDIR)$(DATADIR)/vmscope/schema/$$c.json \
		  $(DESTDIR)$(BASHCOMPDIR)/$$c $(DESTDIR)$(ZSHCOMPDIR)/_$$c \
		  $(DESTDIR)$(FISHCOMPDIR)/$$c.fish; \
	done

clean:
	rm -rf build
	-$(MAKE) -C kmod clean KDIR=$(KDIR) >/dev/null 2>&1 || true

# (Not in the debug kernel's tree, whose tools/ has directories named *.d.)
-include $(shell find $(B) -path $(B)/vm/debug-kernel -prune -o -name '*.d' -print 2>/dev/null)
