/* test-bundle.c — unit tests for bundles: member names, the manifest parser (hostile input), the target check and the planner's bundle hook. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "armpy.h"
#include "bundle.h"
#include "exec.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"
#include "rootdir.h"
#include "ydoc.h"

#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void
test_path_ok(void **state)
{
	const char *good[] = { "plan.yaml", "apt/debian/pool/main/g/gcc-12/"
	    "gcc-12_12.2.0-14+deb12u1_amd64.deb", "a/b~c%3a.d", "..a", "a/.b",
	    BUNDLE_PIP_DIR "/numpy-2.2.4.tar.gz", BUNDLE_PIP_DIR "/meson_python-0.17.1-py3-none-any.whl",
	    BUNDLE_PIP_DIR "/Cython-3.0.11-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
	    NULL };
	const char *bad[] = { "", "/etc/passwd", "a/../b", "..", "../a", "./a", "a/.", "a//b",
	    "a/", "MANIFEST", "a b", "a\nb", "a\\b", "\xc3\xa4", "a/..", BUNDLE_PIP_DIR "/../x.whl",
	    BUNDLE_PIP_DIR "/a b.whl", BUNDLE_PIP_DIR "/", "/" BUNDLE_PIP_DIR "/x.whl", NULL };

	(void)state;
	for (size_t i = 0; good[i] != NULL; i++)
		assert_int_equal(bundle_path_ok(good[i], NULL), 0);
	for (size_t i = 0; bad[i] != NULL; i++) {
		char *cause = NULL;
		assert_int_equal(bundle_path_ok(bad[i], &cause), -1);
		assert_non_null(cause);
		free(cause);
	}
}

static struct bundle_manifest *
sample(void)
{
	struct bundle_manifest *m = xcalloc(1, sizeof *m);

	m->armpy_version = xstrdup("0.1.0");
	m->distro_id = xstrdup("debian");
	m->distro_version = xstrdup("12");
	m->arch = xstrdup("aarch64");
	m->cpu = xstrdup("Neoverse-N1");
	bundle_manifest_add(m, "plan.yaml", 10, SHA);
	bundle_manifest_add(m, "apt/debian/pool/main/p/p/p_1+b1_arm64.deb", 12345678901LL, SHA);
	return m;
}

static void
test_manifest_round_trip(void **state)
{
	struct bundle_manifest *m = sample(), *back;
	char *text = bundle_manifest_yaml(m), *cause = NULL;

	(void)state;
	back = bundle_manifest_parse(text, strlen(text), &cause);
	assert_non_null(back);
	assert_string_equal(back->distro_version, "12");
	assert_string_equal(back->arch, "aarch64");
	assert_int_equal(back->nfiles, 2);
	assert_string_equal(back->files[1].path, m->files[1].path);
	assert_true(back->files[1].size == 12345678901LL);
	assert_string_equal(back->files[1].sha256, SHA);
	bundle_manifest_free(back);
	bundle_manifest_free(m);
	free(text);
}

/* Each line of the sample manifest replaced by a hostile one is refused. */
static void
refused(const char *from, const char *to)
{
	struct bundle_manifest *m = sample();
	char *text = bundle_manifest_yaml(m), *at = strstr(text, from), *bad, *cause = NULL;

	assert_non_null(at);
	bad = xasprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	assert_null(bundle_manifest_parse(bad, strlen(bad), &cause));
	assert_non_null(cause);
	free(cause);
	free(bad);
	free(text);
	bundle_manifest_free(m);
}

