/* test-exec.c — executor units: journal, apt status, URL policy, throttle, dpkg status, sudo
 * commands and sudoers text, real runs, and the root boundary for files armpy did not create
 * (.part, --log, the root's lock, mounts under an extraction, chains of links). */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "action.h"
#include "armpy.h"
#include "exec-int.h"
#include "facts.h"
#include "progress.h"
#include "journal.h"
#include "plan.h"
#include "rootdir.h"
#include "runs.h"
#include "sudo.h"
#include "validate.h"

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* Frames every line of text as the writer does (a new string). */
static char *
framed(const char *text)
{
	struct buf b;
	char rec[1024];

	buf_init(&b);
	while (*text != '\0') {
		size_t n = strcspn(text, "\n");
		memcpy(rec, text, n);
		n = journal_frame(rec, n);
		buf_add(&b, rec, n);
		text += n - JOURNAL_FRAME + (text[n - JOURNAL_FRAME] == '\n');
	}
	return buf_steal(&b);
}

/* journal_parse of text framed, then with extra (raw) bytes appended. */
static struct jstate *
parse_framed(const char *text, const char *extra, char **cause)
{
	char *f = framed(text), *all = xasprintf("%s%s", f, extra);
	struct jstate *js = journal_parse(all, strlen(all), cause);

	free(all);
	free(f);
	return js;
}

static void
test_journal_parse(void **state)
{
	const char *text =
	    "begin 1700000000 42 /srv/chroot%20x site " SHA_A "\n"
	    "start apt-update 1700000001\n"
	    "child apt-update 4242\n"
	    "end apt-update ok 1700000002\n"
	    "start blas 1700000003\n"
	    "prev blas /usr/lib/x/libblas.so.3\n"
	    "prev blas /other\n"
	    "end blas failed 1700000004\n"
	    "begin 1700000100 43 /srv/chroot%20x site " SHA_A "\n"
	    "start blas 1700000101\n"
	    "interrupted 1700000102\n"
	    "finish interrupted 1700000102\n";
	struct jstate *js;
	struct jstep *s;
	char *cause = NULL;

	(void)state;
	js = parse_framed(text, "start torn", &cause);      /* no newline: dropped */
	assert_non_null(js);
	assert_int_equal(js->begin_time, 1700000000);
	assert_int_equal(js->pid, 43);
	assert_int_equal(js->nbegin, 2);
	assert_int_equal(js->torn, 1);
	assert_string_equal(js->root, "/srv/chroot x");
	assert_string_equal(js->profile, "site");
	assert_string_equal(js->plan_sha256, SHA_A);
	assert_string_equal(js->finish, "interrupted");
	assert_true(js->interrupted);
	s = jstate_find(js, "apt-update");
	assert_non_null(s);
	assert_true(s->ended);
	assert_string_equal(s->result, "ok");
	assert_int_equal(s->child, 4242);
	s = jstate_find(js, "blas");
	assert_true(s->started);
	assert_false(s->ended);          /* restarted after its failure */
	assert_null(s->result);
	assert_string_equal(s->previous, "/usr/lib/x/libblas.so.3");
	assert_null(jstate_find(js, "torn"));
	jstate_free(js);

	js = parse_framed("begin 1 2 - - " SHA_A "\nbogus x\n", "", &cause);
	assert_null(js);
	assert_non_null(strstr(cause, "line 2"));
	free(cause);
	cause = NULL;
	js = parse_framed("begin 1 2 - - " SHA_A "\nend x maybe 3\n", "", &cause);
	assert_null(js);
	free(cause);
	cause = NULL;
	/* an unframed (old or hand-written) journal is not trusted */
	text = "begin 1 2 - - " SHA_A "\nstart a 1\nend a ok 2\nfinish ok 3\n";
	js = journal_parse(text, strlen(text), &cause);
	assert_null(js);
	assert_non_null(strstr(cause, "line 1"));
	free(cause);
	cause = NULL;
}

/* journal_parse refuses text (freed) with a cause that says want. */
static void
refused(char *text, const char *want)
{
	char *cause = NULL;

	assert_null(journal_parse(text, strlen(text), &cause));
	assert_non_null(strstr(cause, want));
	free(cause);
	free(text);
}

/* The torn record of the issue: "end s3 o" cut short, then a resume's begin. The finished
 * run keeps its state; the torn record alone is dropped. */
static void
test_journal_torn(void **state)
{
	const char *run1 = "begin 1 2 - - " SHA_A "\nstart s3 3\n";
	const char *run2 = "begin 5 6 - - " SHA_A "\nstart s3 6\nend s3 ok 7\nfinish ok 8\n";
	char *a = framed(run1), *b = framed(run2), *text, *cause = NULL;
	struct jstate *js;

	(void)state;
	text = xasprintf("%send s3 o\n%s", a, b);        /* the writer started a fresh line */
	js = journal_parse(text, strlen(text), &cause);
	assert_non_null(js);
	assert_int_equal(js->torn, 1);
	assert_string_equal(js->finish, "ok");
	assert_string_equal(jstate_find(js, "s3")->result, "ok");
	jstate_free(js);
	free(text);
	/* glued (no fresh line): the begin is damaged too, so the damage is not a torn tail */
	text = xasprintf("%send s3 o%s", a, b);
	refused(text, "damaged");
	/* damage in the middle of one run (a flipped byte) is corruption, not tearing */
	text = xasprintf("%s%s", a, b);
	text[2] ^= 1;                             /* run1's begin */
	refused(text, "line 1");
	text = xasprintf("%s%s", a, b);
	text[strlen(a) - 5] ^= 1;                 /* run1's last record: its damage is excused */
	js = journal_parse(text, strlen(text), &cause);
	assert_non_null(js);
	assert_int_equal(js->torn, 1);
	jstate_free(js);
	free(text);
	/* records before any begin, and an empty journal */
	js = parse_framed("start a 1\n", "", &cause);
	assert_null(js);
	free(cause);
	cause = NULL;
	js = journal_parse("", 0, &cause);
	assert_non_null(js);
	assert_int_equal(js->nbegin, 0);
	jstate_free(js);
	free(a);
	free(b);
}

/* Fields out of their grammar: each is refused, never half-read. */
static void
test_journal_strict(void **state)
{
	const char *bad[] = {
		"begin 1 2 - -",                          /* no plan sha256 */
		"begin 1 2 - - " SHA_A " extra",
		"begin x 2 - - " SHA_A,
		"begin 1 2 %zz - " SHA_A,
		"begin 1 2 %00 - " SHA_A,
		"begin 1  2 - - " SHA_A,                  /* an empty field */
		"begin 1 2 - - " SHA_A "\nstart - 3",     /* "-" is no step id */
		"begin 1 2 - - " SHA_A "\nchild a 0",
		"begin 1 2 - - " SHA_A "\nchild a 99999999999999999999",
		"begin 1 2 - - " SHA_A "\nend a ok",
		"begin 1 2 - - " SHA_A "\nfinish maybe 3",
		"begin 1 2 - - " SHA_A "\ninterrupted",
		"begin 1 2 - - " SHA_A "\nstart a\t 3",
	};
	char *cause = NULL, *text;
	struct jstate *js;

	(void)state;
	for (size_t i = 0; i < nitems(bad); i++) {
		text = xasprintf("%s\n", bad[i]);
		js = parse_framed(text, "", &cause);
		if (js != NULL)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(cause);
		free(cause);
		cause = NULL;
		free(text);
	}
	/* more distinct steps than any plan has */
	{
		struct buf b;
		buf_init(&b);
		buf_puts(&b, "begin 1 2 - - " SHA_A "\n");
		for (int i = 0; i <= JOURNAL_MAX_STEPS; i++)
			buf_printf(&b, "start s%d 1\n", i);
		js = parse_framed(b.data, "", &cause);
		assert_null(js);
		free(cause);
		buf_free(&b);
	}
}

