# credpipe: `make` builds, `make check` tests, `make install` installs.
# Objects and programs go under $(B); the sanitizer run of `make check`
# builds a second tree under build/san.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
# Set, make install installs the examples and the systemd units there too
# (the package does: debian/rules); empty, it leaves them out.
EXAMPLESDIR ?=
SYSTEMDUNITDIR ?=

CFLAGS ?= -O2 -g
override CFLAGS += -std=c11 -pthread -D_DEFAULT_SOURCE -Ilib -MMD -MP \
	-Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wvla -Wwrite-strings
PKGS = libcurl libsodium sqlite3 zlib libpq
override CFLAGS += $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS += -lcsv $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
CHECK_LIBS = $(shell pkg-config --libs check)

B ?= build
ifdef SAN
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
# Unoptimised (the last -O wins), so that what a command still holds when
# it refuses and exits is on its stack, where the leak checker looks: at
# -O2 such a pointer may live only in a register, and whether a run
# reported it as a leak depended on what the stack held before (one run
# in five of org-admin member add with an unknown role).
override CFLAGS += -O0 $(SANFLAGS)
override LDFLAGS += $(SANFLAGS)
endif

CMDS := $(notdir $(basename $(wildcard cmd/*.c)))
MANS := $(wildcard man/*.[1-8])
SCRIPTS = scripts/bulk-issue scripts/retry-failed
EXAMPLES := $(wildcard examples/*)
SYSTEMD_UNITS = examples/credpipe-worker.service examples/credpipe-worker.timer
LIBOBJ := $(patsubst %.c,$(B)/%.o,$(wildcard lib/*.c))
UNITS := $(notdir $(basename $(wildcard test/unit/check_*.c)))
BINS := $(CMDS:%=$(B)/bin/%)
UNITBINS := $(UNITS:%=$(B)/test/unit/%)
# The fuzz targets, test/fuzz/fuzz_TARGET.c (see fuzz below).
FUZZERS = roster credential record mime smtpreply

# Debian packages that building and testing need.  Node.js (20, as
# test/interop/package.json says) and npm run the interop checks; they may
# come from elsewhere than Debian, so they are looked for as commands.
DEBS = gcc make pkg-config libcsv-dev libsodium-dev libsqlite3-dev zlib1g-dev check \
	libpq-dev postgresql \
	mandoc perl sqlite3 binutils clang libclang-rt-14-dev \
	libcurl4-openssl-dev python3-aiosmtpd openssl time \
	openssh-server openssh-client tmux faketime
NODE_DEBS = nodejs npm
# What `make deb` needs besides: the tools of a package build, lintian,
# and the Build-Depends of debian/control; and what `make deb-test` needs
# to try the package: man(1), the test SMTP server, prove.
DEB_DEBS = dpkg-dev debhelper lintian $(shell sed -n \
	's/^Build-Depends: //p' debian/control | \
	sed 's/debhelper-compat[^,]*//' | tr -d ,)
DEB_TEST_DEBS = man-db python3-aiosmtpd perl

all: $(BINS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

$(B)/libcredpipe.a: $(LIBOBJ)
	@rm -f $@
	$(AR) rcs $@ $^

override LDFLAGS += -pthread -Wl,--as-needed

$(B)/bin/%: $(B)/cmd/%.o $(B)/libcredpipe.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/test/fuzz/replay_%: $(B)/test/fuzz/replay.o $(B)/test/fuzz/fuzz_%.o \
		$(B)/libcredpipe.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/test/interop/gen $(B)/test/bench/bench_sign: $(B)/%: $(B)/%.o \
		$(B)/libcredpipe.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The transport tests' driver (test/smtp/send.c), not installed.
$(B)/test/smtp/send: $(B)/test/smtp/send.o $(B)/libcredpipe.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The command tests' way into the database (test/store/store-test.c),
# through lib/store.h alone; not installed.
$(B)/test/store/store-test: $(B)/test/store/store-test.o $(B)/libcredpipe.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/test/unit/check_%: $(B)/test/unit/check_%.o $(B)/test/unit/main.o \
		$(B)/libcredpipe.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

# The npm packages of the interop checks, exactly as package-lock.json
# pins them; installed again only when the lock file changes.
INTEROP = test/interop
$(INTEROP)/node_modules/.installed: $(INTEROP)/package-lock.json
	cd $(INTEROP) && npm ci --no-audit --no-fund
	touch $@

# The suite, against the tree in $(B).  Sanitizer reports go to files under
# $(B)/sanitizer, and any such file fails the run.
SANDIR = $(abspath $(B))/sanitizer
TESTBINS = $(FUZZERS:%=$(B)/test/fuzz/replay_%) $(B)/test/interop/gen \
	$(B)/test/bench/bench_sign $(B)/test/smtp/send \
	$(B)/test/store/store-test $(INTEROP)/node_modules/.installed
test: all $(UNITBINS) $(TESTBINS)
	@rm -rf $(SANDIR) && mkdir -p $(SANDIR)
	ASAN_OPTIONS=log_path=$(SANDIR)/asan:detect_leaks=1 \
	UBSAN_OPTIONS=log_path=$(SANDIR)/ubsan:print_stacktrace=1 \
	CREDPIPE_BUILD=$(abspath $(B)) TOP=$(CURDIR) \
	prove -j2 $(PROVEFLAGS) --exec '' $(UNITBINS) </dev/null
	ASAN_OPTIONS=log_path=$(SANDIR)/asan:detect_leaks=1 \
	UBSAN_OPTIONS=log_path=$(SANDIR)/ubsan:print_stacktrace=1 \
	CREDPIPE_BUILD=$(abspath $(B)) TOP=$(CURDIR) \
	prove -j2 $(PROVEFLAGS) test/cli/*.t </dev/null
	@if [ -n "$$(ls $(SANDIR))" ]; then \
		cat $(SANDIR)/*; echo "sanitizer reports in $(SANDIR)"; \
		exit 1; fi

# The command tests again on PostgreSQL, and those that need a server
# (test/pg/*.t): a throwaway server (test/pg/server) in a directory of its
# own, stopped whatever the outcome.
test-pg: all $(TESTBINS)
	@d=$$(mktemp -u /tmp/credpipe-pg.XXXXXX) && \
	sh test/pg/server start "$$d" && . "$$d/env" && export CREDPIPE_TEST_PG && \
	CREDPIPE_BUILD=$(abspath $(B)) TOP=$(CURDIR) \
	prove -j2 $(PROVEFLAGS) test/cli/*.t test/pg/*.t </dev/null; \
	rc=$$?; sh test/pg/server stop "$$d"; exit $$rc

check: deps
	$(MAKE) test
	$(MAKE) SAN=1 B=build/san test
	$(MAKE) test-pg

# Fuzz the roster reader, the credential reader, the record reader, the
# mail builder and the SMTP reply reader, FUZZ_SECONDS each, from the
# test inputs and the cases kept in test/fuzz/TARGET/.  The mail
# builder's inputs have a shape of their own, and no test holds what a
# server replies: the seeds of those two are all kept there.
FUZZ_SECONDS ?= 60
FUZZDIR = build/fuzz
FUZZ_roster = lib/roster.c lib/strset.c lib/email.c lib/utf8.c lib/buf.c \
	lib/util.c
FUZZ_credential = lib/json.c lib/credential.c lib/canonical.c lib/proof.c \
	lib/email.c lib/bitstring.c lib/multibase.c lib/buf.c lib/utf8.c \
	lib/util.c lib/uuid.c lib/sign.c lib/files.c lib/names.c
FUZZ_record = lib/record.c lib/buf.c lib/util.c
FUZZ_mime = lib/mime.c lib/image.c $(FUZZ_credential)
FUZZ_smtpreply = lib/smtpreply.c lib/buf.c lib/util.c
SEEDS_roster = test/cli/csv-validate/*.csv
SEEDS_credential = test/cli/credential-verify/*.json
SEEDS_record = test/cli/transport/*.records
SEEDS_mime =
SEEDS_smtpreply =
fuzz: deps
	$(MAKE) fuzz-run

fuzz-run: $(FUZZERS:%=fuzz-%)

$(FUZZERS:%=fuzz-%): fuzz-%:
	@mkdir -p $(FUZZDIR)/$*
	clang -g -O1 -std=c11 -D_DEFAULT_SOURCE -Ilib \
		-fsanitize=fuzzer,address,undefined \
		-o $(FUZZDIR)/fuzz_$* test/fuzz/fuzz_$*.c \
		$(FUZZ_$*) $(LDLIBS)
	cp $(SEEDS_$*) test/fuzz/$*/* $(FUZZDIR)/$*/
	$(FUZZDIR)/fuzz_$* -max_total_time=$(FUZZ_SECONDS) \
		-max_len=8192 -timeout=10 -print_final_stats=1 \
		$(FUZZDIR)/$*

# TRANSPORT_BENCH: the message counts of test/bench/transport, without
# and with the reply delay (10000 each when empty).
TRANSPORT_BENCH ?=
bench: all $(B)/test/bench/bench_sign $(B)/test/interop/gen \
		$(B)/test/smtp/send
	sh test/bench/csv-validate
	sh test/bench/submit
	sh test/bench/sign
	CREDPIPE_BUILD=$(abspath $(B)) \
		sh test/bench/transport $(TRANSPORT_BENCH)

# job-worker killed with SIGKILL over and over during a 10,000-item job,
# at -c 1 and at -c 4 (test/stress/worker-kill; about a minute).  Not part
# of `make check`, which runs a smaller round (test/cli/0062).
stress: all $(B)/test/smtp/send $(B)/test/store/store-test
	CREDPIPE_BUILD=$(abspath $(B)) TOP=$(CURDIR) \
		sh test/stress/worker-kill </dev/null

# The same on PostgreSQL: a throwaway server (test/pg/server), the workers
# connecting to it over TCP on 127.0.0.1 as other hosts would.  A worker
# there takes longer to begin, so the kills are spread over 310 ms.
stress-pg: all $(B)/test/smtp/send $(B)/test/store/store-test
	@d=$$(mktemp -u /tmp/credpipe-pg.XXXXXX) && \
	sh test/pg/server start "$$d" && . "$$d/env" && export CREDPIPE_TEST_PG && \
	CREDPIPE_BUILD=$(abspath $(B)) TOP=$(CURDIR) KILL_SPAN=0.3 \
		sh test/stress/worker-kill </dev/null; \
	rc=$$?; sh test/pg/server stop "$$d"; exit $$rc

install: all
	mkdir -p $(DESTDIR)$(BINDIR)
	for m in $(MANS); do s=$${m##*.}; \
		mkdir -p $(DESTDIR)$(MANDIR)/man$$s; done
	install -m 755 $(BINS) $(SCRIPTS) $(DESTDIR)$(BINDIR)/
	for m in $(MANS); do s=$${m##*.}; \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; done
ifneq ($(EXAMPLESDIR),)
	mkdir -p $(DESTDIR)$(EXAMPLESDIR)
	install -m 644 $(EXAMPLES) $(DESTDIR)$(EXAMPLESDIR)/
	for u in $(SYSTEMD_UNITS); do \
		$(INSTALL_UNIT) $$u >$(DESTDIR)$(EXAMPLESDIR)/$${u##*/} || \
		exit 1; done
endif
ifneq ($(SYSTEMDUNITDIR),)
	mkdir -p $(DESTDIR)$(SYSTEMDUNITDIR)
	for u in $(SYSTEMD_UNITS); do f=$(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/}; \
		$(INSTALL_UNIT) $$u >$$f && chmod 644 $$f || exit 1; done
endif

# The service's ExecStart names the job-worker of the install.
INSTALL_UNIT = sed 's|^ExecStart=/usr/local/bin/|ExecStart=$(BINDIR)/|'

# The Debian package, built by dpkg-buildpackage in build/deb from what
# is committed (DEB_TREE, default HEAD), so that nothing of the working
# tree's builds gets in; its version, debian/changelog's, must be that of
# lib/version.h, and lintian must find no error in it.
DEB_TREE ?= HEAD
VERSION = $(shell git show $(DEB_TREE):lib/version.h | \
	sed -n 's/^\#define CREDPIPE_VERSION "\(.*\)"$$/\1/p')
DEBDIR = build/deb
DEBSRC = $(DEBDIR)/credpipe-$(VERSION)
DEB = $(DEBDIR)/credpipe_$(VERSION)_$(shell dpkg --print-architecture).deb
deb: deb-deps
	rm -rf $(DEBDIR) && mkdir -p $(DEBSRC)
	git archive $(DEB_TREE) | tar -x -C $(DEBSRC)
	@v=$$(cd $(DEBSRC) && dpkg-parsechangelog -S Version) && \
	if [ "$$v" != "$(VERSION)" ]; then \
		echo "make deb: debian/changelog is at $$v but" \
			"lib/version.h at $(VERSION) (in $(DEB_TREE)):" \
			"add an entry for $(VERSION) to debian/changelog" >&2; \
		exit 1; fi
	cd $(DEBSRC) && dpkg-buildpackage -us -uc -b -jauto
	lintian --fail-on error $(DEB)

# The package on this machine, as root (test/deb/install.t): dpkg -i,
# the account and its directory, man, the demo and the crontab's line
# with the installed commands, then dpkg --purge, which leaves the data.
deb-test: deb
	@missing=; $(call apt_missing,$(DEB_TEST_DEBS)); $(apt_install)
	sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo env TOP=$(CURDIR) DEB=$(abspath $(DEB)) \
		prove -v test/deb/install.t </dev/null

demo: deps
	$(MAKE) all
	sh scripts/demo

# Install the Debian packages that are missing, saying which:
# $(call apt_missing,PACKAGES) adds to $$missing those not installed, and
# $(apt_install) installs them.
apt_missing = for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
			grep -q 'ok installed' || missing="$$missing $$p"; \
	done
apt_install = if [ -n "$$missing" ]; then \
		echo "make $@: installing$$missing"; \
		sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install \
			-q -y --no-install-recommends $$missing; \
	fi
deps:
	@missing=; $(call apt_missing,$(DEBS)); \
	command -v node >/dev/null && command -v npm >/dev/null || \
		missing="$$missing $(NODE_DEBS)"; \
	$(apt_install)

deb-deps:
	@missing=; $(call apt_missing,$(DEB_DEBS)); $(apt_install)

clean:
	rm -rf build

.PHONY: all test test-pg check fuzz fuzz-run $(FUZZERS:%=fuzz-%) bench stress stress-pg \
	install deb deb-test demo deps deb-deps clean
.SECONDARY:

-include $(shell find $(B) -name '*.d' 2>/dev/null)