static void
test_manifest_hostile(void **state)
{
	(void)state;
	refused("armpy_bundle: 1", "armpy_bundle: 2");
	refused("path: plan.yaml", "path: ../../etc/shadow");
	refused("path: plan.yaml", "path: /etc/shadow");
	refused("path: plan.yaml", "path: apt/debian/pool/main/p/p/p_1+b1_arm64.deb");
	refused("size: 10", "size: -1");
	refused("size: 10", "size: 99999999999999");
	refused("size: 10", "size: ten");
	refused("sha256: \"" SHA, "sha256: \"" SHA "0");
	refused("sha256: \"" SHA, "sha256: \"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef");
	refused("armpy_version", "extra: 1\narmpy_version");
	refused("cpu: Neoverse-N1}", "cpu: Neoverse-N1, x: 1}");
	refused("files:", "files: []\nother:");
}

static struct facts
mkfacts(const char *ver, const char *arch)
{
	struct facts f;

	memset(&f, 0, sizeof f);
	f.distro_id = (char *)"debian";
	f.distro_version = (char *)ver;
	f.family = FAMILY_DEBIAN;
	f.package_manager = PM_APT;
	f.arch = (char *)arch;
	f.multiarch = (char *)(strcmp(arch, "aarch64") == 0 ? "aarch64-linux-gnu" :
	    "x86_64-linux-gnu");
	f.cpu.name = (char *)"Neoverse-N1";
	f.cpu.cores = 4;
	f.page_size = 4096;
	return f;
}

static void
test_target(void **state)
{
	struct bundle_manifest *m = sample();
	struct facts here = mkfacts("12", "aarch64"), other = mkfacts("11", "aarch64");
	struct facts x86 = mkfacts("12", "x86_64");
	char *cause = NULL;

	(void)state;
	assert_int_equal(bundle_target_ok(m, &here, NULL), 0);
	assert_int_equal(bundle_target_ok(m, &other, &cause), -1);
	assert_non_null(strstr(cause, "debian 11 aarch64"));
	free(cause);
	cause = NULL;
	assert_int_equal(bundle_target_ok(m, &x86, &cause), -1);
	assert_non_null(strstr(cause, "debian 12 x86_64"));
	free(cause);
	bundle_manifest_free(m);
}

/* What is not a bundle file is refused at once with a reason: a FIFO (not waited on), a
 * device, a text file, a gzip'd tar (only what armpy writes: tar, zstd or not). */
static void
refused_file(const char *path, const char *want)
{
	struct facts here = mkfacts("12", "x86_64");
	char *cause = NULL, *plan = NULL, *profile = NULL;

	assert_null(bundle_read(path, NULL, &here, &plan, &profile, &cause));
	if (cause == NULL || strstr(cause, want) == NULL)
		fail_msg("%s: '%s', want '%s'", path, cause ? cause : "(null)", want);
	assert_null(strstr(cause, "(null)"));
	free(cause);
}