static void
test_journal_escape(void **state)
{
	const char *in[] = { "plain", "with space", "100%", "", "-", "tab\there" };
	(void)state;
	for (size_t i = 0; i < nitems(in); i++) {
		char *e = journal_escape(in[i]), *text = xasprintf("begin 1 1 %s - " SHA_A "\n", e);
		struct jstate *js = parse_framed(text, "", NULL);
		assert_null(strchr(e, ' '));
		assert_non_null(js);
		assert_non_null(js->root);
		assert_string_equal(js->root, in[i]);
		jstate_free(js);
		free(text);
		free(e);
	}
	{
		char *e = journal_escape(NULL);
		assert_string_equal(e, "-");
		free(e);
	}
}

static void
test_apt_status(void **state)
{
	double f;
	char *d;

	(void)state;
	assert_int_equal(apt_status_parse("dlstatus:1:50.0000:Retrieving file 1 of 2", &f, &d), 0);
	assert_true(f > 0.19 && f < 0.21);
	assert_string_equal(d, "Retrieving file 1 of 2");
	free(d);
	assert_int_equal(apt_status_parse("pmstatus:libblis4:amd64:100:Installed libblis4:amd64",
	    &f, &d), 0);
	assert_true(f > 0.999);
	assert_string_equal(d, "Installed libblis4:amd64");
	free(d);
	assert_int_equal(apt_status_parse("pmstatus:dpkg-exec:0:Running dpkg", &f, &d), 0);
	assert_true(f > 0.39 && f < 0.41);
	free(d);
	assert_int_equal(apt_status_parse("pmconffile:/etc/x:...", &f, &d), -1);
	assert_int_equal(apt_status_parse("pmstatus:nopercent", &f, &d), -1);
	assert_int_equal(apt_status_parse("pmstatus:pkg:12", &f, &d), -1);
	assert_true(apt_is_lock_wait("E: Could not get lock /var/lib/dpkg/lock-frontend. It is "
	    "held by process 123 (apt-get)"));
	assert_true(apt_is_lock_wait("Waiting for cache lock: Could not get lock ..."));
	assert_false(apt_is_lock_wait("Setting up libblis4 (0.9.0-1) ..."));
	{
		char *a1[] = { "/usr/bin/apt-get", "install", NULL }, *a2[] = { "apt", NULL };
		char *a3[] = { "apt-cache", NULL };
		assert_true(apt_is_apt(a1));
		assert_true(apt_is_apt(a2));
		assert_false(apt_is_apt(a3));
	}
}

static void
test_url_policy(void **state)
{
	char *mirrors[] = { "mirror.example.org", "deb.local:8080", "[fd00::1]:3141", "[fd00::2]",
	    "10.0.0.7:80", NULL };
	char *cause = NULL;

	(void)state;
	/* mirrors compare as profile.h parses them: IPv6 literals by value, ports when written,
	 * a default port counts as written in the URL */
	assert_int_equal(download_url_allowed("http://[fd00::1]:3141/simple/", mirrors, NULL), 0);
	assert_int_equal(download_url_allowed("http://[fd00:0::1]:3141/simple/", mirrors, NULL), 0);
	assert_int_equal(download_url_allowed("http://[fd00::1]:3142/simple/", mirrors, NULL), -1);
	assert_int_equal(download_url_allowed("http://[fd00::1]/simple/", mirrors, NULL), -1);
	assert_int_equal(download_url_allowed("http://[fd00::2]:8000/x", mirrors, NULL), 0);
	assert_int_equal(download_url_allowed("http://[fd00::3]/x", mirrors, NULL), -1);
	assert_int_equal(download_url_allowed("http://10.0.0.7/x", mirrors, NULL), 0);
	assert_int_equal(download_url_allowed("http://MIRROR.example.org:81/x", mirrors, NULL), 0);
	assert_int_equal(download_url_allowed("http://deb.local.evil:8080/x", mirrors, NULL), -1);
	assert_int_equal(download_url_allowed("https://example.com/x.tar.gz", NULL, NULL), 0);
	assert_int_equal(download_url_allowed("http://127.0.0.1:8000/x", NULL, NULL), 0);
	assert_int_equal(download_url_allowed("http://127.8.9.10/x", NULL, NULL), 0);
	assert_int_equal(download_url_allowed("http://localhost:1/x", NULL, NULL), 0);
	assert_int_equal(download_url_allowed("http://[::1]:9/x", NULL, NULL), 0);
	assert_int_equal(download_url_allowed("http://example.com/x", NULL, &cause), -1);
	assert_non_null(strstr(cause, "loopback"));
	free(cause);
	cause = NULL;
	assert_int_equal(download_url_allowed("http://128.0.0.1/x", NULL, NULL), -1);
	assert_int_equal(download_url_allowed("http://localhost.evil.com/x", NULL, NULL), -1);
	assert_int_equal(download_url_allowed("http://mirror.example.org/x", mirrors, NULL), 0);
	assert_int_equal(download_url_allowed("http://deb.local:8080/x", mirrors, NULL), 0);
	assert_int_equal(download_url_allowed("http://deb.local:8081/x", mirrors, NULL), -1);
	assert_int_equal(download_url_allowed("ftp://127.0.0.1/x", mirrors, NULL), -1);
	assert_int_equal(download_url_allowed("file:///etc/passwd", mirrors, NULL), -1);
	assert_int_equal(download_url_allowed("not a url", mirrors, NULL), -1);
	assert_int_equal(download_redirect_allowed("https://a.org/x", "http://127.0.0.1/x", NULL,
	    &cause), -1);
	assert_non_null(strstr(cause, "downgrades"));
	free(cause);
	assert_int_equal(download_redirect_allowed("http://127.0.0.1/x", "https://a.org/y", NULL,
	    NULL), 0);
	assert_int_equal(download_redirect_allowed("http://127.0.0.1/x", "http://a.org/y", NULL,
	    NULL), -1);
}

static void
test_throttle(void **state)
{
	struct throttle t;

	(void)state;
	memset(&t, 0, sizeof t);
	throttle_reset(&t);
	assert_true(throttle_should_emit(&t, 100.0, 1, NULL));
	assert_false(throttle_should_emit(&t, 101.0, 1, NULL));      /* no change */
	assert_false(throttle_should_emit(&t, 100.1, 2, NULL));      /* too soon */
	assert_true(throttle_should_emit(&t, 100.3, 2, NULL));
	assert_true(throttle_should_emit(&t, 100.6, -1, "waiting"));
	assert_false(throttle_should_emit(&t, 101.6, -1, "waiting"));
	assert_true(throttle_should_emit(&t, 101.9, -1, "other"));
	/* 100 updates in one second give at most 5 lines */
	{
		int n = 0;
		throttle_reset(&t);
		for (int i = 0; i < 100; i++)
			n += throttle_should_emit(&t, 200.0 + i / 100.0, i, NULL);
		assert_true(n >= 4 && n <= 5);
	}
	throttle_reset(&t);
	free(t.last_detail);
}

