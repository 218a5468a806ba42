# libreswan-agentx: plain GNU make, no configure step.
#
#   make                 build/lswstat and build/libreswan-agentx
#   make check           build and run every test (tests/run-tests)
#   make check-asan      unit tests under ASan+UBSan (build-asan/)
#   make check-valgrind  unit tests under valgrind
#   make check-e2e       the real-libreswan tier inside User-Mode-Linux
#   make check-faults    the slow fault tests
#   make check-nms       the Zabbix 6.0 template in a real Zabbix (root; installs
#                        Zabbix 6.0 and PostgreSQL from Debian when missing)
#   make check-stock     a debootstrap'd Debian 12 chroot, a fresh clone, no ../shared:
#                        the README's demo and tests, install, the MIB by name (root)
#   make bench           benchmarks (figures for the README)
#   make bench-pluto     what polling costs a real pluto (root, ~15 min)
#   make bench-pluto-uml the same in UML with 50 real tunnels (root, ~4 min)
#   make fuzz            libFuzzer target (clang), build/fuzz_parser
#   make deps            install the Debian packages the project needs (root)
#   make install         PREFIX=/usr/local DESTDIR=
#   make deb             the Debian package (debian/), build/*.deb
#   make check-deb       build, lintian, install, upgrade and purge it (root)

VERSION  = 0.1.0
PREFIX  ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
MIBDIR  ?= $(PREFIX)/share/snmp/mibs
# The IETF base modules of mibs/ietf (Debian ships none), in a directory of
# our own, and the net-snmp config file that puts it first on the search
# path. SNMPCONFDIR is not ours to choose: it is the one directory of
# net-snmp's compiled-in config path (/etc/snmp:/usr/share/snmp:...) whose
# snmp.conf no Debian package owns (/etc/snmp/snmp.conf is libsnmp-base's
# conffile, and its snmp.conf.d is read only where an includeDir names it).
IETFMIBDIR ?= $(PREFIX)/share/libreswan-agentx/mibs
SNMPCONFDIR ?= /usr/share/snmp
SYSCONFDIR ?= /etc
UNITDIR ?= /lib/systemd/system
DOCDIR  ?= $(PREFIX)/share/doc/libreswan-agentx

BUILD   ?= build
CC      ?= cc
CFLAGS  ?= -O2 -g
WARNINGS = -Wall -Wextra -Wshadow -Wformat=2 -Wpointer-arith -Wcast-qual \
           -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings \
           -Wundef -Wvla -Wno-unused-parameter
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif
override CFLAGS += -std=c11 -D_GNU_SOURCE -DLSW_VERSION='"$(VERSION)"' $(WARNINGS) \
                   -Iparser -Iagent -MMD -MP

# Only the link flags of net-snmp: net-snmp-config --cflags leaks -O2 and
# -Ulinux, and its headers live in /usr/include already.
SNMP_LIBS := $(shell pkg-config --libs netsnmp 2>/dev/null || echo -lnetsnmp)
SNMP_AGENT_LIBS := -lnetsnmpagent $(SNMP_LIBS)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)
MNL_LIBS := $(shell pkg-config --libs libmnl 2>/dev/null || echo -lmnl)