static void
test_read_not_a_file(void **state)
{
	char dir[] = "/tmp/test-bundle.XXXXXX", *fifo, *text, *gz;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fifo = xasprintf("%s/fifo", dir);
	text = xasprintf("%s/text", dir);
	gz = xasprintf("%s/x.tar.gz", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	refused_file(fifo, "not a bundle: not a regular file");
	refused_file("/dev/null", "not a bundle: not a regular file");
	assert_non_null(f = fopen(text, "w"));
	fputs("armpy_bundle: 1\n", f);
	fclose(f);
	refused_file(text, "not a bundle (");
	assert_non_null(f = fopen(gz, "w"));      /* gzip's magic, then nothing */
	fputs("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", f);
	fclose(f);
	refused_file(gz, "not a bundle (");
	unlink(fifo);
	unlink(text);
	unlink(gz);
	rmdir(dir);
	free(fifo);
	free(text);
	free(gz);
}

static const struct step *
step_of(const struct plan *p, const char *id)
{
	for (size_t i = 0; i < p->nsteps; i++)
		if (strcmp(p->steps[i].id, id) == 0)
			return &p->steps[i];
	return NULL;
}

/* The planner's hook: apt reads the bundle's sources list and lists, shown in argv; online
 * plans are unchanged. */
static void
test_plan_hook(void **state)
{
	struct facts f = mkfacts("12", "aarch64");
	struct profile *p = profile_new();
	struct plan *online, *off;
	const struct step *s;
	char *cause = NULL;

	(void)state;
	p->source = SOURCE_SYSTEM;
	p->blas.library = BLAS_BLIS;
	p->scipy = 1;
	online = plan_make(&f, p, &cause);
	off = plan_make_bundle(&f, p, BUNDLE_DIR, &cause);
	assert_non_null(online);
	assert_non_null(off);
	assert_null(step_of(online, "bundle-sources"));
	assert_false(strv_contains(step_of(online, "apt-install")->u.run.argv,
	    "Dir::State::Lists=" BUNDLE_DIR "/lists"));
	s = step_of(off, "bundle-sources");
	assert_non_null(s);
	assert_string_equal(s->u.write.path, BUNDLE_DIR BUNDLE_SOURCES_SUFFIX);
	assert_non_null(strstr(s->u.write.content, "deb [signed-by=" BUNDLE_KEYRING "] file:"
	    BUNDLE_DIR "/apt/debian bookworm main\n"));
	assert_non_null(strstr(s->u.write.content, "file:" BUNDLE_DIR
	    "/apt/debian-security bookworm-security main\n"));
	for (const char *id = "apt-update"; id != NULL; id = strcmp(id, "apt-update") == 0 ?
	    "apt-install" : NULL) {
		char *const *argv = step_of(off, id)->u.run.argv;
		assert_true(strv_contains(argv, "Dir::Etc::sourcelist=" BUNDLE_DIR BUNDLE_SOURCES_SUFFIX));
		assert_true(strv_contains(argv, "Dir::Etc::sourceparts=-"));
		assert_true(strv_contains(argv, "Dir::State::Lists=" BUNDLE_DIR "/lists"));
	}
	assert_int_equal(bundle_plan_same(off, off, NULL), 0);
	assert_int_equal(bundle_plan_same(off, online, &cause), -1);
	assert_non_null(strstr(cause, "differs"));
	free(cause);
	plan_free(online);
	plan_free(off);
	profile_free(p);
}

static struct profile *
pip_blis(void)
{
	struct profile *p = profile_new();

	p->source = SOURCE_PIP;
	p->blas.library = BLAS_BLIS;
	p->scipy = 0;
	p->pip.index_url = xstrdup("http://127.0.0.1:9/simple/");
	return p;
}

/* Every `-m pip install` step of a plan: 1 when each has want (followed by want_value unless
 * NULL) and none has unwanted; their number in *n. */
static int
pip_steps_have(const struct plan *plan, const char *want, const char *want_value,
    const char *unwanted, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < plan->nsteps; i++) {
		char **v = plan->steps[i].kind == ACTION_RUN ? plan->steps[i].u.run.argv : NULL;
		size_t j;
		if (v == NULL || strv_len(v) < 4 || strcmp(v[2], "pip") != 0 ||
		    strcmp(v[3], "install") != 0)
			continue;
		(*n)++;
		for (j = 0; v[j] != NULL && strcmp(v[j], want) != 0; j++)
			;
		if (v[j] == NULL || (want_value != NULL && (v[j + 1] == NULL ||
		    strcmp(v[j + 1], want_value) != 0)) || strv_contains(v, unwanted))
			return 0;
	}
	return 1;
}

/* From a bundle, pip reads only the bundle's pip directory (shown in argv); online, the
 * profile's index and nothing of the bundle. */
