/* test-profile.c — unit tests for profile schema v1: defaults, strict loading, checks, saving. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "armpy.h"
#include "profile.h"
#include "pyeol.h"
#include "ydoc.h"

static struct profile *
parse(const char *s, char **cause)
{
	free(*cause);
	*cause = NULL;
	return profile_parse(s, strlen(s), "p.yaml", cause);
}

/* The text must be refused with exactly this message. */
static void
refused(const char *text, const char *want)
{
	char *cause = NULL;
	struct profile *p = parse(text, &cause);

	if (p != NULL || cause == NULL || strcmp(cause, want) != 0) {
		print_error("input:\n%s\nwant: %s\ngot:  %s\n", text, want,
		    p != NULL ? "(accepted)" : cause != NULL ? cause : "(no cause)");
		fail();
	}
	free(cause);
}

/* The text must load; returns the profile. */
static struct profile *
accepted(const char *text)
{
	char *cause = NULL;
	struct profile *p = parse(text, &cause);

	if (p == NULL) {
		print_error("input:\n%s\nrefused: %s\n", text, cause);
		fail();
	}
	return p;
}

static void
test_defaults(void **state)
{
	struct profile *p = profile_new(), *q;
	(void)state;
	assert_int_equal(p->version, 1);
	assert_null(p->name);
	assert_string_equal(p->python, "system");
	assert_false(p->allow_eol);
	assert_int_equal(p->source, SOURCE_SYSTEM);
	assert_int_equal(p->blas.library, BLAS_OPENBLAS);
	assert_int_equal(p->blas.threading, THREADING_OPENMP);
	assert_int_equal(p->blas.threads, 0);
	assert_int_equal(p->blas.build, BUILD_PACKAGE);
	assert_int_equal(p->extras, 0);
	assert_true(p->scipy);
	assert_string_equal(p->pip.venv, "~/.venvs/armpy");
	assert_null(p->pip.index_url);
	assert_int_equal(p->conda.installer, CONDA_MINIFORGE);
	assert_string_equal(p->conda.prefix, "~/miniforge3");
	assert_string_equal(p->conda.environment, "armpy");
	assert_null(p->conda.installer_url);
	assert_null(p->conda.installer_sha256);
	assert_null(p->source_build.url);
	assert_string_equal(p->source_build.prefix, "/usr/local");
	assert_int_equal(strv_len(p->mirrors), 0);
	/* "version: 1" alone is the defaults. */
	q = accepted("version: 1\n");
	assert_true(profile_equal(p, q));
	profile_free(q);
	profile_free(p);
	profile_free(NULL);
}