# parser/: the library, no net-snmp, no I/O.
PARSER_SRCS := $(wildcard parser/*.c)
# agent/util/: POSIX helpers shared by the daemon and lswstat (no net-snmp).
UTIL_SRCS   := $(wildcard agent/util/*.c)
# agent/kernel/: the kernel's SAs (XFRM netlink, libmnl) and
# /proc/net/xfrm_stat; no net-snmp. Included as "kernel/xfrm.h".
KERNEL_SRCS := $(wildcard agent/kernel/*.c)
# agent/lswstat/: the lswstat program.
LSWSTAT_SRCS := $(wildcard agent/lswstat/*.c)
# agent/*.c: the daemon; main.c holds main() and nothing else worth testing.
AGENT_SRCS  := $(filter-out agent/main.c,$(wildcard agent/*.c))
TEST_SRCS   := $(wildcard tests/unit/test_*.c)
BENCH_SRCS  := $(wildcard tests/bench/*.c)

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))

LIBPARSER := $(BUILD)/libparser.a
LIBUTIL   := $(BUILD)/libutil.a
LIBKERNEL := $(BUILD)/libkernel.a
LIBAGENT  := $(BUILD)/libagent.a
LSWSTAT   := $(BUILD)/lswstat
AGENTX    := $(BUILD)/libreswan-agentx
TESTS     := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
BENCHES   := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))

.PHONY: all check check-unit check-asan check-valgrind check-e2e check-faults check-stock check-nms \
        bench bench-pluto bench-pluto-uml fuzz fuzz-long deps install uninstall clean format tests mibcheck \
        deb check-deb

all: $(LSWSTAT) $(AGENTX)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBPARSER): $(call obj,$(PARSER_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^
$(LIBUTIL): $(call obj,$(UTIL_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^
$(LIBKERNEL): $(call obj,$(KERNEL_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^
$(LIBAGENT): $(call obj,$(AGENT_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(LSWSTAT): $(call obj,$(LSWSTAT_SRCS)) $(LIBKERNEL) $(LIBUTIL) $(LIBPARSER)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(MNL_LIBS)

$(AGENTX): $(call obj,agent/main.c) $(LIBAGENT) $(LIBKERNEL) $(LIBUTIL) $(LIBPARSER)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(SNMP_AGENT_LIBS) $(MNL_LIBS)

# Every unit test links everything; the archives only pull what it uses.
# tests/unit/testlib.c holds the helpers the tests share (not a test: the
# tests are tests/unit/test_*.c).
TESTLIB := $(BUILD)/tests/unit/testlib.o
.SECONDARY: $(TESTLIB)
$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(TESTLIB) $(LIBAGENT) $(LIBKERNEL) $(LIBUTIL) $(LIBPARSER)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(SNMP_AGENT_LIBS) $(MNL_LIBS)

$(BUILD)/bench/%: $(BUILD)/tests/bench/%.o $(LIBAGENT) $(LIBKERNEL) $(LIBUTIL) $(LIBPARSER)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(SNMP_AGENT_LIBS) $(MNL_LIBS)

# tests/tools/: programs for making fixtures by hand, not tests.
# xfrm-record: one XFRM dump (or notification stream), keys zeroed, to a
# file (tests/data/xfrm/README).
TOOLS := $(BUILD)/tests/xfrm-record
$(BUILD)/tests/xfrm-record: $(BUILD)/tests/tools/xfrm-record.o $(LIBKERNEL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(MNL_LIBS)

tests: all $(TESTS) $(BENCHES) $(TOOLS)

# The README's test command. tests/run-tests runs the unit tests, the
# integration scripts (real snmpd/snmptrapd), the namespace tier of the
# real-libreswan test and a short fuzz run, and prints "N passed, N failed".
check: tests
	BUILD=$(BUILD) tests/run-tests

check-unit: tests
	BUILD=$(BUILD) tests/run-tests --unit

check-asan:
	$(MAKE) BUILD=build-asan CC=clang \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  LDFLAGS="-fsanitize=address,undefined" tests
	BUILD=build-asan ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 tests/run-tests --unit

check-valgrind: tests
	BUILD=$(BUILD) LSW_TEST_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect" tests/run-tests --unit

check-e2e: all
	BUILD=$(BUILD) tests/run-tests --e2e

check-faults: tests
	BUILD=$(BUILD) tests/run-tests --faults

# The Zabbix 6.0 template (mibs/nms/zabbix/) imported into a real Zabbix
# server and frontend on a private PostgreSQL cluster, polling the test
# snmpd. Installs its own packages (zabbix-server-pgsql, zabbix-frontend-php,
# postgresql, php-pgsql): heavy, so not in DEB_PKGS.
check-nms: all
	BUILD=$(BUILD) tests/nms/zabbix.sh

# Not a dependency on the build: it clones the committed tree into a chroot.
check-stock:
	tests/stock/stock-debian.sh

bench: tests
	BUILD=$(BUILD) tests/bench/run-bench

# pluto's side (root; two real plutos in namespaces, about 15 minutes):
# too slow for run-bench, so a target of its own.
bench-pluto: all
	BUILD=$(BUILD) tests/bench/pluto-load.sh

# The same inside User-Mode-Linux with 50 real tunnels (Child SAs up).
bench-pluto-uml: all
	BUILD=$(BUILD) tests/bench/pluto-load-uml.sh

# libFuzzer needs clang; the fuzz target is tests/fuzz/fuzz_parser.c.
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -Iparser
fuzz: $(BUILD)/fuzz_parser
$(BUILD)/fuzz_parser: tests/fuzz/fuzz_parser.c $(PARSER_SRCS) parser/*.h
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -std=c11 -D_GNU_SOURCE -o $@ tests/fuzz/fuzz_parser.c $(PARSER_SRCS)
# New inputs go to $(BUILD)/fuzz-corpus (libFuzzer writes into its first
# dir only); the committed seeds in tests/fuzz/corpus are only read.
fuzz-long: $(BUILD)/fuzz_parser
	mkdir -p $(BUILD)/fuzz-corpus
	$(BUILD)/fuzz_parser -max_total_time=$${FUZZ_SECONDS:-600} -max_len=65536 \
	  $(BUILD)/fuzz-corpus tests/fuzz/corpus tests/data

mibcheck:
	tests/integration/mib-lint.sh

# Debian packages for building, testing and running. No-op when present.
DEB_PKGS = build-essential pkg-config libsnmp-dev snmpd snmp snmptrapd \
           libcmocka-dev libmnl-dev smitools clang libclang-rt-14-dev valgrind \
           iproute2 procps libreswan user-mode-linux psmisc kmod iputils-ping jq \
           git debootstrap debhelper dpkg-dev lintian systemd systemd-container \
           python3-pysmi python3-pysnmp4
# The NMS programs the tests drive (tests/integration/nms-*.sh). Installed
# with services kept from starting: `prometheus` would otherwise start a
# Prometheus server (port 9090) and an exporter (9116) on this machine, and
# snmpsim is only a tool here.
DEB_PKGS_NMS = prometheus-snmp-exporter prometheus curl snmpsim python3-jsonschema python3-yaml
deps:
	DEB_PKGS="$(DEB_PKGS)" DEB_PKGS_NMS="$(DEB_PKGS_NMS)" tests/deps.sh
	@# Debian 12's linux.uml panics on hosts whose XSAVE area is large (AMX):
	@# there, Debian unstable's user-mode-linux into build/uml (tests/e2e/uml-kernel.sh).
	tests/e2e/uml-kernel.sh deps

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(MIBDIR) \
	  $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(SYSCONFDIR) \
	  $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR)
	install -m0755 $(AGENTX) $(DESTDIR)$(SBINDIR)/libreswan-agentx
	install -m0755 $(LSWSTAT) $(DESTDIR)$(BINDIR)/lswstat
	install -m0644 mibs/LIBRESWAN-STATUS-MIB.txt $(DESTDIR)$(MIBDIR)/
	install -d $(DESTDIR)$(IETFMIBDIR)
	install -m0644 mibs/ietf/*.txt $(DESTDIR)$(IETFMIBDIR)/
	install -d $(DESTDIR)$(DOCDIR)
	install -m0644 mibs/ietf/README $(DESTDIR)$(DOCDIR)/README.ietf-mibs
	MIBDIR='$(MIBDIR)' IETFMIBDIR='$(IETFMIBDIR)' init/snmp-conf.sh install $(DESTDIR)$(SNMPCONFDIR)/snmp.conf
	for m in init/*.8; do [ -f "$$m" ] && install -m0644 $$m $(DESTDIR)$(MANDIR)/man8/; done; true
	for m in init/*.1; do [ -f "$$m" ] && install -m0644 $$m $(DESTDIR)$(MANDIR)/man1/; done; true
	[ -f $(DESTDIR)$(SYSCONFDIR)/libreswan-agentx.conf ] || \
	  install -m0644 init/libreswan-agentx.conf $(DESTDIR)$(SYSCONFDIR)/libreswan-agentx.conf
	sed 's,@SBINDIR@,$(SBINDIR),g' init/libreswan-agentx.service > $(DESTDIR)$(UNITDIR)/libreswan-agentx.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/libreswan-agentx.service
	install -m0644 init/snmpd.conf.snippet README.md $(DESTDIR)$(DOCDIR)/

uninstall:
	init/snmp-conf.sh uninstall $(DESTDIR)$(SNMPCONFDIR)/snmp.conf
	rm -rf $(DESTDIR)$(IETFMIBDIR)
	-rmdir $(DESTDIR)$(dir $(IETFMIBDIR:/=)) 2>/dev/null
	rm -f $(DESTDIR)$(SBINDIR)/libreswan-agentx $(DESTDIR)$(BINDIR)/lswstat \
	  $(DESTDIR)$(MIBDIR)/LIBRESWAN-STATUS-MIB.txt $(DESTDIR)$(UNITDIR)/libreswan-agentx.service \
	  $(DESTDIR)$(MANDIR)/man8/libreswan-agentx.8 $(DESTDIR)$(MANDIR)/man1/lswstat.1
	rm -rf $(DESTDIR)$(DOCDIR)

# The Debian package. dpkg-buildpackage writes into the parent directory (a
# shared one in CI): the .deb and its -dbgsym .deb are moved to $(BUILD)/,
# the .buildinfo and .changes removed, also when the build fails. The
# changelog's upstream version must be $(VERSION).
# DEB_OUT names the moved .deb files for callers (tests/deb/check-deb.sh).
deb:
	@command -v dpkg-buildpackage >/dev/null || \
	  { echo "make deb: dpkg-buildpackage missing (make deps installs dpkg-dev, debhelper)" >&2; exit 1; }
	@v=$$(dpkg-parsechangelog -S Version | sed 's/^[0-9]*://'); \
	[ "$${v%-*}" = "$(VERSION)" ] || \
	  { echo "make deb: debian/changelog says $$v, the Makefile's VERSION is $(VERSION)" >&2; exit 1; }; \
	a=$$(dpkg-architecture -qDEB_HOST_ARCH); \
	src=$$(dpkg-parsechangelog -S Source); \
	rc=0; dpkg-buildpackage -us -uc -b || rc=$$?; \
	mkdir -p $(BUILD); \
	for p in $$(sed -n 's/^Package: *//p' debian/control); do \
	  for d in $$p $$p-dbgsym; do \
	    f=../$${d}_$${v}_$$a.deb; \
	    [ ! -f $$f ] || mv -f $$f $(BUILD)/ || rc=1; \
	    f=../$${d}_$${v}_all.deb; \
	    [ ! -f $$f ] || mv -f $$f $(BUILD)/ || rc=1; \
	  done; \
	done; \
	rm -f ../$${src}_$${v}_$$a.buildinfo ../$${src}_$${v}_$$a.changes; \
	[ $$rc = 0 ] && echo "make deb: $$(ls $(BUILD)/*_$${v}_*.deb | tr '\n' ' ')"; \
	exit $$rc

check-deb:
	tests/deb/check-deb.sh

format:
	clang-format -i parser/*.[ch] agent/*.[ch] agent/*/*.[ch] tests/unit/*.c tests/tools/*.c tests/fuzz/*.c 2>/dev/null || true

clean:
	rm -rf build build-asan
	rm -rf debian/build debian/libreswan-agentx debian/.debhelper \
	  debian/debhelper-build-stamp debian/files debian/*.substvars \
	  debian/*.debhelper.log debian/*.debhelper

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