static void
test_pip_hook(void **state)
{
	struct facts f = mkfacts("12", "x86_64");
	struct profile *p = pip_blis();
	struct plan *online, *off;
	char *cause = NULL;
	size_t n_on, n_off;

	(void)state;
	f.system_python = (char *)"3.11.2";
	online = plan_make(&f, p, &cause);
	off = plan_make_bundle(&f, p, BUNDLE_DIR, &cause);
	assert_non_null(online);
	assert_non_null(off);
	assert_true(pip_steps_have(off, "--no-index", NULL, "--index-url", &n_off));
	assert_true(pip_steps_have(off, "--find-links", BUNDLE_DIR "/" BUNDLE_PIP_DIR,
	    "http://127.0.0.1:9/simple/", &n_off));
	assert_true(pip_steps_have(online, "--index-url", "http://127.0.0.1:9/simple/",
	    "--no-index", &n_on));
	assert_true(pip_steps_have(online, "--index-url", NULL, "--find-links", &n_on));
	assert_int_equal(n_on, 2);        /* pip-upgrade, pip-numpy */
	assert_int_equal(n_off, n_on);
	assert_non_null(step_of(off, "pip-numpy"));
	assert_true(strv_contains(step_of(off, "pip-numpy")->u.run.argv, "--no-binary"));
	/* the prerequisites come from the bundle's archive too */
	assert_true(strv_contains(step_of(off, "prereqs")->u.run.argv,
	    "Dir::Etc::sourcelist=" BUNDLE_DIR BUNDLE_SOURCES_SUFFIX));
	assert_false(strv_contains(step_of(online, "prereqs")->u.run.argv,
	    "Dir::Etc::sourcelist=" BUNDLE_DIR BUNDLE_SOURCES_SUFFIX));
	plan_free(online);
	plan_free(off);
	profile_free(p);
}

/* build: source from a bundle: each download step copies the bundle's file, with the online
 * step's sha256 and dest; the listing says so; the plan's YAML loads back the same, and a
 * download url outside the bundle's downloads/ is refused by the loader. */
static void
test_download_hook(void **state)
{
	struct facts f = mkfacts("12", "x86_64");
	struct profile *p = profile_new();
	struct plan *online, *off, *back;
	const char *ids[] = { "blis-download", "openblas-download", NULL };
	char *cause = NULL, *text, *bad, *at;
	struct ynode *n;

	(void)state;
	f.system_python = (char *)"3.11.2";
	f.apt_mirror = (char *)"http://127.0.0.1:9/debian";
	f.cpu.blis_config = (char *)"zen3";
	p->blas.library = BLAS_BLIS;
	p->blas.build = BUILD_SOURCE;
	p->scipy = 0;
	online = plan_make(&f, p, &cause);
	off = plan_make_bundle(&f, p, BUNDLE_DIR, &cause);
	assert_non_null(online);
	assert_non_null(off);
	for (size_t i = 0; ids[i] != NULL; i++) {
		const struct step *a = step_of(online, ids[i]), *b = step_of(off, ids[i]);
		const char *base = strrchr(a->u.download.dest, '/') + 1;
		char *want = xasprintf(BUNDLE_DIR "/" BUNDLE_DOWNLOADS_DIR "/%s", base);
		assert_true(str_startswith(a->u.download.url, "http"));
		assert_string_equal(b->u.download.url, want);
		assert_int_equal(bundle_download_path_ok(b->u.download.url, NULL), 0);
		assert_string_equal(b->u.download.sha256, a->u.download.sha256);
		assert_string_equal(b->u.download.dest, a->u.download.dest);
		assert_non_null(strstr(b->title, "(from the bundle)"));
		assert_null(strstr(a->title, "bundle"));
		free(want);
	}
	text = plan_to_yaml(off);
	n = ydoc_parse(text, strlen(text), "plan.yaml", &cause);
	assert_non_null(n);
	back = plan_from_node(n, "plan.yaml", &cause);
	assert_non_null(back);
	assert_int_equal(bundle_plan_same(back, off, NULL), 0);
	ynode_free(n);
	plan_free(back);
	at = strstr(text, BUNDLE_DIR "/" BUNDLE_DOWNLOADS_DIR "/");
	assert_non_null(at);
	bad = xasprintf("%.*s/etc/shadow%s", (int)(at - text), text, at + strcspn(at, " \n"));
	n = ydoc_parse(bad, strlen(bad), "plan.yaml", &cause);
	assert_non_null(n);
	assert_null(plan_from_node(n, "plan.yaml", &cause));
	assert_non_null(strstr(cause, "a file of the bundle"));
	free(cause);
	ynode_free(n);
	free(bad);
	free(text);
	plan_free(online);
	plan_free(off);
	profile_free(p);
}