static void
test_dpkg_status(void **state)
{
	const char *status =
	    "Package: libblis4-openmp\nStatus: install ok installed\nArchitecture: amd64\n"
	    "Version: 0.9.0-1\n\n"
	    "Package: python3-numpy\nStatus: deinstall ok config-files\nArchitecture: amd64\n\n"
	    "Package: python3\nStatus: install ok installed\nArchitecture: amd64\n"
	    "Description: x\n y\n";
	char *ok1[] = { "libblis4-openmp", "python3", NULL };
	char *ok2[] = { "libblis4-openmp:amd64", NULL };
	char *no1[] = { "python3", "python3-numpy", NULL };
	char *no2[] = { "libblis4-openmp:arm64", NULL };
	char *missing;

	(void)state;
	assert_true(dpkg_status_installed(status, ok1, NULL));
	assert_true(dpkg_status_installed(status, ok2, NULL));
	assert_false(dpkg_status_installed(status, no1, &missing));
	assert_string_equal(missing, "python3-numpy");
	free(missing);
	assert_false(dpkg_status_installed(status, no2, NULL));
}

static void
test_sudoers_escape(void **state)
{
	static const char *const cases[][2] = {
		{ "plain-word_1.2/x", "plain-word_1.2/x" },
		{ "PATH=/usr/sbin:/usr/bin", "PATH\\=/usr/sbin\\:/usr/bin" },
		{ "a,b", "a\\,b" },
		{ "two words", "two\\ words" },
		{ "tab\there", "tab\\\there" },
		{ "c*d?[e]", "c\\*d\\?\\[e\\]" },
		{ "#hash", "\\#hash" },
		{ "back\\slash", "back\\\\\\\\slash" },   /* one backslash becomes four */
		{ "quote\"s'(x)!", "quote\"s'(x)!" },
	};
	char *w;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		w = sudoers_escape(cases[i][0]);
		assert_non_null(w);
		assert_string_equal(w, cases[i][1]);
		free(w);
	}
	assert_null(sudoers_escape(""));
	assert_null(sudoers_escape("line\nbreak"));
	assert_null(sudoers_escape("cr\r"));
	assert_null(sudoers_escape(NULL));
}

static void
test_sudo_shell_word(void **state)
{
	static const char *const cases[][2] = {
		{ "apt-get", "apt-get" },
		{ "PATH=/a:/b", "PATH=/a:/b" },
		{ "two words", "'two words'" },
		{ "it's", "'it'\\''s'" },
		{ "", "''" },
		{ "a\nb", "$'a\\nb'" },
		{ "x\t'\\\x01", "$'x\\t\\'\\\\\\x01'" },
	};
	char *w;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		w = sudo_shell_word(cases[i][0]);
		assert_string_equal(w, cases[i][1]);
		assert_null(strchr(w, '\n'));
		free(w);
	}
}

static void
test_sudoers_rule(void **state)
{
	char *a[] = { "sudo", "-n", "/usr/bin/env", "PATH=/x", "ldconfig", NULL };
	char *b[] = { "sudo", "-n", "/usr/bin/env", "PATH=/x", "touch", "/root/a b", NULL };
	char *bad[] = { "sudo", "-n", "/usr/bin/env", "echo", "two\nlines", NULL };
	char *rel[] = { "sudo", "-n", "env", NULL };
	char **cmds[] = { a, b, a, NULL }, **bads[] = { a, bad, NULL }, **rels[] = { rel, NULL };
	char **none[] = { NULL };
	char *rule, *cause = NULL, *uid;

	(void)state;
	rule = sudoers_rule("alice", cmds, &cause);
	assert_non_null(rule);
	assert_string_equal(rule, "Cmnd_Alias ARMPY_PLAN = /usr/bin/env PATH\\=/x ldconfig, \\\n"
	    "    /usr/bin/env PATH\\=/x touch /root/a\\ b\n"
	    "alice ALL=(root) NOPASSWD: ARMPY_PLAN\n");
	free(rule);
	/* a name sudoers could misread is written as the uid */
	rule = sudoers_rule("9lives", cmds, &cause);
	uid = xasprintf("\n#%ld ALL=(root) NOPASSWD: ARMPY_PLAN\n", (long)getuid());
	assert_non_null(strstr(rule, uid));
	free(uid);
	free(rule);
	assert_null(sudoers_rule("alice", bads, &cause));
	assert_non_null(strstr(cause, "cannot be matched"));
	free(cause);
	cause = NULL;
	assert_null(sudoers_rule("alice", rels, &cause));
	free(cause);
	rule = sudoers_rule("alice", none, NULL);
	assert_string_equal(rule, "");
	free(rule);
}

/* What a plan runs through sudo when armpy is not root: exactly what spawn_step would run. */
static void
test_sudo_commands(void **state)
{
	static const char *const proxies[] = { "http_proxy", "https_proxy", "ftp_proxy",
	    "no_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY",
	    "ALL_PROXY", "ARMPY_APT_LOCK_TIMEOUT" };
	const char *env = "/usr/bin/env PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/home/u "
	    "LANG=C.UTF-8";
	struct plan *p = plan_new();
	struct exec *e;
	struct step *s;
	char ***c, *line, *want;

	(void)state;
	for (size_t i = 0; i < nitems(proxies); i++)
		unsetenv(proxies[i]);
	s = plan_add(p, "apt", "apt", "t");
	s->kind = ACTION_RUN;
	s->privileged = 1;
	s->u.run.argv = strv_push(strv_push(strv_new(), "apt-get"), "install");
	s = plan_add(p, "user-run", "u", "t");
	s->kind = ACTION_RUN;
	s->u.run.argv = strv_push(strv_new(), "true");
	s = plan_add(p, "conf", "w", "t");
	s->kind = ACTION_WRITE;
	s->privileged = 1;
	s->u.write.path = xstrdup("/etc/x.conf");
	s->u.write.mode = 0600;
	s->u.write.content = xstrdup("x\n");
	s = plan_add(p, "alt", "a", "t");
	s->kind = ACTION_ALTERNATIVE;
	s->privileged = 1;
	s->u.alternative.name = xstrdup("libblas.so.3");
	s->u.alternative.path = xstrdup("/usr/lib/b/libblas.so.3");
	s = plan_add(p, "dl", "d", "t");
	s->kind = ACTION_DOWNLOAD;
	s->privileged = 1;
	assert_true(step_uses_sudo(&p->steps[0]));
	assert_false(step_uses_sudo(&p->steps[1]));
	assert_true(step_uses_sudo(&p->steps[2]));
	assert_true(step_uses_sudo(&p->steps[3]));
	assert_false(step_uses_sudo(&p->steps[4]));   /* downloads run as the user */
	assert_int_equal(sudo_steps(p), 3);

	e = exec_new(p, NULL, NULL);
	exec_set_user(e, 1000, "/home/u");
	c = exec_sudo_commands(e, &p->steps[0]);
	assert_non_null(c[0]);
	assert_null(c[1]);
	line = strv_join(c[0], " ");
	want = xasprintf("sudo -n %s DEBIAN_FRONTEND=noninteractive APT_LISTCHANGES_FRONTEND=none "
	    "apt-get -o APT::Status-Fd=3 -o DPkg::Lock::Timeout=300 install", env);
	assert_string_equal(line, want);
	free(line);
	free(want);
	exec_commands_free(c);
	c = exec_sudo_commands(e, &p->steps[1]);
	assert_null(c[0]);
	exec_commands_free(c);
	c = exec_sudo_commands(e, &p->steps[2]);
	assert_int_equal(strv_len(c[1]), 3 + 3 + 5);
	line = strv_join(c[1], " ");
	want = xasprintf("sudo -n %s install -m 0600 /dev/stdin /etc/x.conf.armpy-new", env);
	assert_string_equal(line, want);
	free(line);
	free(want);
	line = strv_join(c[3], " ");
	want = xasprintf("sudo -n %s mv -f -T /etc/x.conf.armpy-new /etc/x.conf", env);
	assert_string_equal(line, want);
	free(line);
	free(want);
	assert_null(c[4]);
	exec_commands_free(c);
	c = exec_sudo_commands(e, &p->steps[3]);
	line = strv_join(c[0], " ");
	want = xasprintf("sudo -n %s update-alternatives --set libblas.so.3 "
	    "/usr/lib/b/libblas.so.3", env);
	assert_string_equal(line, want);
	free(line);
	free(want);
	exec_commands_free(c);
	c = exec_sudo_commands(e, &p->steps[4]);
	assert_null(c[0]);
	exec_commands_free(c);
	exec_set_user(e, 0, "/home/u");               /* root: nothing goes through sudo */
	c = exec_sudo_commands(e, &p->steps[0]);
	assert_null(c[0]);
	exec_commands_free(c);
	exec_free(e);
	plan_free(p);
}