static void
test_full(void **state)
{
	struct profile *p;
	(void)state;
	p = accepted(
	    "version: 1\n"
	    "name: lab-01\n"
	    "python: 3.10\n"
	    "allow_eol: true\n"
	    "source: conda\n"
	    "blas: {library: blis, threading: pthreads, threads: 16, build: package}\n"
	    "extras: [pillow, pandas, pytorch, sentencepiece]\n"
	    "scipy: false\n"
	    "pip: {venv: /opt/venvs/x, index_url: \"https://pypi.example.org/simple/\"}\n"
	    "conda:\n"
	    "  installer: miniconda\n"
	    "  environment: sci.2\n"
	    "  installer_url: https://repo.example.org/Miniconda3-latest-Linux-aarch64.sh\n"
	    "  installer_sha256: " "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n"
	    "source_build:\n"
	    "  url: http://mirror.lan:8080/blis-1.0.tar.gz\n"
	    "  sha256: 0000000000000000000000000000000000000000000000000000000000000000\n"
	    "  prefix: ~/opt/blas\n"
	    "mirrors: [mirror.lan:8080, 10.0.0.1]\n");
	assert_string_equal(p->name, "lab-01");
	assert_string_equal(p->python, "3.10");   /* the text as written, not the float 3.1 */
	assert_true(p->allow_eol);
	assert_int_equal(p->source, SOURCE_CONDA);
	assert_int_equal(p->blas.library, BLAS_BLIS);
	assert_int_equal(p->blas.threading, THREADING_PTHREADS);
	assert_int_equal(p->blas.threads, 16);
	assert_int_equal(p->extras, EXTRA_PILLOW | EXTRA_PANDAS | EXTRA_PYTORCH |
	    EXTRA_SENTENCEPIECE);
	assert_false(p->scipy);
	assert_string_equal(p->pip.venv, "/opt/venvs/x");
	assert_string_equal(p->pip.index_url, "https://pypi.example.org/simple/");
	assert_int_equal(p->conda.installer, CONDA_MINICONDA);
	assert_string_equal(p->conda.prefix, "~/miniconda3");   /* the installer's default */
	assert_string_equal(p->conda.environment, "sci.2");
	/* Digests are stored in lower case. */
	assert_string_equal(p->conda.installer_sha256,
	    "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
	assert_string_equal(p->source_build.prefix, "~/opt/blas");
	assert_int_equal(strv_len(p->mirrors), 2);
	assert_string_equal(p->mirrors[1], "10.0.0.1");
	profile_free(p);

	/* Null sections and lists are the defaults. */
	p = accepted("version: 1\nblas: {threads: \"auto\"}\n");
	assert_int_equal(p->blas.threads, 0);
	profile_free(p);
	p = accepted("version: 1\nblas:\npip: ~\nconda: null\nsource_build:\nextras:\n"
	    "mirrors:\nname:\n");
	assert_int_equal(p->blas.library, BLAS_OPENBLAS);
	assert_null(p->name);
	profile_free(p);
}

static void
test_structure_errors(void **state)
{
	(void)state;
	refused("", "p.yaml:1:1: version: required (an armpy profile starts with \"version: 1\")");
	refused("python: \"3.12\"\n",
	    "p.yaml:1:1: version: required (an armpy profile starts with \"version: 1\")");
	refused("version: 2\n", "p.yaml:1:1: version: schema version 2 is not supported "
	    "(this armpy reads version 1)");
	refused("version: \"1\"\n", "p.yaml:1:1: version: expected the number 1, got a string");
	refused("- version: 1\n", "p.yaml:1:1: profile: expected a mapping of settings, got a list");
	refused("version: 1\nblas:\n  libary: blis\n",
	    "p.yaml:3:3: blas.libary: unknown key (did you mean 'library'?)");
	refused("version: 1\npyton: \"3.12\"\n",
	    "p.yaml:2:1: pyton: unknown key (did you mean 'python'?)");
	refused("version: 1\ncompiler: gcc\n", "p.yaml:2:1: compiler: unknown key (known keys: "
	    "version, name, python, allow_eol, source, blas, extras, scipy, pip, conda, "
	    "source_build, mirrors)");
	refused("version: 1\nscipy: \"yes\"\n",
	    "p.yaml:2:1: scipy: expected a boolean (true or false), got a string");
	refused("version: 1\nallow_eol: 1\n",
	    "p.yaml:2:1: allow_eol: expected a boolean (true or false), got a number");
	refused("version: 1\nblas: openblas\n",
	    "p.yaml:2:1: blas: expected a mapping, got a string");
	refused("version: 1\nextras: pillow\n", "p.yaml:2:1: extras: expected a list, got a string");
	refused("version: 1\nsource: [pip]\n", "p.yaml:2:1: source: expected a string, got a list");
	refused("version: 1\nsource: true\n",
	    "p.yaml:2:1: source: expected a string, got a boolean");
	refused("version: 1\npip: {venv: null}\n",
	    "p.yaml:2:7: pip.venv: a value is required (got null)");
	/* YAML-level refusals keep the parser's position. */
	refused("version: 1\nversion: 1\n", "p.yaml:2:1: version: duplicate key");
	refused("version: 1\nname: &a x\n", "p.yaml:2:7: anchors are not allowed");
}

static void
test_value_errors(void **state)
{
	(void)state;
	refused("version: 1\nblas:\n  library: mkl\n",
	    "p.yaml:3:3: blas.library: 'mkl' is not one of openblas, blis, nvpl");
	refused("version: 1\nblas: {library: bliss}\n", "p.yaml:2:8: blas.library: 'bliss' is "
	    "not one of openblas, blis, nvpl (did you mean 'blis'?)");
	refused("version: 1\nblas: {threading: tbb}\n",
	    "p.yaml:2:8: blas.threading: 'tbb' is not one of openmp, pthreads, serial");
	refused("version: 1\nblas: {threads: 0}\n",
	    "p.yaml:2:8: blas.threads: 0 is out of range (auto, or 1 to 4096)");
	refused("version: 1\nblas: {threads: 4097}\n",
	    "p.yaml:2:8: blas.threads: 4097 is out of range (auto, or 1 to 4096)");
	refused("version: 1\nblas: {threads: \"8\"}\n",
	    "p.yaml:2:8: blas.threads: expected auto or a number from 1 to 4096, got a string");
	refused("version: 1\nblas: {build: rpm}\n",
	    "p.yaml:2:8: blas.build: 'rpm' is not one of package, source");
	refused("version: 1\nsource: apt\n",
	    "p.yaml:2:1: source: 'apt' is not one of system, pip, conda");
	refused("version: 1\nextras: [pillow, numba]\n", "p.yaml:2:18: extras[1]: 'numba' is not "
	    "one of pillow, pandas, pytorch, sentencepiece");
	refused("version: 1\nextras: [pillow, pandas, pillow]\n",
	    "p.yaml:2:26: extras[2]: 'pillow' is listed twice");
	refused("version: 1\nconda: {installer: mamba}\n",
	    "p.yaml:2:9: conda.installer: 'mamba' is not one of miniforge, miniconda, anaconda");
	refused("version: 1\npython: \"3.11.4\"\n",
	    "p.yaml:2:1: python: '3.11.4' is not system or a version like \"3.11\"");
	refused("version: 1\npython: python3\n",
	    "p.yaml:2:1: python: 'python3' is not system or a version like \"3.11\"");
	refused("version: 1\npython: [3]\n",
	    "p.yaml:2:1: python: expected system or a version like \"3.11\", got a list");
	refused("version: 1\nname: \"-rf\"\n", "p.yaml:2:1: name: '-rf' is not a valid name "
	    "(letters, digits, . _ -; starting with a letter or digit; at most 64)");
	refused("version: 1\nconda: {environment: base}\n", "p.yaml:2:9: conda.environment: "
	    "'base' is conda's own environment; choose another name");
	refused("version: 1\nmirrors: [\"mirror lan\"]\n", "p.yaml:2:11: mirrors[0]: 'mirror lan' "
	    "is not a host or host:port: the host may hold only letters, digits, '.' and '-'");
	refused("version: 1\nmirrors: [a.lan, a.lan]\n",
	    "p.yaml:2:18: mirrors[1]: 'a.lan' is listed twice");
}

static void
test_patterns_in_profiles(void **state)
{
	(void)state;
	refused("version: 1\npip:\n  venv: \"~/v;rm -rf /\"\n", "p.yaml:3:3: pip.venv: "
	    "'~/v;rm -rf /' is not an acceptable path: shell metacharacters are not allowed");
	refused("version: 1\npip: {venv: ~/v$HOME}\n", "p.yaml:2:7: pip.venv: '~/v$HOME' is not "
	    "an acceptable path: shell metacharacters are not allowed");
	refused("version: 1\npip: {venv: venvs/armpy}\n", "p.yaml:2:7: pip.venv: 'venvs/armpy' "
	    "is not an acceptable path: must be absolute (start with /) or start with ~/");
	refused("version: 1\nsource_build: {prefix: /usr/../etc}\n", "p.yaml:2:16: "
	    "source_build.prefix: '/usr/../etc' is not an acceptable path: '..' components are "
	    "not allowed");
	refused("version: 1\nconda: {prefix: /}\n", "p.yaml:2:9: conda.prefix: '/' is not an "
	    "acceptable path: must name a directory below / or ~/, not the root or home itself");
	refused("version: 1\npip: {index_url: \"http://pypi.lan/my index\"}\n",
	    "p.yaml:2:7: pip.index_url: 'http://pypi.lan/my index' is not an acceptable URL: "
	    "spaces are not allowed (use %20)");
	refused("version: 1\npip: {index_url: \"ftp://pypi.lan/\"}\n", "p.yaml:2:7: "
	    "pip.index_url: 'ftp://pypi.lan/' is not an acceptable URL: only http:// and "
	    "https:// URLs are allowed");
	refused("version: 1\npip: {index_url: \"https://u:pw@pypi.lan/\"}\n", "p.yaml:2:7: "
	    "pip.index_url: 'https://u:pw@pypi.lan/' is not an acceptable URL: credentials in "
	    "URLs are not allowed (use pip's or conda's own config)");
	refused("version: 1\nsource_build: {url: \"https://x.org/a.tgz\", sha256: abc}\n",
	    "p.yaml:2:44: source_build.sha256: expected 64 hex digits, got 3");
	refused("version: 1\nsource_build: {url: \"https://x.org/a.tgz\"}\n",
	    "p.yaml:2:16: source_build.url: set without source_build.sha256 (every download is "
	    "checked against its sha256)");
	refused("version: 1\nconda:\n  installer_sha256: "
	    "0000000000000000000000000000000000000000000000000000000000000000\n",
	    "p.yaml:3:3: conda.installer_sha256: set without conda.installer_url (a digest "
	    "needs the URL it belongs to)");
	/* Plain http is for loopback and listed mirrors only. */
	refused("version: 1\npip: {index_url: \"http://pypi.lan/simple/\"}\n", "p.yaml:2:7: "
	    "pip.index_url: plain http to pypi.lan is refused; use https, or list 'pypi.lan' in "
	    "mirrors if this is a trusted local mirror");
	profile_free(accepted("version: 1\npip: {index_url: \"http://127.0.0.1:8000/simple/\"}\n"));
	profile_free(accepted("version: 1\nmirrors: [pypi.lan]\n"
	    "pip: {index_url: \"http://pypi.lan/simple/\"}\n"));
}

/* The text must be refused with a message that starts with want. */
static void
refused_start(const char *text, const char *want)
{
	char *cause = NULL;
	struct profile *p = parse(text, &cause);

	if (p != NULL || cause == NULL || !str_startswith(cause, want)) {
		print_error("input:\n%s\nwant: %s...\ngot:  %s\n", text, want,
		    p != NULL ? "(accepted)" : cause != NULL ? cause : "(no cause)");
		fail();
	}
	free(cause);
}

/* Each URL key of the schema, with what must precede it for the profile to load. */
static const struct {
	const char *key, *text;
} url_keys[] = {
	{ "pip.index_url", "pip:\n  index_url: \"%s\"\n" },
	{ "conda.installer_url", "conda:\n  installer_url: \"%s\"\n  installer_sha256: "
	    "00000000000000000000000000000000000000000000000000000000000000ff\n" },
	{ "source_build.url", "source_build:\n  url: \"%s\"\n  sha256: "
	    "00000000000000000000000000000000000000000000000000000000000000ff\n" },
};

/* url under every URL key: refused with "KEY: " then want (want NULL: accepted). */
static void
url_everywhere(const char *url, const char *mirrors, const char *want)
{
	for (size_t i = 0; i < nitems(url_keys); i++) {
		char *body = xasprintf(url_keys[i].text, url);
		char *text = xasprintf("version: 1\nmirrors: [%s]\n%s", mirrors, body);
		char *start = xasprintf("p.yaml:4:3: %s: %s", url_keys[i].key, want);

		if (want == NULL)
			profile_free(accepted(text));
		else
			refused_start(text, start);
		free(start);
		free(text);
		free(body);
	}
}

static void
test_urls_parsed(void **state)
{
	static const char *const loopback[] = {
		"http://127.0.0.1:8080/simple/", "http://127.255.3.4/", "http://localhost/",
		"http://LocalHost:3141/x", "http://[::1]:3141/", "http://[0:0::1]/",
		"http://127.0.0.1?x=1",
	};
	static const char *const not_loopback[] = {
		"http://127.evil.example/", "http://127.0.0.1.evil.example/",
		"http://localhost.evil.example/", "http://localhostx/", "http://[::ffff:127.0.0.1]/",
		"http://[::2]/", "http://128.0.0.1/", "http://evil.example/127.0.0.1",
		"http://evil.example?127.0.0.1",
	};
	static const char *const bad[][2] = {
		{ "http://127.1/", "a numeric host must be a dotted quad" },
		{ "http://2130706433/", "a numeric host must be a dotted quad" },
		{ "http://0x7f.0.0.1/", "a numeric host must be a dotted quad" },
		{ "http://0177.0.0.1/", "a numeric host must be a dotted quad" },
		{ "http://127.0.0.256/", "a numeric host must be a dotted quad" },
		{ "http://127.0.0.1@evil.example/", "credentials in URLs are not allowed" },
		{ "http://u:p@127.0.0.1/", "credentials in URLs are not allowed" },
		{ "http://%31%32%37.0.0.1/", "the host cannot be %-encoded" },
		{ "http://local host/", "spaces are not allowed" },
		{ "http://::1/", "an IPv6 address must be written in brackets" },
		{ "http://[::1/", "an IPv6 address must be closed with ]" },
		{ "http://[fe80::1%25eth0]/", "not an IPv6 address (zone ids" },
		{ "http://[::g]/", "not an IPv6 address" },
		{ "http://[::1]x/", "the port must be" },
		{ "http://127.0.0.1:/", "the port must be" },
		{ "http://127.0.0.1:08080/", "the port must be" },
		{ "http://127.0.0.1:65536/", "the port must be" },
		{ "http:///x", "no host" },
		{ "http://a..b/", "the host is not a valid name" },
		{ "http://a.b./", "the host is not a valid name" },
		{ "http://127.0.0.1/%zz", "a % must start a %XX escape" },
		{ "http://127.0.0.1/#frag", "shell metacharacters" },
		{ "HTTP://127.0.0.1/", "only http:// and https://" },
	};
	char *want;
	(void)state;
	for (size_t i = 0; i < nitems(loopback); i++)
		url_everywhere(loopback[i], "", NULL);
	for (size_t i = 0; i < nitems(not_loopback); i++) {
		struct url_host h;
		int https;
		assert_null(url_parse(not_loopback[i], &h, &https));
		want = h.port != 0 ? xasprintf("plain http to %s:%ld is refused", h.host, h.port) :
		    xasprintf("plain http to %s is refused", h.host);
		url_everywhere(not_loopback[i], "", want);
		free(want);
		/* https to the same host is fine. */
		want = xasprintf("https://%s", not_loopback[i] + 7);
		url_everywhere(want, "", NULL);
		free(want);
	}
	for (size_t i = 0; i < nitems(bad); i++) {
		want = xasprintf("'%s' is not an acceptable URL: %s", bad[i][0], bad[i][1]);
		url_everywhere(bad[i][0], "", want);
		free(want);
	}
	/* A backslash is a slash to some URL parsers: evil.example would be the host. */
	refused("version: 1\npip: {index_url: 'http://evil.example\\@127.0.0.1/'}\n",
	    "p.yaml:2:7: pip.index_url: 'http://evil.example\\@127.0.0.1/' is not an acceptable "
	    "URL: shell metacharacters, quotes and brackets are not allowed");
}

static void
test_mirrors_nocase(void **state)
{
	(void)state;
	/* Listed mirrors: names without case, addresses by value, a port only when named. */
	url_everywhere("http://PyPI.Lan:3141/simple/", "pypi.lan:3141", NULL);
	url_everywhere("http://pypi.lan:3141/simple/", "PYPI.LAN", NULL);
	url_everywhere("http://[fd00:0::1]:8080/", "\"[FD00::1]\"", NULL);
	url_everywhere("http://10.0.0.1/", "10.0.0.1", NULL);
	url_everywhere("http://pypi.lan:3142/", "pypi.lan:3141",
	    "plain http to pypi.lan:3142 is refused");
	url_everywhere("http://pypi.lan/", "pypi.lan:3141", "plain http to pypi.lan is refused");
	url_everywhere("http://pypi.lan.evil.example/", "pypi.lan",
	    "plain http to pypi.lan.evil.example is refused");
	url_everywhere("http://10.0.0.10/", "10.0.0.1", "plain http to 10.0.0.10 is refused");
	refused("version: 1\nmirrors: [pypi.lan, PyPI.LAN]\n", "p.yaml:2:21: mirrors[1]: "
	    "'PyPI.LAN' is listed twice, as 'pypi.lan' (host names compare without case, "
	    "addresses by value)");
	refused("version: 1\nmirrors: [\"[::1]:80\", \"[0::1]:80\"]\n", "p.yaml:2:23: mirrors[1]: "
	    "'[0::1]:80' is listed twice, as '[::1]:80' (host names compare without case, "
	    "addresses by value)");
	profile_free(accepted("version: 1\nmirrors: [pypi.lan, \"pypi.lan:3141\"]\n"));
	refused("version: 1\nmirrors: [\"u@pypi.lan\"]\n", "p.yaml:2:11: mirrors[0]: 'u@pypi.lan' "
	    "is not a host or host:port: credentials in URLs are not allowed (use pip's or "
	    "conda's own config)");
	refused("version: 1\nmirrors: [\"fd00::1\"]\n", "p.yaml:2:11: mirrors[0]: 'fd00::1' is not "
	    "a host or host:port: an IPv6 address must be written in brackets, [2001:db8::1]");
	refused_start("version: 1\nmirrors: [\"pypi.lan:0\"]\n",
	    "p.yaml:2:11: mirrors[0]: 'pypi.lan:0' is not a host or host:port: the port must be");
}

static void
test_host_functions(void **state)
{
	struct url_host a, b;
	int i;
	(void)state;
	assert_null(host_parse("LOCALHOST", 9, &a));
	assert_int_equal(a.kind, HOST_NAME);
	assert_true(host_loopback(&a));
	assert_null(host_parse("127.9.9.9:80", 12, &a));
	assert_int_equal(a.kind, HOST_IPV4);
	assert_int_equal(a.port, 80);
	assert_string_equal(a.host, "127.9.9.9");
	assert_true(host_loopback(&a));
	assert_null(host_parse("[::1]", 5, &a));
	assert_int_equal(a.kind, HOST_IPV6);
	assert_true(host_loopback(&a));
	assert_null(host_parse("127.evil.example", 16, &a));
	assert_false(host_loopback(&a));
	assert_null(host_parse("[::ffff:127.0.0.1]", 18, &a));
	assert_false(host_loopback(&a));
	/* Only len characters are read. */
	assert_null(host_parse("localhost.evil", 9, &a));
	assert_true(host_loopback(&a));
	assert_null(host_parse("Mirror.LAN", 10, &a));
	assert_null(host_parse("mirror.lan:3128", 15, &b));
	assert_true(host_same(&a, &b));
	assert_null(host_parse("[2001:DB8::0:1]", 15, &a));
	assert_null(host_parse("[2001:db8::1]", 13, &b));
	assert_true(host_same(&a, &b));
	assert_null(host_parse("10.0.0.1", 8, &a));
	assert_null(host_parse("10.0.0.2", 8, &b));
	assert_false(host_same(&a, &b));
	/* Control and non-ASCII bytes anywhere (how a message shows them is ydoc's matter). */
	assert_non_null(strstr(url_parse("http://127.0.0.1\t/", &a, &i), "control or non-ASCII"));
	assert_non_null(strstr(url_parse("http://127.0.0.1/\033[2K", &a, &i), "control or "));
	assert_non_null(strstr(url_parse("http://127.0.0.1\xc2\xa0/", &a, &i), "control or "));
	assert_true(valid_host("[::1]:8080"));
	assert_false(valid_host("[::1]8080"));
	assert_false(valid_host("[]"));
	assert_false(valid_host(NULL));
}

/* Every path key refuses what is not a directory of its own, after normalising. */
static void
test_paths_placed(void **state)
{
	static const char *const keys[] = { "pip.venv", "conda.prefix", "source_build.prefix" };
	static const char *const bad[][2] = {
		{ "/.", "must name a directory below / or ~/, not the root or home itself" },
		{ "//", "must name a directory below / or ~/, not the root or home itself" },
		{ "~/.", "must name a directory below / or ~/, not the root or home itself" },
		{ "~//./", "must name a directory below / or ~/, not the root or home itself" },
		{ "/usr", "/usr is a system directory" },
		{ "/usr/", "/usr is a system directory" },
		{ "//usr/./", "/usr is a system directory" },
		{ "/usr/lib/python3", "it is below /usr, a system directory" },
		{ "/usr/bin", "it is below /usr, a system directory" },
		{ "/etc", "/etc is a system directory" },
		{ "/etc/armpy", "it is below /etc, a system directory" },
		{ "/proc/self/cwd", "it is below /proc, a system directory" },
		{ "/sys/x", "it is below /sys, a system directory" },
		{ "/dev/shm/x", "it is below /dev, a system directory" },
		{ "/./dev/./x", "it is below /dev, a system directory" },
		{ "/run/x", "it is below /run, a system directory" },
		{ "/boot/x", "it is below /boot, a system directory" },
		{ "/bin", "/bin is a system directory" },
		{ "/sbin/x", "it is below /sbin, a system directory" },
		{ "/lib64", "/lib64 is a system directory" },
		{ "/lib/aarch64-linux-gnu", "it is below /lib, a system directory" },
		{ "/var/lib/dpkg/x", "it is below /var/lib/dpkg, a system directory" },
		{ "/var/run/x", "it is below /var/run, a system directory" },
		{ "~/.ssh", "~/.ssh is a system directory" },
		{ "/tmp", "/tmp and /var/tmp are writable by every user" },
		{ "/tmp/venv", "/tmp and /var/tmp are writable by every user" },
		{ "/var/tmp//x", "/tmp and /var/tmp are writable by every user" },
		{ "/opt", "/opt is shared with other software" },
		{ "/opt/", "/opt is shared with other software" },
		{ "/var", "/var is shared with other software" },
		{ "/var/lib", "/var/lib is shared with other software" },
		{ "/home", "/home is shared with other software" },
		{ "/root", "/root is shared with other software" },
		{ "/usr/local/lib", "/usr/local/lib is shared with other software" },
		{ "/usr/local/bin/", "/usr/local/bin is shared with other software" },
		{ "~/.local", "~/.local is shared with other software" },
	};
	static const char *const good[] = {
		"/opt/armpy", "/opt//venvs/./armpy/", "/usr/local/armpy", "/var/lib/armpy/venv",
		"/srv/v", "/home/ci/venv", "~/.venvs/armpy", "/library", "/etcetera/x", "/usrx",
		"/tmpfs-not/x", "~/.local/venvs/a",
	};
	(void)state;
	for (size_t k = 0; k < nitems(keys); k++) {
		const char *dot = strchr(keys[k], '.');
		for (size_t i = 0; i < nitems(bad); i++) {
			char *text = xasprintf("version: 1\n%.*s:\n  %s: \"%s\"\n",
			    (int)(dot - keys[k]), keys[k], dot + 1, bad[i][0]);
			char *want = xasprintf("p.yaml:3:3: %s: '%s' is not an acceptable path: %s",
			    keys[k], bad[i][0], bad[i][1]);
			refused_start(text, want);
			free(want);
			free(text);
		}
		for (size_t i = 0; i < nitems(good); i++) {
			char *text = xasprintf("version: 1\n%.*s:\n  %s: \"%s\"\n",
			    (int)(dot - keys[k]), keys[k], dot + 1, good[i]);
			profile_free(accepted(text));
			free(text);
		}
	}
	/* /usr/local is an install prefix (source builds), never a venv or a conda prefix. */
	profile_free(accepted("version: 1\nsource_build: {prefix: /usr/local/}\n"));
	refused_start("version: 1\npip: {venv: /usr/local}\n", "p.yaml:2:7: pip.venv: "
	    "'/usr/local' is not an acceptable path: /usr/local is shared with other software");
	refused_start("version: 1\nconda: {prefix: /usr/local}\n", "p.yaml:2:9: conda.prefix: "
	    "'/usr/local' is not an acceptable path: /usr/local is shared with other software");
}

static void
test_path_normalise(void **state)
{
	static const char *const cases[][2] = {
		{ "/", "/" }, { "//", "/" }, { "/.", "/" }, { "/./", "/" }, { "~", "~" },
		{ "~/", "~" }, { "~/.", "~" }, { "/usr//lib/./x/", "/usr/lib/x" },
		{ "~//a/./b", "~/a/b" }, { "/a/.b/..c", "/a/.b/..c" },
	};
	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		char *n = path_normalise(cases[i][0]);
		assert_string_equal(n, cases[i][1]);
		free(n);
	}
}