static void
dl_write(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* Runs a download of url into /in/f in root; exec_run's result. */
static int
dl_run(const char *root, const char *url, const char *sha)
{
	struct plan *p = plan_new();
	struct step *s = plan_add(p, "dl", "dl", "test");
	struct exec_opts o;
	struct exec *e;
	char *cause = NULL;
	int rc;

	p->target = xstrdup("test");
	s->kind = ACTION_DOWNLOAD;
	s->u.download.url = xstrdup(url);
	s->u.download.sha256 = xstrdup(sha);
	s->u.download.dest = xstrdup("/in/f");
	memset(&o, 0, sizeof o);
	o.root = root;
	e = exec_new(p, &o, NULL);
	rc = exec_run(e, &cause);
	free(cause);
	exec_free(e);
	plan_free(p);
	return rc;
}

/* act-download from a bundle: the file copied inside the root with the sha256 check; a wrong
 * sha256, a symlink (to a file outside the bundle) and a path out of downloads/ copy nothing. */
static void
test_download_local(void **state)
{
	char *dir = xstrdup("/tmp/armpy-test-bundle-XXXXXX"), *root, *dl, *dest, *secret, *text;
	char *state_dir, *tmp, sha[65], other[65];
	const char *url = BUNDLE_DIR "/" BUNDLE_DOWNLOADS_DIR "/f.tar.gz";
	const char *link = BUNDLE_DIR "/" BUNDLE_DOWNLOADS_DIR "/g.tar.gz";
	long long size;
	struct stat st;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	root = xasprintf("%s/root", dir);
	dl = xasprintf("%s%s", root, BUNDLE_DIR "/" BUNDLE_DOWNLOADS_DIR);
	dest = xasprintf("%s/in/f", root);
	secret = xasprintf("%s/secret", root);       /* in the root, outside the bundle */
	state_dir = xasprintf("%s/state", dir);
	setenv("ARMPY_STATE_DIR", state_dir, 1);
	assert_int_equal(mkdir_p(dl, 0755, NULL), 0);
	tmp = xasprintf("%s/f.tar.gz", dl);
	dl_write(tmp, "the source\n");
	assert_int_equal(bundle_sha256_file(tmp, &size, sha, NULL), 0);
	free(tmp);
	dl_write(secret, "outside the bundle\n");
	assert_int_equal(bundle_sha256_file(secret, &size, other, NULL), 0);
	tmp = xasprintf("%s/g.tar.gz", dl);
	assert_int_equal(symlink("../../../../../secret", tmp), 0);
	free(tmp);

	assert_int_not_equal(dl_run(root, url, other), 0);       /* the wrong sha256 */
	assert_int_not_equal(lstat(dest, &st), 0);
	tmp = xasprintf("%s.part", dest);
	assert_int_not_equal(lstat(tmp, &st), 0);
	free(tmp);
	assert_int_not_equal(dl_run(root, link, other), 0);      /* not followed */
	assert_int_not_equal(lstat(dest, &st), 0);
	assert_int_not_equal(dl_run(root, BUNDLE_DIR "/" BUNDLE_DOWNLOADS_DIR "/../../../../../"
	    "secret", other), 0);
	assert_int_not_equal(lstat(dest, &st), 0);
	assert_int_not_equal(dl_run(root, "/secret", other), 0);  /* a file, not the bundle's */
	assert_int_not_equal(lstat(dest, &st), 0);
	assert_int_equal(dl_run(root, url, sha), 0);
	text = file_read(dest, 100, NULL, NULL);
	assert_non_null(text);
	assert_string_equal(text, "the source\n");
	free(text);
	unsetenv("ARMPY_STATE_DIR");
	tmp = strrchr(dir, '/');
	*tmp = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(rootdir_rm_rf(fd, tmp + 1, tmp + 1, NULL), 0);
	close(fd);
	free(state_dir);
	free(secret);
	free(dest);
	free(dl);
	free(root);
	free(dir);
}

/* A loopback HTTP/1.0 server (a child, *pid) answering every request with body; its port. */
static int
srv_start(const char *body, pid_t *pid)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), c;
	char req[4096], *head;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	if ((*pid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);    /* a failed test does not leave it behind */
		alarm(60);
		head = xasprintf("HTTP/1.0 200 OK\r\nContent-Length: %zu\r\n\r\n%s", strlen(body),
		    body);
		while ((c = accept(fd, NULL, NULL)) >= 0) {
			if (read(c, req, sizeof req) > 0 && write_all(c, head, strlen(head)) != 0)
				_exit(1);
			close(c);
		}
		_exit(0);
	}
	close(fd);
	return ntohs(a.sin_port);
}