/* A step's own PATH (a gcc-toolset's bin first) replaces the clean one: the child sees one
 * PATH, the step's (getenv and env(1) would disagree on two). */
static void
test_step_path(void **state)
{
	struct plan *p = plan_new();
	struct step *s = plan_add(p, "tc", "t", "t");
	struct exec *e;
	char ***c, *line;

	(void)state;
	s->kind = ACTION_RUN;
	s->privileged = 1;
	s->u.run.argv = strv_push(strv_new(), "make");
	s->u.run.env = strv_pushl(strv_new(), "PATH=/opt/rh/gcc-toolset-12/root/usr/bin:/usr/bin",
	    "LANG=C", NULL);
	e = exec_new(p, NULL, NULL);
	exec_set_user(e, 1000, "/home/u");
	c = exec_sudo_commands(e, &p->steps[0]);
	line = strv_join(c[0], " ");
	assert_non_null(strstr(line, " PATH=/opt/rh/gcc-toolset-12/root/usr/bin:/usr/bin "));
	assert_null(strstr(strstr(line, "PATH=") + 1, "PATH="));
	/* any base variable, not only PATH: the step's value replaces it */
	assert_non_null(strstr(line, " LANG=C "));
	assert_null(strstr(line, "LANG=C.UTF-8"));
	free(line);
	exec_commands_free(c);
	exec_free(e);
	plan_free(p);
}

static void
test_sudo_settings(void **state)
{
	struct plan *p = plan_new();
	struct step *s = plan_add(p, "x", "x", "t");
	char *text, *why = NULL;
	int policy;

	(void)state;
	/* unset, or not a number of seconds: from sudo's policy here (or the default) */
	unsetenv("ARMPY_SUDO_REFRESH");
	policy = sudo_refresh_interval(&why);
	assert_non_null(why);
	assert_null(strstr(why, "ARMPY_SUDO_REFRESH"));
	assert_true(policy >= 0 && policy <= 24 * 3600);
	free(why);
	why = NULL;
	setenv("ARMPY_SUDO_REFRESH", "5", 1);
	assert_int_equal(sudo_refresh_interval(&why), 5);
	assert_string_equal(why, "ARMPY_SUDO_REFRESH");
	free(why);
	setenv("ARMPY_SUDO_REFRESH", "0", 1);
	assert_int_equal(sudo_refresh_interval(NULL), 0);
	setenv("ARMPY_SUDO_REFRESH", "5s", 1);
	assert_int_equal(sudo_refresh_interval(NULL), policy);
	setenv("ARMPY_SUDO_REFRESH", "-3", 1);
	assert_int_equal(sudo_refresh_interval(NULL), policy);
	unsetenv("ARMPY_SUDO_REFRESH");
	assert_int_equal(sudo_keepalive_start(0), 0);
	s->kind = ACTION_RUN;
	s->privileged = 1;
	s->u.run.argv = strv_push(strv_new(), "true");
	text = sudo_refusal(p);
	assert_non_null(strstr(text, "1 step of this plan runs as root"));
	assert_non_null(strstr(text, "run armpy as root"));
	assert_non_null(strstr(text, "`sudo -v`"));
	assert_non_null(strstr(text, "NOPASSWD"));
	assert_non_null(strstr(text, "--dry-run"));
	free(text);
	if (geteuid() == 0) {                         /* root: the dry-run gets no sudo block */
		assert_false(sudo_needed(p));
		text = sudo_listing(p, NULL);
		assert_string_equal(text, "");
		free(text);
	}
	plan_free(p);
}

/* With a real sudo (tests/sudo/run.sh runs this as its test user): ARMPY_SUDO_TEST_PWFILE
 * holds the right password on its first line, a wrong one on its second. */