/* Every mapping section refuses a key it does not know, at the key, and every list refuses
 * a mapping where an item belongs. */
static void
test_unknown_keys_everywhere(void **state)
{
	static const char *const sections[] = { "blas", "pip", "conda", "source_build" };
	(void)state;
	for (size_t i = 0; i < nitems(sections); i++) {
		char *text = xasprintf("version: 1\n%s:\n  bogus_key: 1\n", sections[i]);
		char *want = xasprintf("p.yaml:3:3: %s.bogus_key: unknown key (known keys: ",
		    sections[i]);
		refused_start(text, want);
		free(want);
		free(text);
	}
	refused("version: 1\npip: {venv: ~/v, indexurl: x}\n",
	    "p.yaml:2:18: pip.indexurl: unknown key (did you mean 'index_url'?)");
	refused("version: 1\nconda: {environmnet: x}\n",
	    "p.yaml:2:9: conda.environmnet: unknown key (did you mean 'environment'?)");
	refused("version: 1\nsource_build: {sha265: x}\n",
	    "p.yaml:2:16: source_build.sha265: unknown key (did you mean 'sha256'?)");
	refused("version: 1\nmirrors: {host: pypi.lan}\n",
	    "p.yaml:2:1: mirrors: expected a list, got a mapping");
	refused("version: 1\nmirrors: [{host: pypi.lan}]\n",
	    "p.yaml:2:11: mirrors[0]: expected a string, got a mapping");
	refused("version: 1\nextras: [{name: pillow}]\n",
	    "p.yaml:2:10: extras[0]: expected a string, got a mapping");
}