/* A plan of one download step "dl" from url with sha. */
static struct plan *
dl_plan(const char *url, const char *sha)
{
	struct plan *p = plan_new();
	struct step *s = plan_add(p, "dl", "dl", "test");

	s->kind = ACTION_DOWNLOAD;
	s->u.download.url = xstrdup(url);
	s->u.download.sha256 = xstrdup(sha);
	s->u.download.dest = xstrdup("/opt/f.tar.gz");
	return p;
}

/* bundle_downloads_fetch of one step from url pinned to sha; its result. */
static int
fetch_one(const char *url, const char *sha, const char *work, struct bundle_manifest *m,
    char **cause)
{
	struct plan *on = dl_plan(url, sha), *off;
	size_t n = 0;
	int rc;

	off = dl_plan(BUNDLE_DIR "/" BUNDLE_DOWNLOADS_DIR "/f.tar.gz", sha);
	rc = bundle_downloads_fetch(on, off, NULL, work, m, &n, cause);
	assert_int_equal(n, rc == 0 ? 1 : 0);
	plan_free(on);
	plan_free(off);
	return rc;
}

/* bundle_downloads_fetch: with libcurl from the online step's url (a loopback server) into
 * work/downloads, kept only with the bundle plan's sha256 (a wrong one leaves nothing), and a
 * url the download policy refuses (file:) fetches nothing. */
static void
test_downloads_fetch(void **state)
{
	char *work = xstrdup("/tmp/armpy-test-bundle-XXXXXX"), *url, *path, *part, *text;
	char *cause = NULL, sha[65];
	struct bundle_manifest *m = xcalloc(1, sizeof *m);
	struct stat st;
	long long size;
	pid_t pid;
	int port = srv_start("the BLIS source\n", &pid);

	(void)state;
	setenv("ARMPY_DOWNLOAD_RETRIES", "0", 1);
	assert_non_null(mkdtemp(work));
	path = xasprintf("%s/" BUNDLE_DOWNLOADS_DIR "/f.tar.gz", work);
	part = xasprintf("%s.part", path);
	url = xasprintf("http://127.0.0.1:%d/f.tar.gz", port);
	assert_int_equal(fetch_one(url, SHA, work, m, &cause), -1);     /* not its sha256 */
	assert_non_null(strstr(cause, "sha256 mismatch"));
	assert_int_not_equal(lstat(path, &st), 0);
	assert_int_not_equal(lstat(part, &st), 0);
	assert_int_equal(m->nfiles, 0);
	free(cause);
	cause = NULL;
	assert_int_equal(fetch_one("file:///etc/passwd", SHA, work, m, &cause), -1);
	assert_non_null(strstr(cause, "refused"));
	free(cause);
	cause = NULL;
	dl_write(part, "the BLIS source\n");       /* the sha256 to pin, then a fresh start */
	assert_int_equal(bundle_sha256_file(part, &size, sha, NULL), 0);
	unlink(part);
	proc_interrupted = SIGTERM;            /* armpy bundle's signal stops the transfer */
	assert_int_equal(fetch_one(url, sha, work, m, &cause), -1);
	assert_non_null(strstr(cause, "interrupted"));
	assert_int_not_equal(lstat(path, &st), 0);
	assert_int_equal(m->nfiles, 0);
	proc_interrupted = 0;
	free(cause);
	cause = NULL;
	unlink(part);                          /* kept for a resume, as after a run's signal */
	if (fetch_one(url, sha, work, m, &cause) != 0)
		fail_msg("%s", cause);
	text = file_read(path, 100, NULL, NULL);
	assert_string_equal(text, "the BLIS source\n");
	assert_int_equal(m->nfiles, 1);
	assert_string_equal(m->files[0].path, BUNDLE_DOWNLOADS_DIR "/f.tar.gz");
	assert_string_equal(m->files[0].sha256, sha);
	assert_int_equal(m->files[0].size, 16);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	rmdir(work);
	unsetenv("ARMPY_DOWNLOAD_RETRIES");
	bundle_manifest_free(m);
	free(text);
	free(url);
	free(part);
	free(path);
	free(work);
}