static void
test_sudo_password(void **state)
{
	const char *f = getenv("ARMPY_SUDO_TEST_PWFILE");
	char *text, *nl, *cause = NULL;
	size_t len;

	(void)state;
	if (f == NULL)
		skip();
	text = file_read(f, 4096, &len, &cause);
	assert_non_null(text);
	nl = strchr(text, '\n');
	assert_non_null(nl);
	*nl = '\0';
	nl[1 + strcspn(nl + 1, "\n")] = '\0';
	assert_false(sudo_ready());
	assert_int_equal(sudo_validate_password(nl + 1, &cause), -1);
	assert_string_equal(cause, "sudo did not accept the password");
	free(cause);
	cause = NULL;
	assert_int_equal(sudo_validate_password("two\nlines", &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(sudo_validate_password(text, &cause), 0);
	assert_true(sudo_ready());
	explicit_bzero(text, len);
	free(text);
}

/* A real run: plan built in memory, executed, journaled, resumed. */
static char statedir[] = "/tmp/armpy-test-exec-XXXXXX";

static struct step *
add_run(struct plan *p, const char *id, const char *script, const char *marker)
{
	struct step *s = plan_add(p, id, id, "test");
	s->kind = ACTION_RUN;
	s->u.run.argv = strv_new();
	s->u.run.argv = strv_push(s->u.run.argv, "sh");
	s->u.run.argv = strv_push(s->u.run.argv, "-c");
	s->u.run.argv = strv_push(s->u.run.argv, script);
	if (marker != NULL) {
		s->check.kind = CHECK_FILE;
		s->check.path = xstrdup(marker);
	}
	return s;
}

static int lines_seen;
static void obs_output(void *a, const struct step *s, const char *l) { (void)a; (void)s; (void)l; lines_seen++; }

static void
test_exec_real(void **state)
{
	struct plan *p = plan_new();
	struct exec_opts o;
	struct exec_observer obs;
	struct exec *e;
	struct step *s;
	char *cause = NULL, *dir = xasprintf("%s/work", statedir), *path, *text, **tail;
	char *cmd;
	struct jstate *js;
	size_t len;
	int rc;

	(void)state;
	assert_non_null(mkdtemp(statedir));
	free(dir);
	dir = xasprintf("%s/work", statedir);
	setenv("ARMPY_STATE_DIR", statedir, 1);
	mkdir(dir, 0755);
	p->target = xstrdup("test");   /* a run saves only a plan that loads back */
	s = plan_add(p, "write-conf", "write", "test");
	s->kind = ACTION_WRITE;
	s->u.write.path = xasprintf("%s/conf", dir);
	s->u.write.mode = 0600;
	s->u.write.content = xstrdup("hello\n");
	cmd = xasprintf("env > %s/env; pwd > %s/pwd; echo line-$FOO; echo err >&2", dir, dir);
	s = add_run(p, "run-env", cmd, NULL);
	free(cmd);
	s->u.run.env = strv_push(strv_new(), "FOO=bar");
	s->u.run.cwd = xstrdup(dir);
	cmd = xasprintf("echo x >> %s/count; touch %s/m", dir, dir);
	path = xasprintf("%s/m", dir);
	add_run(p, "marker", cmd, path);
	free(cmd);
	free(path);

	memset(&o, 0, sizeof o);
	memset(&obs, 0, sizeof obs);
	obs.output = obs_output;
	e = exec_new(p, &o, &obs);
	rc = exec_run(e, &cause);
	assert_int_equal(rc, 0);
	path = xasprintf("%s/conf", dir);
	text = file_read(path, 100, &len, NULL);
	assert_string_equal(text, "hello\n");
	free(text);
	{
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	free(path);
	path = xasprintf("%s/env", dir);
	text = file_read(path, 10000, &len, NULL);
	assert_non_null(strstr(text, "PATH=" EXEC_CLEAN_PATH "\n"));
	assert_non_null(strstr(text, "FOO=bar\n"));
	assert_non_null(strstr(text, "LANG=C.UTF-8\n"));
	assert_null(strstr(text, "ARMPY_STATE_DIR"));     /* a clean environment */
	free(text);
	free(path);
	path = xasprintf("%s/pwd", dir);
	text = file_read(path, 10000, &len, NULL);
	assert_true(str_startswith(text, dir));
	free(text);
	free(path);
	assert_int_equal(lines_seen, 2);
	path = xasprintf("%s/journal", exec_run_dir(e));
	js = journal_load(path, NULL);
	assert_non_null(js);
	assert_string_equal(js->finish, "ok");
	assert_int_equal(js->nsteps, 3);
	assert_string_equal(jstate_find(js, "marker")->result, "ok");
	jstate_free(js);
	free(path);
	exec_free(e);

	/* Second run: the checked step is already satisfied, the others run again. */
	e = exec_new(p, &o, NULL);
	assert_int_equal(exec_run(e, &cause), 0);
	path = xasprintf("%s/count", dir);
	text = file_read(path, 100, &len, NULL);
	assert_string_equal(text, "x\n");
	free(text);
	free(path);
	exec_free(e);

	/* A failing step: status, tail and the journal. */
	add_run(p, "fail", "for i in $(seq 1 30); do echo out-$i; done; exit 3", NULL);
	e = exec_new(p, &o, NULL);
	assert_int_equal(exec_run(e, &cause), 1);
	assert_string_equal(exec_failed_step(e)->id, "fail");
	assert_int_equal(exec_failed_status(e), 3);
	assert_non_null(strstr(exec_failed_cause(e), "status 3"));
	tail = exec_tail(e);
	assert_int_equal(strv_len(tail), 20);
	assert_string_equal(tail[0], "out-11");
	assert_string_equal(tail[19], "out-30");
	strv_free(tail);
	path = xasprintf("%s/journal", exec_run_dir(e));
	js = journal_load(path, NULL);
	assert_string_equal(js->finish, "failed");
	assert_string_equal(jstate_find(js, "fail")->result, "failed");
	jstate_free(js);
	free(path);

	/* Resume: the ok steps are not run again, the failed one is. */
	o.run_dir = xstrdup(exec_run_dir(e));
	o.resume = 1;
	{
		struct exec *e2 = exec_new(p, &o, NULL);
		/* one run at a time: e still holds the run directory and the target root */
		assert_int_equal(exec_run(e2, &cause), EXEC_NOT_STARTED);
		assert_non_null(strstr(cause, "is in use by armpy pid"));
		free(cause);
		cause = NULL;
		exec_free(e2);
		exec_free(e);
		e = NULL;
		char *c2 = xasprintf("echo y >> %s/resumed", dir);
		free(p->steps[1].u.run.argv[2]);
		p->steps[1].u.run.argv[2] = c2;
		free(p->steps[3].u.run.argv[2]);
		p->steps[3].u.run.argv[2] = xstrdup("true");
		e2 = exec_new(p, &o, NULL);
		assert_int_equal(exec_run(e2, &cause), 0);
		path = xasprintf("%s/resumed", dir);
		assert_int_not_equal(access(path, F_OK), 0);      /* run-env was not re-run */
		free(path);
		exec_free(e2);
		free((char *)o.run_dir);
	}

	/* A timeout kills the whole group. */
	{
		struct plan *p2 = plan_new();
		struct step *t = add_run(p2, "slow", "sleep 30 & sleep 30", NULL);
		struct exec *e3;
		double t0 = now_seconds();
		p2->target = xstrdup("test");
		t->u.run.timeout = 1;
		memset(&o, 0, sizeof o);
		e3 = exec_new(p2, &o, NULL);
		assert_int_equal(exec_run(e3, &cause), 1);
		assert_non_null(strstr(exec_failed_cause(e3), "timed out"));
		assert_true(now_seconds() - t0 < 8);
		exec_free(e3);
		plan_free(p2);
	}
	plan_free(p);
	free(dir);
	cmd = NULL;
	{
		char *argv[] = { "rm", "-rf", statedir, NULL };
		pid_t pid = fork();
		if (pid == 0) {
			execvp("rm", argv);
			_exit(1);
		}
		waitpid(pid, NULL, 0);
	}
}

/* ---- the root boundary for files armpy did not create (docs/root-boundary.md) ---- */

/* A fresh directory for one boundary test, its state dir set (new). */
static char *
bnd_dir(void)
{
	char *dir = xstrdup("/tmp/armpy-test-bnd-XXXXXX"), *state;

	assert_non_null(mkdtemp(dir));
	state = xasprintf("%s/state", dir);
	setenv("ARMPY_STATE_DIR", state, 1);
	free(state);
	return dir;
}

static void
bnd_rm(char *dir)
{
	char *argv[] = { "rm", "-rf", "--one-file-system", dir, NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execvp("rm", argv);
		_exit(1);
	}
	waitpid(pid, NULL, 0);
	free(dir);
}

/* Runs plan p with root (NULL = /): exec_run's result; the run log's text, or the cause when
 * there is no log, in *log (new). */
static int
bnd_run(struct plan *p, const char *root, char **log)
{
	struct exec_opts o;
	struct exec *e;
	char *cause = NULL;
	size_t len;
	int rc;

	memset(&o, 0, sizeof o);
	o.root = root;
	e = exec_new(p, &o, NULL);
	rc = exec_run(e, &cause);
	*log = NULL;
	if (exec_log_path(e) != NULL)
		*log = file_read(exec_log_path(e), 1 << 20, &len, NULL);
	if (*log == NULL)
		*log = xstrdup(cause != NULL ? cause : "");
	free(cause);
	exec_free(e);
	return rc;
}

static void
bnd_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A download step of dir/in/f from a port nothing answers on: only a .part already whole
 * (size given) can finish it without a request. */
static struct plan *
bnd_download_plan(const char *dir, int port, const char *sha)
{
	struct plan *p = plan_new();
	struct step *s = plan_add(p, "dl", "dl", "test");

	p->target = xstrdup("test");
	s->kind = ACTION_DOWNLOAD;
	s->u.download.url = xasprintf("http://127.0.0.1:%d/f", port);
	s->u.download.sha256 = xstrdup(sha);
	s->u.download.dest = xasprintf("%s/in/f", dir);
	s->u.download.size = 10;
	return p;
}

/* A loopback port that refuses connections for as long as *fd stays open: bound, not
 * listening. */
static int
bnd_dead_port(int *fd)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*fd >= 0);
	assert_int_equal(bind(*fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(*fd, (struct sockaddr *)&a, &len), 0);
	return ntohs(a.sin_port);
}

/* A resumed download appends only to a .part of its own: a hard link to a file outside,
 * another user's file or a symlink is removed and the download starts afresh (the log says
 * so); a .part of armpy's with one link is resumed. */
static void
test_download_part(void **state)
{
	char *dir = bnd_dir(), *victim = xasprintf("%s/victim", dir), *part, *dest, *log, sha[65];
	char *in = xasprintf("%s/in", dir);
	struct plan *p;
	struct stat st;
	int sock, port = bnd_dead_port(&sock), fd;

	(void)state;
	setenv("ARMPY_DOWNLOAD_RETRIES", "0", 1);
	mkdir(in, 0755);
	bnd_write(victim, "0123456789");
	fd = open(victim, O_RDONLY);
	assert_int_equal(sha256_fd(fd, victim, sha, NULL), 0);
	close(fd);
	p = bnd_download_plan(dir, port, sha);
	part = xasprintf("%s/in/f.part", dir);
	dest = xasprintf("%s/in/f", dir);
	for (int k = 0; k < 3; k++) {
		const char *why[] = { "more than one link", "a symbolic link", "another user" };
		if (k == 0)
			assert_int_equal(link(victim, part), 0);
		else if (k == 1)
			assert_int_equal(symlink(victim, part), 0);
		else if (geteuid() != 0)
			continue;                   /* chown needs root */
		else {
			bnd_write(part, "0123456789");
			assert_int_equal(chown(part, 65534, 65534), 0);
		}
		assert_int_equal(bnd_run(p, NULL, &log), 1);
		assert_non_null(strstr(log, "not resumed"));
		assert_non_null(strstr(log, why[k]));
		free(log);
		assert_int_equal(stat(victim, &st), 0);
		assert_int_equal(st.st_nlink, 1);              /* not renamed into place either */
		assert_int_equal(st.st_size, 10);
		assert_int_not_equal(lstat(dest, &st), 0);
		assert_int_not_equal(lstat(part, &st), 0);     /* nothing to resume: removed */
	}
	/* one of our own, whole: resumed, and done without a request */
	bnd_write(part, "0123456789");
	assert_int_equal(bnd_run(p, NULL, &log), 0);
	free(log);
	assert_int_equal(stat(dest, &st), 0);
	assert_int_equal(st.st_size, 10);
	close(sock);
	unsetenv("ARMPY_DOWNLOAD_RETRIES");
	plan_free(p);
	free(part);
	free(dest);
	free(in);
	free(victim);
	bnd_rm(dir);
}

/* --log FILE: never through a symlink, only a regular file, made 0600; the run directory's
 * own log is written too (--help: "also write the run log to FILE"). */
static void
test_log_file(void **state)
{
	char *dir = bnd_dir(), *target = xasprintf("%s/target", dir), *link = xasprintf("%s/link",
	    dir), *fifo = xasprintf("%s/fifo", dir), *file = xasprintf("%s/new.log", dir);
	char *cause = NULL, *text, *own;
	struct plan *p = plan_new();
	struct exec_opts o;
	struct exec *e;
	struct stat st;
	size_t len;

	(void)state;
	p->target = xstrdup("test");
	add_run(p, "hello", "echo hello-from-the-step", NULL);
	bnd_write(target, "kept\n");
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	memset(&o, 0, sizeof o);
	for (int k = 0; k < 2; k++) {
		o.log_path = k == 0 ? link : fifo;
		e = exec_new(p, &o, NULL);
		assert_int_equal(exec_run(e, &cause), EXEC_NOT_STARTED);
		assert_non_null(strstr(cause, "refused"));
		free(cause);
		cause = NULL;
		exec_free(e);
	}
	text = file_read(target, 100, &len, NULL);
	assert_string_equal(text, "kept\n");
	free(text);
	o.log_path = file;
	umask(022);
	e = exec_new(p, &o, NULL);
	assert_int_equal(exec_run(e, &cause), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	own = xasprintf("%s/log", exec_run_dir(e));
	exec_free(e);
	text = file_read(file, 1 << 16, &len, NULL);
	assert_non_null(strstr(text, "hello-from-the-step"));
	free(text);
	text = file_read(own, 1 << 16, &len, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "hello-from-the-step"));
	free(text);
	free(own);
	plan_free(p);
	free(target);
	free(link);
	free(fifo);
	free(file);
	bnd_rm(dir);
}

/* The target root's lock is the root directory's own (no state dir in it): a second lock on
 * the same root, spelled another way, is refused and names the holder's pid and run (the run
 * lock it has open); with the holder gone it is taken. */
static void
test_root_lock(void **state)
{
	char *dir = bnd_dir(), *root = xasprintf("%s/root", dir), *alias = xasprintf("%s/alias",
	    dir), *run = xasprintf("%s/20260101-000000-1", dir), *lock = xasprintf("%s/lock", run);
	char *cause = NULL, *want;
	int held, runfd;

	(void)state;
	assert_int_equal(mkdir(root, 0755), 0);
	assert_int_equal(mkdir(run, 0700), 0);
	assert_int_equal(symlink(root, alias), 0);
	runfd = runs_lock(lock, "run", &cause);
	assert_true(runfd >= 0);
	held = runs_lock_root(root, &cause);
	assert_true(held >= 0);
	assert_int_equal(runs_lock_root(alias, &cause), -1);
	want = xasprintf("the target root %s is in use by armpy pid %ld, run 20260101-000000-1",
	    alias, (long)getpid());
	assert_non_null(strstr(cause, want));
	free(want);
	free(cause);
	cause = NULL;
	close(held);
	held = runs_lock_root(alias, &cause);
	assert_true(held >= 0);
	close(held);
	close(runfd);
	free(root);
	free(alias);
	free(run);
	free(lock);
	bnd_rm(dir);
}

/* A relative --root is kept absolute (the directory armpy ran in, then the path): the journal
 * records it so, and undo or resume from another directory act on the same tree. */
static void
test_root_absolute(void **state)
{
	struct exec_opts o = { .root = "some/tree/" };
	struct plan *p = plan_new();
	struct exec *e;
	char *cwd = getcwd(NULL, 0), *want = xasprintf("%s/some/tree", cwd);

	(void)state;
	e = exec_new(p, &o, NULL);
	assert_string_equal(exec_root(e), want);
	exec_free(e);
	o.root = "/abs/tree";
	e = exec_new(p, &o, NULL);
	assert_string_equal(exec_root(e), "/abs/tree");
	exec_free(e);
	plan_free(p);
	free(want);
	free(cwd);
}

/* An extract step onto a tree with a mount below it: refused before anything is replaced, and
 * the step names the mount point; nothing on the mount is removed. A bind mount of the same
 * filesystem (same st_dev: only the mount id tells) and a tmpfs (another st_dev), and the
 * removal itself (rootdir_rm_rf) refuses one too. Needs root (mount). */
static void
test_extract_mounts(void **state)
{
	char *dir, *src, *dest, *mnt, *victim, *tar, *argv[8], *log;
	struct plan *p;
	struct step *s;
	struct stat st;
	pid_t pid;
	int status;

	(void)state;
	if (geteuid() != 0)
		skip();
	/* the mounts live in this process's own mount namespace: a failed assertion cannot leave
	 * them behind on the machine (they go with the process). In a chroot (the arm64 suite
	 * runs this under qemu-user in one) "/" is not a mount point and cannot be made private
	 * (EINVAL): there they propagate as the tree they are made in does, as before. */
	assert_int_equal(unshare(CLONE_NEWNS), 0);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		assert_int_equal(errno, EINVAL);
	dir = bnd_dir();
	src = xasprintf("%s/host", dir);
	dest = xasprintf("%s/dest", dir);
	mnt = xasprintf("%s/dest/sub/mnt", dir);
	victim = xasprintf("%s/host/victim", dir);
	tar = xasprintf("%s/a.tar", dir);
	assert_int_equal(mkdir(src, 0755), 0);
	bnd_write(victim, "host file\n");
	assert_int_equal(mkdir_p(mnt, 0755, NULL), 0);
	/* a small archive: tar of the host dir (any content will do) */
	argv[0] = "tar"; argv[1] = "-cf"; argv[2] = tar; argv[3] = "-C"; argv[4] = src;
	argv[5] = "."; argv[6] = NULL;
	if ((pid = fork()) == 0) {
		execvp("tar", argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	p = plan_new();
	p->target = xstrdup("test");
	s = plan_add(p, "x", "x", "test");
	s->kind = ACTION_EXTRACT;
	s->u.extract.archive = xstrdup(tar);
	s->u.extract.dest = xstrdup(dest);
	for (int k = 0; k < 2; k++) {
		if (k == 0)
			assert_int_equal(mount(src, mnt, NULL, MS_BIND, NULL), 0);
		else
			assert_int_equal(mount("tmpfs", mnt, "tmpfs", 0, "size=64k"), 0);
		if (k == 1) {
			char *v = xasprintf("%s/victim", mnt);
			bnd_write(v, "on tmpfs\n");
			free(v);
		}
		assert_int_equal(bnd_run(p, NULL, &log), 1);
		assert_non_null(strstr(log, "dest/sub/mnt is a mount point"));
		free(log);
		{
			char *v = xasprintf("%s/victim", mnt);
			assert_int_equal(stat(v, &st), 0);       /* nothing on the mount removed */
			free(v);
		}
		/* the removal itself never crosses it either */
		{
			int dfd = open(dir, O_RDONLY | O_DIRECTORY);
			char *cause = NULL;
			assert_int_equal(rootdir_rm_rf(dfd, "dest", "dest", &cause), -1);
			assert_non_null(strstr(cause, "dest/sub/mnt is a mount point"));
			free(cause);
			close(dfd);
		}
		assert_int_equal(stat(victim, &st), 0);
		assert_int_equal(umount2(mnt, MNT_DETACH), 0);
	}
	/* no mount: the tree is replaced */
	assert_int_equal(bnd_run(p, NULL, &log), 0);
	free(log);
	assert_int_equal(stat(mnt, &st), -1);
	plan_free(p);
	free(src);
	free(dest);
	free(mnt);
	free(victim);
	free(tar);
	bnd_rm(dir);
}

/* One ustar header (and data) into f: type '0' file, '1' hard link, '2' symlink, '5' dir. */
static void
bnd_tar_entry(FILE *f, const char *name, char type, const char *link, const char *data)
{
	unsigned char h[512];
	size_t len = data != NULL ? strlen(data) : 0;
	unsigned int sum = 0;

	memset(h, 0, sizeof h);
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", type == '5' ? 0755 : 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011o", (unsigned int)len);
	snprintf((char *)h + 136, 12, "%011o", 0);
	h[156] = (unsigned char)type;
	if (link != NULL)
		snprintf((char *)h + 157, 100, "%s", link);
	memcpy(h + 257, "ustar\0" "00", 8);
	memset(h + 148, ' ', 8);
	for (size_t i = 0; i < sizeof h; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	fwrite(h, 1, sizeof h, f);
	if (len > 0) {
		fwrite(data, 1, len, f);
		for (size_t pad = (512 - len % 512) % 512; pad > 0; pad--)
			fputc(0, f);
	}
}

/* extract_archive of a tar made of entries ("TYPE NAME [LINK]", '0' files hold "x") into a
 * fresh directory under dir; its result, the cause in *cause. */
static int
bnd_extract(const char *dir, const char *const *entries, char **cause)
{
	char *tar = xasprintf("%s/t.tar", dir), *into = xasprintf("%s/into", dir), *argv[4];
	FILE *f = fopen(tar, "w");
	int fd, tfd, rc;
	pid_t pid;

	assert_non_null(f);
	for (size_t i = 0; entries[i] != NULL; i++) {
		char *copy = xstrdup(entries[i]), *name = copy + 2, *link = strchr(name, ' ');
		if (link != NULL)
			*link++ = '\0';
		bnd_tar_entry(f, name, copy[0], link, copy[0] == '0' ? "x\n" : NULL);
		free(copy);
	}
	for (int i = 0; i < 1024; i++)
		fputc(0, f);
	assert_int_equal(fclose(f), 0);
	argv[0] = "rm", argv[1] = "-rf", argv[2] = into, argv[3] = NULL;
	if ((pid = fork()) == 0) {
		execvp("rm", argv);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	assert_int_equal(mkdir(into, 0700), 0);
	fd = open(tar, O_RDONLY);
	tfd = open(into, O_RDONLY | O_DIRECTORY);
	rc = extract_archive(fd, tar, tfd, 0, cause);
	close(fd);
	close(tfd);
	free(tar);
	free(into);
	return rc;
}

/* Links decided against what the archive has made: a link that reads as inside but leads out
 * through an earlier link, one made before the link that sends it out, a hard link that puts
 * an inside symlink's text in another directory, a hard link through a symlink: refused. The
 * same kinds of chains that stay inside are extracted. */
static void
test_extract_chains(void **state)
{
	static const char *const chain[] = { "2 x .", "2 y x/x/../..", NULL };
	static const char *const late[] = { "2 y x/x/../..", "2 x .", NULL };
	static const char *const moved[] = { "5 a", "5 a/b", "2 a/b/l ../..", "1 l2 a/b/l", NULL };
	static const char *const through[] = { "5 d", "0 d/f", "2 e d", "1 h e/f", NULL };
	static const char *const loop[] = { "2 p q", "2 q p", NULL };
	static const char *const fine[] = { "5 a", "0 a/f", "2 x .", "2 y x/x/a/../a/f",
		"2 z x/a/..", "5 a/b", "2 a/b/l f", "1 l2 a/b/l", "1 h a/f", NULL };
	static const char *const *bad[] = { chain, late, moved, through, loop };
	char *dir = bnd_dir(), *cause = NULL, *l2 = xasprintf("%s/into/l2", dir), text[64];
	ssize_t n;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(bnd_extract(dir, bad[i], &cause), -1);
		assert_non_null(strstr(cause, "refused"));
		free(cause);
		cause = NULL;
	}
	if (bnd_extract(dir, fine, &cause) != 0)
		fail_msg("%s", cause);
	n = readlink(l2, text, sizeof text - 1);
	assert_true(n > 0);
	free(l2);
	bnd_rm(dir);
}

/* A command found nowhere: the step spawn's child says where it looked (the one PATH search
 * proc_start uses too), exit status 127 as a shell's. */
static void
test_spawn_not_found(void **state)
{
	char *dir = bnd_dir(), *jpath = xasprintf("%s/journal", dir), *cause = NULL, **tail;
	char *argv[] = { "armpy-no-such-command", NULL };
	struct spawn sp = { .argv = argv };
	struct plan *p = plan_new();
	struct exec_opts o;
	struct exec *e;
	int status = -1, found = 0;

	(void)state;
	memset(&o, 0, sizeof o);
	e = exec_new(p, &o, NULL);
	assert_int_equal(exec_open_root(e, jpath, &cause), 0);
	assert_int_equal(spawn_step(e, &sp, &status, &cause), 0);
	assert_int_equal(status, 127);
	tail = exec_tail(e);
	for (size_t i = 0; tail[i] != NULL; i++)
		found |= strstr(tail[i], "armpy-no-such-command: not found in /usr/sbin") != NULL;
	assert_true(found);
	strv_free(tail);
	exec_free(e);
	plan_free(p);
	free(jpath);
	bnd_rm(dir);
}

/* proc_capture: the exit status and the end of the output (stderr merged), a long output cut
 * to its last max bytes, an exec failure as the child's 127 with its reason, out optional. */
static void
test_proc_capture(void **state)
{
	char *sh[] = { "/bin/sh", "-c", "printf 'out '; printf 'err' >&2; exit 3", NULL };
	char *big[] = { "/bin/sh", "-c", "i=0; while [ $i -lt 5000 ]; do "
	    "printf '%08d\\n' $i; i=$((i+1)); done", NULL };
	char *none[] = { "/nonexistent/armpy-no-such", NULL };
	char *text;
	int st;

	(void)state;
	st = proc_capture(sh, PROC_MERGE_STDERR, 10, 100, &text);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 3);
	assert_string_equal(text, "out err");
	free(text);
	st = proc_capture(sh, PROC_MERGE_STDERR, 10, 5, &text);   /* the end is kept */
	assert_string_equal(text, "t err");
	free(text);
	st = proc_capture(sh, 0, 10, 100, &text);           /* stderr to /dev/null */
	assert_string_equal(text, "out ");
	free(text);
	st = proc_capture(big, 0, 10, 18, &text);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_string_equal(text, "00004998\n00004999\n");
	free(text);
	st = proc_capture(none, PROC_MERGE_STDERR, 10, 4096, &text);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 127);
	assert_non_null(strstr(text, "/nonexistent/armpy-no-such"));
	free(text);
	st = proc_capture(sh, 0, 10, 100, NULL);
	assert_int_equal(WEXITSTATUS(st), 3);
}

/* proc_interrupt from a signal handler: the running command's group (the shell and its sleep)
 * is TERMed at once; afterwards proc_capture starts nothing (-1, EINTR). */
static void
test_proc_interrupt(void **state)
{
	char *slow[] = { "/bin/sh", "-c", "sleep 30; echo late", NULL };
	char *sh[] = { "/bin/true", NULL };
	struct sigaction sa, old;
	struct itimerval t = { .it_value = { 0, 200 * 1000 } };
	double start = now_seconds();
	char *text;
	int st;

	(void)state;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = proc_interrupt;
	sigaction(SIGALRM, &sa, &old);
	setitimer(ITIMER_REAL, &t, NULL);
	st = proc_capture(slow, PROC_MERGE_STDERR, 60, 100, &text);
	assert_true(now_seconds() - start < 20);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	assert_string_equal(text, "");
	free(text);
	assert_int_equal(proc_interrupted, SIGALRM);
	errno = 0;
	assert_int_equal(proc_capture(sh, 0, 10, 100, &text), -1);
	assert_int_equal(errno, EINTR);
	assert_null(text);
	proc_interrupted = 0;
	sigaction(SIGALRM, &old, NULL);
}

/* ---- a validate step: the run's facts in, the report out to the observer ---- */

static struct validate_report *validated_report;
static int validated_calls;

static void
obs_validated(void *a, const struct step *s, struct validate_report *r)
{
	(void)a;
	(void)s;
	validated_calls++;
	validate_report_free(validated_report);
	validated_report = r;
}

/* The probe (ARMPY_PROBE) prints a recorded report; the step hands it to the observer, once,
 * and its verdicts come from the run's facts (here: emulated), not from detecting this
 * machine again. */
static void
test_validate_step_facts(void **state)
{
	char *dir = bnd_dir(), *probe, *fixture, *script, *jpath, *cause = NULL;
	struct plan *p = plan_new();
	struct step *s = plan_add(p, "validate", "validate", "test");
	struct facts *f = facts_new();
	struct exec_observer obs;
	struct exec_opts o;
	struct exec *e;
	const struct validate_check *c;
	int rc;

	(void)state;
	s->kind = ACTION_VALIDATE;
	s->u.validate.expect = xstrdup("openblas");
	s->u.validate.python = xstrdup("/usr/bin/python3");
	fixture = realpath("tests/fixtures/probe/debian-openblas.yaml", NULL);
	assert_non_null(fixture);
	probe = xasprintf("%s/probe.py", dir);
	script = xasprintf("import sys\nsys.stdout.write(open(\"%s\").read())\n", fixture);
	assert_int_equal(file_write_atomic(probe, script, strlen(script), 0600, &cause), 0);
	setenv("ARMPY_PROBE", probe, 1);
	f->arch = xstrdup("aarch64");
	f->emulated = 1;
	memset(&o, 0, sizeof o);
	o.facts = f;
	memset(&obs, 0, sizeof obs);
	obs.validated = obs_validated;
	e = exec_new(p, &o, &obs);
	jpath = xasprintf("%s/journal", dir);
	assert_int_equal(exec_open_root(e, jpath, &cause), 0);
	exec_set_current(e, s);
	/* the kind's execute as the step loop calls it (a whole run would lock the root /) */
	rc = action_ops_of(ACTION_VALIDATE)->execute(e, s, &cause);
	if (validated_calls != 1)
		fail_msg("execute %d: %s", rc, cause != NULL ? cause : "");
	free(cause);
	assert_non_null(validated_report);
	c = validate_find(validated_report, "speed");
	assert_non_null(c);
	assert_non_null(strstr(c->detail, "emulated"));
	exec_free(e);
	unsetenv("ARMPY_PROBE");
	validate_report_free(validated_report);
	validated_report = NULL;
	facts_free(f);
	plan_free(p);
	free(jpath);
	free(script);
	free(probe);
	free(fixture);
	bnd_rm(dir);
}

int
main(void)
{
	const struct CMUnitTest sudo_tests[] = {
		cmocka_unit_test(test_sudo_password),
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_parse),
		cmocka_unit_test(test_journal_torn),
		cmocka_unit_test(test_journal_strict),
		cmocka_unit_test(test_journal_escape),
		cmocka_unit_test(test_apt_status),
		cmocka_unit_test(test_url_policy),
		cmocka_unit_test(test_throttle),
		cmocka_unit_test(test_dpkg_status),
		cmocka_unit_test(test_sudoers_escape),
		cmocka_unit_test(test_sudo_shell_word),
		cmocka_unit_test(test_sudoers_rule),
		cmocka_unit_test(test_sudo_commands),
		cmocka_unit_test(test_step_path),
		cmocka_unit_test(test_sudo_settings),
		cmocka_unit_test(test_exec_real),
		cmocka_unit_test(test_download_part),
		cmocka_unit_test(test_log_file),
		cmocka_unit_test(test_validate_step_facts),
		cmocka_unit_test(test_spawn_not_found),
		cmocka_unit_test(test_proc_capture),
		cmocka_unit_test(test_proc_interrupt),
		cmocka_unit_test(test_root_lock),
		cmocka_unit_test(test_root_absolute),
		cmocka_unit_test(test_extract_mounts),
		cmocka_unit_test(test_extract_chains),
	};

	if (getenv("ARMPY_SUDO_TEST_PWFILE") != NULL)
		return cmocka_run_group_tests(sudo_tests, NULL, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