static void
test_extras_never_planned(void **state)
{
	struct profile *p = profile_new();
	char *cause = NULL;
	(void)state;
	refused_start("version: 1\nextras: [pillow, dgl]\n",
	    "p.yaml:2:18: extras[1]: armpy cannot install DGL: the DevKit guide (Python on "
	    "Arm64) builds it from source");
	refused_start("version: 1\nextras:\n  - morfeusz\n",
	    "p.yaml:3:5: extras[0]: armpy cannot install Morfeusz: the source tarball the "
	    "DevKit guide (Python on Arm64) gives, http://download.sgjp.pl/");
	assert_non_null(extra_refusal(EXTRA_DGL));
	assert_non_null(extra_refusal(EXTRA_MORFEUSZ));
	assert_null(extra_refusal(EXTRA_PILLOW));
	assert_null(extra_refusal(EXTRA_SENTENCEPIECE));
	/* Answers built in code (the wizard's) are refused too, and never saved. */
	p->extras = EXTRA_PILLOW | EXTRA_MORFEUSZ;
	assert_int_equal(profile_check(p, &cause), -1);
	assert_true(str_startswith(cause, "extras: armpy cannot install Morfeusz"));
	free(cause);
	cause = NULL;
	assert_int_equal(profile_save(p, "/tmp/armpy-test-profile-morfeusz.yaml", &cause), -1);
	assert_int_equal(access("/tmp/armpy-test-profile-morfeusz.yaml", F_OK), -1);
	free(cause);
	profile_free(p);
}

