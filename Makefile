# pm-tools - see README.  `make` builds bin/pm-*, `make check` runs every
# test, `make demo` runs the demo office, `make bench` the benchmark.

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
LOCALEDIR ?= $(PREFIX)/share/locale
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR   ?=
# make demo DEMO=dir: where the demo office is left for a newcomer.
DEMO      ?= demo-office

CC      ?= cc
CFLAGS  ?= -O2 -g
PKG_CONFIG ?= pkg-config

# SANITIZE=1: AddressSanitizer + UBSan, stopping at the first report.
ifeq ($(SANITIZE),1)
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer
endif

PM_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wformat=2 -Wshadow \
            -Wno-missing-field-initializers -Ilib \
            -DLOCALEDIR='"$(LOCALEDIR)"' $(SANFLAGS) \
            $(shell $(PKG_CONFIG) --cflags zlib libcrypto xlsxwriter 2>/dev/null) \
            $(if $(XLSX_SONAME),-DXLSX_SONAME='"$(XLSX_SONAME)"')
# Starting a command is most of the time of an add (README, Performance):
# libcrypto is linked in from its archive (libssl-dev ships it), sparing
# the shared library's 4,000 symbols bound at every start (CRYPTO=shared
# links that instead), and libxlsxwriter, which brings the shared
# libcrypto and libminizip with it, is opened (dlopen) by its soname at
# the first spreadsheet asked for.  libcsv ships no .pc file.
CRYPTO    ?= static
CRYPTO_A  := $(shell $(CC) -print-file-name=libcrypto.a)
LIBCRYPTO  = $(if $(and $(filter static,$(CRYPTO)),$(wildcard $(CRYPTO_A))),$(CRYPTO_A),-lcrypto)
XLSX_SONAME := $(shell objdump -p "$$($(CC) -print-file-name=libxlsxwriter.so)" \
                 2>/dev/null | sed -n 's/^ *SONAME *//p')
PM_LIBS   = -lcsv $(LIBCRYPTO) -lz -ldl -pthread

# The Debian packages the build and the tests need: the tests open the
# html reports in headless Chromium and an export in LibreOffice Calc,
# and read messages in a generated zh_CN.UTF-8 locale.
BUILD_DEBS = build-essential pkg-config libcsv-dev zlib1g-dev libssl-dev gettext \
             libxlsxwriter-dev
TEST_DEBS  = mandoc util-linux procps openssh-client python3 chromium libreoffice-calc-nogui locales \
             fonts-noto-cjk poppler-utils unzip
# `make analyze`: the clang static analyzer and cppcheck; CC=clang builds too.
ANALYZE_DEBS = clang clang-tools cppcheck

PLUMBING = lib/msg.o lib/clock.o lib/field.o lib/out.o lib/conf.o lib/cli.o \
           lib/files.o lib/words.o lib/spill.o \
           lib/disk.o lib/scan.o lib/ledger.o lib/sign.o lib/verify.o lib/archive.o lib/import.o
FORMS    = lib/duty.o lib/roster.o lib/key.o lib/owner.o lib/complaint.o lib/compstep.o \
           lib/compform.o lib/compstats.o lib/compimport.o lib/check.o lib/visit.o lib/visitlist.o lib/visitform.o lib/desk.o lib/fee.o lib/reno.o lib/renoform.o lib/alert.o \
           lib/report.o lib/group.o lib/layout.o lib/books.o
COMMANDS = bin/pm-duty bin/pm-key bin/pm-owner bin/pm-complaint bin/pm-visit \
           bin/pm-desk bin/pm-fee bin/pm-reno bin/pm-report
HEADERS  = lib/pm.h lib/ledger_priv.h lib/duty.h lib/duty_priv.h lib/key.h lib/owner.h lib/complaint.h lib/check.h lib/visit.h \
           lib/desk.h lib/fee.h lib/reno.h lib/alert.h lib/report.h lib/doc.h \
           lib/complaint_priv.h lib/visit_priv.h lib/rowbytes.h