static void
supported_not(struct profile *p, const struct facts *f, const char *why)
{
	char *cause = NULL;

	assert_int_equal(bundle_supported(p, f, &cause), -1);
	assert_non_null(strstr(cause, "no test has run this"));
	assert_non_null(strstr(cause, why));
	free(cause);
}

static void
test_supported(void **state)
{
	struct facts f = mkfacts("12", "x86_64"), old = mkfacts("11", "aarch64");
	struct profile *p = profile_new();
	char *cause = NULL;

	(void)state;
	p->source = SOURCE_SYSTEM;
	assert_int_equal(bundle_supported(p, &f, NULL), 0);
	assert_int_equal(bundle_supported(p, &old, &cause), -1);
	assert_non_null(strstr(cause, "no test has run this"));
	free(cause);
	cause = NULL;
	p->source = SOURCE_PIP;           /* OpenBLAS with pthreads: its flavour untested */
	p->blas.library = BLAS_OPENBLAS;
	p->blas.threading = THREADING_PTHREADS;
	supported_not(p, &f, "threading: openmp");
	p->blas.library = BLAS_NVPL;
	supported_not(p, &f, "library: blis or openblas");
	p->blas.library = BLAS_OPENBLAS;
	p->source = SOURCE_CONDA;
	supported_not(p, &f, "conda");
	p->source = SOURCE_SYSTEM;
	p->blas.build = BUILD_SOURCE;
	supported_not(p, &f, "build: source");
	profile_free(p);

	p = pip_blis();                    /* what tests/bundle installs offline */
	assert_int_equal(bundle_supported(p, &f, NULL), 0);
	p->blas.library = BLAS_OPENBLAS;   /* and with OpenMP OpenBLAS */
	p->blas.threading = THREADING_OPENMP;
	assert_int_equal(bundle_supported(p, &f, NULL), 0);
	p->blas.library = BLAS_BLIS;
	supported_not(p, &old, "Debian 12");
	p->scipy = 1;
	supported_not(p, &f, "scipy: false");
	p->scipy = 0;
	p->extras = 1;
	supported_not(p, &f, "without extras");
	p->extras = 0;
	free(p->python);
	p->python = xstrdup("3.12");
	supported_not(p, &f, "python: system");
	profile_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_ok),
		cmocka_unit_test(test_manifest_round_trip),
		cmocka_unit_test(test_manifest_hostile),
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_plan_hook),
		cmocka_unit_test(test_pip_hook),
		cmocka_unit_test(test_download_hook),
		cmocka_unit_test(test_download_local),
		cmocka_unit_test(test_downloads_fetch),
		cmocka_unit_test(test_supported),
		cmocka_unit_test(test_read_not_a_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