static void
test_valid_functions(void **state)
{
	(void)state;
	assert_true(valid_python_version("3.11"));
	assert_true(valid_python_version("3.6"));
	assert_true(valid_python_version("2.7"));
	assert_false(valid_python_version("2.6"));
	assert_false(valid_python_version("3"));
	assert_false(valid_python_version("3."));
	assert_false(valid_python_version("3.100"));
	assert_false(valid_python_version("3.1a"));
	assert_false(valid_python_version("system"));
	assert_false(valid_python_version(NULL));

	assert_true(valid_package_name("python3-numpy"));
	assert_true(valid_package_name("libstdc++6"));
	assert_true(valid_package_name("Pillow"));
	assert_false(valid_package_name("-rf"));
	assert_false(valid_package_name("numpy;ls"));
	assert_false(valid_package_name("numpy>=1.21"));
	assert_false(valid_package_name(""));

	assert_true(valid_path("/usr/local"));
	assert_true(valid_path("~/.venvs/armpy"));
	assert_true(valid_path("/opt/a-b_c.d+e@f,g=h:i%j"));
	assert_false(valid_path("~"));
	assert_false(valid_path("~/"));
	assert_false(valid_path("~bob/x"));
	assert_false(valid_path("/"));
	assert_false(valid_path("relative"));
	assert_false(valid_path("/a/../b"));
	assert_false(valid_path("/a/.."));
	assert_true(valid_path("/a/..b"));
	assert_false(valid_path("/a b"));
	assert_false(valid_path("/a\nb"));
	assert_false(valid_path("/a`id`"));
	assert_false(valid_path("/a|b"));
	assert_false(valid_path("/a&b"));
	assert_false(valid_path("/a'b"));
	assert_false(valid_path("/a\"b"));
	assert_false(valid_path("/a<b"));
	assert_false(valid_path("/a\\b"));
	assert_false(valid_path("/a/~b"));
	assert_false(valid_path("/é"));
	assert_false(valid_path(""));

	assert_true(valid_url("https://github.com/conda-forge/miniforge/releases/download/"
	    "24.11.3-0/Miniforge3-24.11.3-0-Linux-aarch64.sh"));
	assert_true(valid_url("http://127.0.0.1:8080/x?y=z"));
	assert_true(valid_url("http://[::1]:8080/"));
	assert_true(valid_url("https://host"));
	assert_false(valid_url("https://"));
	assert_false(valid_url("https://host:0/"));
	assert_false(valid_url("https://host:99999/"));
	assert_false(valid_url("https://-host/"));
	assert_false(valid_url("https://ho_st/"));
	assert_false(valid_url("https://host/a b"));
	assert_false(valid_url("https://host/a'b"));
	assert_false(valid_url("https://host/$(id)"));
	assert_false(valid_url("https://host/a;b"));
	assert_false(valid_url("https://host/a&b"));
	assert_false(valid_url("file:///etc/passwd"));
	assert_false(valid_url("HTTPS://host/"));

	assert_true(valid_sha256("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	assert_false(valid_sha256("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"));
	assert_false(valid_sha256("g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));

	assert_true(valid_name("armpy"));
	assert_true(valid_name("a.b_c-1"));
	assert_false(valid_name("-a"));
	assert_false(valid_name(".."));
	assert_false(valid_name("a b"));
	assert_false(valid_name(""));
	assert_false(valid_name("a123456789012345678901234567890123456789012345678901234567890123x"));

	assert_true(valid_host("mirror.lan"));
	assert_true(valid_host("mirror.lan:3128"));
	assert_true(valid_host("10.0.0.1"));
	assert_false(valid_host("a..b"));
	assert_false(valid_host("a:"));
	assert_false(valid_host("a:b"));
	assert_false(valid_host("http://a"));
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(source_name(SOURCE_CONDA), "conda");
	assert_string_equal(blas_library_name(BLAS_BLIS), "blis");
	assert_string_equal(blas_threading_name(THREADING_SERIAL), "serial");
	assert_string_equal(blas_build_name(BUILD_SOURCE), "source");
	assert_string_equal(conda_installer_name(CONDA_ANACONDA), "anaconda");
	assert_string_equal(conda_installer_prefix(CONDA_ANACONDA), "~/anaconda3");
	assert_string_equal(extra_name(EXTRA_SENTENCEPIECE), "sentencepiece");
	assert_int_equal(extra_from_name("morfeusz"), EXTRA_MORFEUSZ);
	assert_int_equal(extra_from_name("numba"), 0);
	assert_int_equal(extra_from_name(NULL), 0);
}

static void
test_python_checks(void **state)
{
	struct profile *p;
	char *cause = NULL;
	(void)state;
	setenv("ARMPY_TODAY", "2026-11-25", 1);
	refused("version: 1\npython: \"2.7\"\nallow_eol: true\n", "p.yaml:2:1: python: Python "
	    "2.7 is refused: NumPy supported it only up to 1.16, below the DevKit guide's floor "
	    "(NumPy >= 1.21.1), and it is EOL since 2020-01-01; choose a Python 3 version");
	refused("version: 1\npython: \"3.8\"\n", "p.yaml:2:1: python: Python 3.8 reached end of "
	    "life on 2024-10-07 and gets no security fixes; choose a newer Python, or set "
	    "allow_eol: true to install it anyway");
	refused("version: 1\npython: 3.10\n", "p.yaml:2:1: python: Python 3.10 reached end of "
	    "life on 2026-10-31 and gets no security fixes; choose a newer Python, or set "
	    "allow_eol: true to install it anyway");
	refused("version: 1\npython: \"3.99\"\n",
	    "p.yaml:2:1: python: unknown Python version 3.99 (armpy knows 3.6 to 3.15)");
	refused("version: 1\npython: 3.1\n",
	    "p.yaml:2:1: python: unknown Python version 3.1 (armpy knows 3.6 to 3.15)");
	p = accepted("version: 1\npython: \"3.8\"\nallow_eol: true\n");
	assert_int_equal(profile_check(p, &cause), 0);
	p->allow_eol = 0;
	assert_int_equal(profile_check(p, &cause), -1);
	assert_string_equal(cause, "python: Python 3.8 reached end of life on 2024-10-07 and gets "
	    "no security fixes; choose a newer Python, or set allow_eol: true to install it "
	    "anyway");
	free(cause);
	cause = NULL;
	profile_free(p);
	profile_free(accepted("version: 1\npython: \"3.11\"\n"));
	profile_free(accepted("version: 1\npython: system\n"));

	/* The day-of boundary through the clock override. */
	setenv("ARMPY_TODAY", "2026-10-30", 1);
	profile_free(accepted("version: 1\npython: \"3.10\"\n"));
	setenv("ARMPY_TODAY", "2026-10-31", 1);
	refused("version: 1\npython: \"3.10\"\n", "p.yaml:2:1: python: Python 3.10 reached end "
	    "of life on 2026-10-31 and gets no security fixes; choose a newer Python, or set "
	    "allow_eol: true to install it anyway");
	setenv("ARMPY_TODAY", "2026-11-25", 1);
}

static void
test_other_checks(void **state)
{
	(void)state;
	refused("version: 1\nblas: {threading: serial, threads: 4}\n", "p.yaml:2:27: "
	    "blas.threads: 4 threads contradict threading: serial (use auto or 1, or choose "
	    "openmp or pthreads)");
	profile_free(accepted("version: 1\nblas: {threading: serial, threads: 1}\n"));
	refused("version: 1\nsource: conda\nblas: {build: source}\n", "p.yaml:3:8: blas.build: "
	    "source builds are for source: system or pip; with conda the BLAS comes from "
	    "conda-forge (use build: package)");
}

static void roundtrip(const struct profile *);

/* nvpl: conda-forge's libblas nvpl build, so source: conda, and no pthreads interface. */
static void
test_nvpl_checks(void **state)
{
	struct profile *p;

	(void)state;
	p = accepted("version: 1\nsource: conda\nblas: {library: nvpl, threading: openmp}\n");
	assert_int_equal(p->blas.library, BLAS_NVPL);
	assert_string_equal(blas_library_name(p->blas.library), "nvpl");
	roundtrip(p);
	profile_free(p);
	profile_free(accepted("version: 1\nsource: conda\nblas: {library: nvpl, threading: "
	    "serial}\n"));
	refused("version: 1\nsource: pip\nblas:\n  library: nvpl\n", "p.yaml:4:3: "
	    "blas.library: nvpl with source: pip -- NVIDIA's NVPL is offered through "
	    "conda-forge's libblas nvpl build (conda-forge's blas-feedstock, linux-aarch64); use "
	    "source: conda, or library: openblas or blis");
	refused("version: 1\nblas: {library: nvpl}\n", "p.yaml:2:8: blas.library: nvpl with "
	    "source: system -- NVIDIA's NVPL is offered through conda-forge's libblas nvpl build "
	    "(conda-forge's blas-feedstock, linux-aarch64); use source: conda, or library: "
	    "openblas or blis");
	refused("version: 1\nsource: conda\nblas: {library: nvpl, threading: pthreads}\n",
	    "p.yaml:3:23: blas.threading: pthreads with library: nvpl -- NVIDIA's NVPL BLAS has "
	    "sequential and OpenMP interfaces (its Building and Linking page), and conda-forge's "
	    "nvpl build links the OpenMP one; use threading: openmp (or serial: one thread)");
}

/* A saved profile keeps the umask: 077 gives 0600, not a world-readable 0644. */
static void
test_save_umask(void **state)
{
	char dir[] = "/tmp/armpy-test-profile.XXXXXX", *path, *cause = NULL;
	struct profile *p = profile_new();
	struct stat sb;
	mode_t old;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/saved.yaml", dir);
	old = umask(077);
	assert_int_equal(profile_save(p, path, &cause), 0);
	umask(old);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	unlink(path);
	rmdir(dir);
	free(path);
	profile_free(p);
}

/* load → save → load gives equal answers. */
static void
roundtrip(const struct profile *p)
{
	char dir[] = "/tmp/armpy-test-profile.XXXXXX", *path, *cause = NULL;
	struct profile *q;
	struct stat sb;

	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/sub/dir/saved.yaml", dir);
	if (profile_save(p, path, &cause) != 0) {
		print_error("save: %s\n", cause);
		fail();
	}
	assert_int_equal(stat(path, &sb), 0);
	{
		mode_t mask = umask(0);       /* saved profiles keep the user's umask */
		umask(mask);
		assert_int_equal(sb.st_mode & 0777, 0666 & ~mask);
	}
	q = profile_load(path, &cause);
	if (q == NULL) {
		print_error("reload: %s\n", cause);
		fail();
	}
	assert_true(profile_equal(p, q));
	/* Saving what was loaded gives the same text. */
	{
		char *a = profile_to_yaml(p), *b = profile_to_yaml(q), *f;
		f = file_read(path, 65536, NULL, &cause);
		assert_non_null(f);
		assert_string_equal(a, b);
		assert_string_equal(a, f);
		assert_true(str_startswith(a, "# armpy profile"));
		free(a);
		free(b);
		free(f);
	}
	profile_free(q);
	unlink(path);
	free(path);
	path = xasprintf("%s/sub/dir", dir);
	rmdir(path);
	free(path);
	path = xasprintf("%s/sub", dir);
	rmdir(path);
	free(path);
	rmdir(dir);
}

static void
test_roundtrip(void **state)
{
	struct profile *p = profile_new(), *q;
	char *cause = NULL;
	(void)state;
	roundtrip(p);
	q = profile_dup(p);
	assert_true(profile_equal(p, q));
	q->extras |= EXTRA_DGL;
	assert_false(profile_equal(p, q));
	profile_free(q);
	profile_free(p);

	p = accepted("version: 1\nname: x\npython: 3.10\nallow_eol: true\nsource: pip\n"
	    "blas: {library: blis, threading: serial, threads: 1, build: source}\n"
	    "extras: [sentencepiece, pillow]\nscipy: false\n"
	    "pip: {venv: /srv/v, index_url: \"http://pypi.lan:3141/root/pypi/+simple/\"}\n"
	    "source_build: {url: \"https://x.org/blis.tar.gz\", sha256: "
	    "00000000000000000000000000000000000000000000000000000000000000ff}\n"
	    "conda: {installer: anaconda}\n"
	    "mirrors: [pypi.lan:3141]\n");
	roundtrip(p);
	q = profile_dup(p);
	assert_true(profile_equal(p, q));
	strv_free(q->mirrors);
	q->mirrors = NULL;
	assert_false(profile_equal(p, q));
	/* Saving refuses what would not load back, and writes nothing. */
	assert_int_equal(profile_save(q, "/tmp/armpy-test-profile-refused.yaml", &cause), -1);
	assert_non_null(strstr(cause, "not saved"));
	assert_int_equal(access("/tmp/armpy-test-profile-refused.yaml", F_OK), -1);
	free(cause);
	cause = NULL;
	free(q->pip.venv);
	q->pip.venv = xstrdup("/srv/my venv");
	assert_int_equal(profile_save(q, "/tmp/armpy-test-profile-refused.yaml", &cause), -1);
	assert_non_null(strstr(cause, "pip.venv"));
	free(cause);
	profile_free(q);
	profile_free(p);
}

/* Every example in profiles/ loads, has a comment header, and round-trips. */
static void
test_examples(void **state)
{
	glob_t g;
	char *cause = NULL;
	(void)state;
	assert_int_equal(glob("profiles/*.yaml", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 4 && g.gl_pathc <= 7);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct profile *p = profile_load(g.gl_pathv[i], &cause);
		char *text, *base, *want;
		if (p == NULL) {
			print_error("%s\n", cause);
			fail();
		}
		text = file_read(g.gl_pathv[i], 65536, NULL, &cause);
		assert_non_null(text);
		assert_true(text[0] == '#');
		/* The name key matches the file name. */
		base = strrchr(g.gl_pathv[i], '/') + 1;
		want = xstrndup(base, strlen(base) - 5);
		assert_non_null(p->name);
		assert_string_equal(p->name, want);
		free(want);
		free(text);
		roundtrip(p);
		profile_free(p);
	}
	globfree(&g);
}

static void
test_load_errors(void **state)
{
	char path[] = "/tmp/armpy-test-big.XXXXXX", *cause = NULL, *data;
	int fd;
	(void)state;
	assert_null(profile_load("/nonexistent/armpy.yaml", &cause));
	assert_non_null(strstr(cause, "/nonexistent/armpy.yaml"));
	free(cause);
	cause = NULL;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	data = xmalloc(YDOC_MAX_BYTES + 10);
	memset(data, '#', YDOC_MAX_BYTES + 10);
	assert_int_equal(write(fd, data, YDOC_MAX_BYTES + 10), YDOC_MAX_BYTES + 10);
	close(fd);
	free(data);
	assert_null(profile_load(path, &cause));
	data = xasprintf("%s:1:1: profile: the file is larger than %d bytes; a profile is a "
	    "few lines of YAML", path, YDOC_MAX_BYTES);
	assert_string_equal(cause, data);
	free(data);
	free(cause);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_value_errors),
		cmocka_unit_test(test_patterns_in_profiles),
		cmocka_unit_test(test_urls_parsed),
		cmocka_unit_test(test_mirrors_nocase),
		cmocka_unit_test(test_host_functions),
		cmocka_unit_test(test_paths_placed),
		cmocka_unit_test(test_path_normalise),
		cmocka_unit_test(test_unknown_keys_everywhere),
		cmocka_unit_test(test_extras_never_planned),
		cmocka_unit_test(test_valid_functions),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_python_checks),
		cmocka_unit_test(test_other_checks),
		cmocka_unit_test(test_nvpl_checks),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_save_umask),
		cmocka_unit_test(test_load_errors),
	};

	setenv("ARMPY_TODAY", "2026-11-25", 1);
	/* Run from the top of the tree, as run-all.sh does: the examples are in profiles/. */
	if (access("profiles", F_OK) != 0)
		fprintf(stderr, "test-profile: run me from the top of the tree\n");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