# The message catalogues (po/LANG.po), compiled in the layout gettext
# reads, so that TEXTDOMAINDIR=po/locale works from the build tree.
LANGS   = zh_CN
MOFILES = $(LANGS:%=po/locale/%/LC_MESSAGES/pm-tools.mo)

COMPLETIONS = $(COMMANDS:bin/%=contrib/bash-completion/%)

all: .deps-ok $(COMMANDS) $(MOFILES) $(COMPLETIONS)

# As git's GIT-CFLAGS: the commands carry LOCALEDIR, so a change of PREFIX
# (make install PREFIX=/opt/x after a plain make) rebuilds what uses it.
BUILD_OPTS = LOCALEDIR=$(LOCALEDIR) XLSX_SONAME=$(XLSX_SONAME) LIBCRYPTO=$(LIBCRYPTO)
.build-opts: FORCE
	@echo '$(BUILD_OPTS)' | cmp -s - $@ || echo '$(BUILD_OPTS)' >$@
lib/msg.o lib/out.o: .build-opts

contrib/bash-completion/%: bin/%.c lib/pm.h contrib/mkcompletion.sh
	@mkdir -p $(dir $@)
	sh contrib/mkcompletion.sh $< lib/pm.h >$@.tmp && mv $@.tmp $@

po/locale/%/LC_MESSAGES/pm-tools.mo: po/%.po | .deps-ok
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# After changing messages: refresh the template and merge it into each
# catalogue, then translate what msgfmt --statistics reports missing.
po: .deps-ok
	xgettext --from-code=UTF-8 -k_ -kN_ --language=C --package-name=pm-tools \
	    --package-version=$$(sed -n 's/^#define PM_VERSION "\(.*\)"/\1/p' lib/pm.h) \
	    --msgid-bugs-address=none -o po/pm-tools.pot lib/*.c bin/*.c
	for l in $(LANGS); do \
	  msgmerge -q --update --backup=none po/$$l.po po/pm-tools.pot && \
	  msgfmt --statistics -o /dev/null po/$$l.po; \
	done

# On a fresh Debian machine: install what is missing when we are root,
# else say exactly what to install.
DEBS_OK = missing=""; \
	for p in $$want; do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || \
	    missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; \
	    (apt-get install -y -q --no-install-recommends $$missing || \
	     (apt-get update -q && apt-get install -y -q --no-install-recommends $$missing)) \
	     >/dev/null || exit 1; \
	  else \
	    echo "missing packages; run as root:  apt-get install$$missing" >&2; \
	    exit 1; \
	  fi; \
	fi

.deps-ok:
	@want="$(BUILD_DEBS)"; $(DEBS_OK); touch $@

.test-deps-ok: .deps-ok
	@want="$(TEST_DEBS)"; $(DEBS_OK); touch $@

.analyze-deps-ok: .deps-ok
	@want="$(ANALYZE_DEBS)"; $(DEBS_OK); touch $@

lib/%.o: lib/%.c $(HEADERS) | .deps-ok
	$(CC) $(CFLAGS) $(PM_CFLAGS) -c -o $@ $<

bin/%.o: bin/%.c $(HEADERS) | .deps-ok
	$(CC) $(CFLAGS) $(PM_CFLAGS) -c -o $@ $<

tests/%.o: tests/%.c $(HEADERS) | .deps-ok
	$(CC) $(CFLAGS) $(PM_CFLAGS) -c -o $@ $<

lib/libpm.a: $(PLUMBING) $(FORMS)
	rm -f $@
	ar rcs $@ $^

bin/pm-%: bin/pm-%.o lib/libpm.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $< lib/libpm.a $(PM_LIBS)

tests/unit.o: tests/import_dump.h

tests/unit: tests/unit.o lib/libpm.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $< lib/libpm.a $(PM_LIBS)

tests/maxrss: tests/maxrss.o
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $<

tests/width: tests/width.o
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $<

tests/pngcount: tests/pngcount.o
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $< $(PM_LIBS)

tests/histgen: tests/histgen.o lib/libpm.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $< lib/libpm.a $(PM_LIBS)

check: all tests/unit tests/pngcount tests/maxrss tests/width tests/histgen .test-deps-ok
	@sh tests/run

# Static analysis of lib/ and bin/: both must report nothing.  A false
# alarm is silenced at its line, with the reason beside it (cppcheck:
# an inline "cppcheck-suppress ID" comment).  scan-build rebuilds every
# object with clang in a scratch tree, so the build here is untouched.
ANALYZE_TMP = tests/tmp/analyze
analyze: .analyze-deps-ok
	rm -rf $(ANALYZE_TMP) && mkdir -p $(ANALYZE_TMP)
	cp -p Makefile .deps-ok $(ANALYZE_TMP)/ && mkdir $(ANALYZE_TMP)/lib $(ANALYZE_TMP)/bin
	cp -p lib/*.[ch] $(ANALYZE_TMP)/lib/ && cp -p bin/*.c $(ANALYZE_TMP)/bin/
	scan-build -o $(ANALYZE_TMP)/reports --status-bugs --use-cc=clang \
	    $(MAKE) -C $(ANALYZE_TMP) -j2 CC=clang $(COMMANDS)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --std=c11 -D_GNU_SOURCE -Ilib --inline-suppr lib bin
	@echo "analyze: scan-build and cppcheck found nothing"

# `make fuzz`: the libFuzzer harnesses of tests/fuzz (clang), each run
# FUZZ_SECONDS under ASan and UBSan from the import corpus; a crash, a
# leak or an exit stops it, with the input left in tests/fuzz/build.
FUZZERS      = fields conf import verify
FUZZ_SECONDS ?= 10
FUZZ_FLAGS   = -g -O1 -fsanitize=fuzzer,address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer
fuzz: .analyze-deps-ok
	@mkdir -p tests/fuzz/build
	@for f in $(FUZZERS); do \
	  clang $(FUZZ_FLAGS) $(filter-out $(SANFLAGS),$(PM_CFLAGS)) \
	      -o tests/fuzz/build/fuzz_$$f tests/fuzz/fuzz_$$f.c \
	      $(PLUMBING:.o=.c) $(PM_LIBS) || exit 1; \
	  mkdir -p tests/fuzz/build/corpus-$$f; \
	  echo "fuzz_$$f: $(FUZZ_SECONDS) s"; \
	  (cd tests/fuzz/build && ./fuzz_$$f -max_total_time=$(FUZZ_SECONDS) \
	      -rss_limit_mb=2048 -print_final_stats=1 corpus-$$f ../../corpus \
	      >fuzz_$$f.log 2>&1) || { tail -40 tests/fuzz/build/fuzz_$$f.log; exit 1; }; \
	  grep -h "stat::number_of_executed_units" tests/fuzz/build/fuzz_$$f.log; \
	done

demo: all
	@sh data/demo.sh "$(DEMO)"

bench: all tests/histgen tests/maxrss
	@sh tests/bench.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(COMMANDS) $(DESTDIR)$(BINDIR)
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5
	for l in $(LANGS); do \
	  install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
	  install -m 644 po/locale/$$l/LC_MESSAGES/pm-tools.mo \
	    $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/pm-tools.mo || exit 1; \
	done
	install -d $(DESTDIR)$(COMPLETIONDIR)
	install -m 644 $(COMPLETIONS) $(DESTDIR)$(COMPLETIONDIR)

# Everything install put there, and nothing else.
uninstall:
	for c in $(COMMANDS:bin/%=%); do \
	  rm -f $(DESTDIR)$(BINDIR)/$$c $(DESTDIR)$(MANDIR)/man1/$$c.1 \
	    $(DESTDIR)$(COMPLETIONDIR)/$$c; \
	done
	rm -f $(DESTDIR)$(MANDIR)/man5/pm-files.5
	for l in $(LANGS); do \
	  rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/pm-tools.mo; \
	done

clean:
	rm -f lib/*.o lib/*.a bin/*.o $(COMMANDS) tests/*.o tests/unit tests/histgen tests/pngcount tests/maxrss \
	    tests/width
	rm -rf tests/tmp tests/fuzz/build po/locale contrib/bash-completion .build-opts

.PHONY: all check demo bench install uninstall clean po analyze fuzz FORCE
.SECONDARY:
