/* cmd-bundle.c — `armpy bundle --profile FILE [--facts FACTS.yaml] -o FILE`: one verified file holding what a machine without internet needs. */
/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "armpy.h"
#include "bundle.h"
#include "cmd.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"
#include "rootdir.h"

struct bmake {
	const char *out;
	struct profile *p;
	struct facts *f;
	struct plan *plan;
	char *mirror, *security;
	char *work;                 /* the work directory (absolute) */
	struct bundle_manifest *m;
	struct plan *online;        /* the same plan made for the network: the downloads' URLs */
	size_t npip, ndl;           /* files under pip/ and downloads/ */
	char *cause;
};

/* Every package the plan's apt steps install (their dpkg checks name them). */
static char **
bm_packages(const struct plan *plan)
{
	char **v = strv_new();

	for (size_t i = 0; i < plan->nsteps; i++) {
		const struct step *s = &plan->steps[i];
		if (s->kind == ACTION_RUN && s->check.kind == CHECK_DPKG &&
		    strcmp(s->id, "apt-update") != 0)
			v = strv_append_new(v, s->check.packages);
	}
	return v;
}

/* A text file of the bundle written into the work directory and added to the manifest. */
static int
bm_text(struct bmake *b, const char *name, char *text)
{
	char *path = xasprintf("%s/%s", b->work, name), hex[65];
	long long size;
	int rc = file_write_atomic(path, text, strlen(text), 0644, &b->cause);

	if (rc == 0 && (rc = bundle_sha256_file(path, &size, hex, &b->cause)) == 0)
		bundle_manifest_add(b->m, name, size, hex);
	free(text);
	free(path);
	return rc;
}

/* The first http(s) URL in text whose path ends in /debian-security (new), or NULL: one-line
 * and deb822 sources alike (a word of the line). */
static char *
bm_security_in(const char *text)
{
	const char *p = text;

	while (p != NULL && (p = strstr(p, "http")) != NULL) {
		size_t n = strcspn(p, " \t\n]\"'");
		char *url = xstrndup(p, n);
		while (n > 1 && url[n - 1] == '/')
			url[--n] = '\0';
		if ((str_startswith(url, "https://") || str_startswith(url, "http://")) &&
		    str_endswith(url, "/debian-security"))
			return url;
		free(url);
		p += n;
	}
	return NULL;
}

/* Debian's security archive in this machine's apt sources (new), or NULL. */
static char *
bm_security_here(void)
{
	const char *const files[] = { "/etc/apt/sources.list", "/etc/apt/sources.list.d", NULL };
	char *found = NULL, *text, *path;
	struct dirent **names = NULL;
	int n;

	text = file_read(files[0], 1 << 20, NULL, NULL);
	if (text != NULL)
		found = bm_security_in(text);
	free(text);
	n = scandir(files[1], &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (found == NULL && names[i]->d_name[0] != '.' &&
		    (str_endswith(names[i]->d_name, ".list") ||
		    str_endswith(names[i]->d_name, ".sources"))) {
			path = xasprintf("%s/%s", files[1], names[i]->d_name);
			if ((text = file_read(path, 1 << 20, NULL, NULL)) != NULL)
				found = bm_security_in(text);
			free(text);
			free(path);
		}
		free(names[i]);
	}
	free(names);
	return found;
}

/* The mirrors the packages come from: --mirror and --security-mirror, else this machine's apt
 * sources. */
static int
bm_mirror(struct bmake *b, const char *given, const char *security)
{
	struct detect_opts d;
	struct facts *here;

	if (given != NULL)
		b->mirror = xstrdup(given);
	else {
		memset(&d, 0, sizeof d);
		d.no_probe = 1;
		here = facts_new();
		if (facts_detect(here, &d, &b->cause) == 0 && here->apt_mirror != NULL)
			b->mirror = xstrdup(here->apt_mirror);
		facts_free(here);
	}
	b->security = security != NULL ? xstrdup(security) : bm_security_here();
	if (b->mirror != NULL && b->security != NULL)
		return 0;
	cause_set(&b->cause, "no Debian %s in this machine's apt sources; name it with %s URL",
	    b->mirror == NULL ? "mirror" : "security archive", b->mirror == NULL ? "--mirror" :
	    "--security-mirror");
	return -1;
}

/* The work directory beside the output (the .debs are large; one filesystem). */
static int
bm_workdir(struct bmake *b)
{
	char *dir = xstrdup(b->out), *slash = strrchr(dir, '/'), *tmpl;

	if (slash != NULL)
		*slash = '\0';
	tmpl = xasprintf("%s/.armpy-bundle-XXXXXX", slash != NULL ? (*dir ? dir : "/") : ".");
	free(dir);
	if (mkdtemp(tmpl) == NULL) {
		cause_set(&b->cause, "%s: %s", tmpl, strerror(errno));
		free(tmpl);
		return -1;
	}
	/* absolute: apt's Dir options and the manifest's moves take it from any directory */
	b->work = realpath(tmpl, NULL);
	if (b->work == NULL) {
		cause_set(&b->cause, "%s: %s", tmpl, strerror(errno));
		rmdir(tmpl);
	}
	free(tmpl);
	return b->work != NULL ? 0 : -1;
}

static void
bm_cleanup(struct bmake *b)
{
	char *dir, *slash;

	if (b->work == NULL)
		return;
	dir = xstrdup(b->work);
	slash = strrchr(dir, '/');
	*slash = '\0';
	{
		int dfd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			rootdir_rm_rf(dfd, slash + 1, b->work, NULL);
			close(dfd);
		}
	}
	free(dir);
}

static void
bm_summary(const struct bmake *b, char *const *pkgs)
{
	long long debs = 0, index = 0, pip = 0, dl = 0;
	size_t ndebs = 0;

	for (size_t i = 0; i < b->m->nfiles; i++) {
		const struct bundle_file *bf = &b->m->files[i];
		if (str_endswith(bf->path, ".deb"))
			debs += bf->size, ndebs++;
		else if (strstr(bf->path, "/dists/") != NULL)
			index += bf->size;
		else if (str_startswith(bf->path, BUNDLE_PIP_DIR "/"))
			pip += bf->size;
		else if (str_startswith(bf->path, BUNDLE_DOWNLOADS_DIR "/"))
			dl += bf->size;
	}
	printf("armpy bundle: wrote %s for %s (%s)\n", b->out, b->plan->target, b->m->cpu);
	printf("  %zu .deb files, %.1f MB (the %zu packages the plan installs and what a minimal "
	    "installation lacks for them)\n", ndebs, debs / 1e6, strv_len(pkgs));
	printf("  the archive's signed index (InRelease, Packages): %.1f MB uncompressed\n",
	    index / 1e6);
	if (b->npip > 0)
		printf("  %zu wheels and sdists for pip, %.1f MB (what the plan's pip steps install, "
		    "and the build requirements of each sdist)\n", b->npip, pip / 1e6);
	if (b->ndl > 0)
		printf("  %zu files of download steps, %.1f MB (each with the sha256 its step is "
		    "pinned to)\n", b->ndl, dl / 1e6);
	printf("  plan.yaml, profile.yaml, facts.yaml and MANIFEST (%zu files, sha256 each)\n",
	    b->m->nfiles);
}

static int
bm_build(struct bmake *b)
{
	char **pkgs = bm_packages(b->plan);
	int rc = -1;

	fprintf(stderr, "armpy bundle: resolving %zu packages for %s with a private apt "
	    "configuration from %s and %s\n", strv_len(pkgs), b->plan->target, b->mirror,
	    b->security);
	if (bm_workdir(b) == 0 && bm_text(b, "plan.yaml", plan_to_yaml(b->plan)) == 0 &&
	    bm_text(b, "profile.yaml", profile_to_yaml(b->p)) == 0 &&
	    bm_text(b, "facts.yaml", facts_to_yaml(b->f)) == 0 &&
	    bundle_apt_fetch(b->f, b->mirror, b->security, pkgs, b->work, b->m, &b->cause) == 0 &&
	    bundle_pip_fetch(b->plan, b->f, b->p->pip.index_url, b->work, b->m, &b->npip,
	    &b->cause) == 0 &&
	    bundle_downloads_fetch(b->online, b->plan, b->p->mirrors, b->work, b->m, &b->ndl,
	    &b->cause) == 0 &&
	    bundle_write(b->out, b->work, b->m, &b->cause) == 0) {
		bm_summary(b, pkgs);
		rc = 0;
	}
	bm_cleanup(b);
	strv_free(pkgs);
	return rc;
}

static int
bm_prepare(struct bmake *b, struct args *a)
{
	struct detect_opts d;
	const char *facts = args_get(a, "--facts");

	memset(&d, 0, sizeof d);
	args_detect(a, &d);
	if ((b->p = profile_load(args_get(a, "--profile"), &b->cause)) == NULL ||
	    (b->f = plan_facts(facts, &d, &b->cause)) == NULL ||
	    bundle_supported(b->p, b->f, &b->cause) != 0 || bm_mirror(b, args_get(a, "--mirror"),
	    args_get(a, "--security-mirror")))
		return -1;
	if ((b->plan = plan_make_bundle(b->f, b->p, BUNDLE_DIR, &b->cause)) == NULL ||
	    (b->online = plan_make(b->f, b->p, &b->cause)) == NULL)
		return -1;
	b->m = xcalloc(1, sizeof *b->m);
	b->m->armpy_version = xstrdup(ARMPY_VERSION);
	b->m->distro_id = xstrdup(b->f->distro_id);
	b->m->distro_version = xstrdup(b->f->distro_version);
	b->m->arch = xstrdup(b->f->arch);
	b->m->cpu = xstrdup(b->f->cpu.name != NULL ? b->f->cpu.name : "unknown");
	return 0;
}

/* SIGINT, SIGTERM and SIGHUP stop the command running and what follows; the work directory
 * and the partial bundle are removed, and armpy dies of the signal. Ignored ones (nohup) stay
 * ignored. */
static void
bm_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = proc_interrupt;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < nitems(sigs); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

/* Dies of the signal that interrupted the bundle, after saying so (the shell's status). */
static void
bm_die(void)
{
	int sig = proc_interrupted;

	fprintf(stderr, "armpy bundle: interrupted by %s: no bundle written, its work directory "
	    "removed\n", sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP");
	signal(sig, SIG_DFL);
	raise(sig);
	exit(128 + sig);
}

static int
bundle_exec(struct args *a)
{
	struct bmake b;
	int rc;

	memset(&b, 0, sizeof b);
	b.out = args_get(a, "--output");
	bm_signals();
	rc = bm_prepare(&b, a) == 0 && bm_build(&b) == 0 ? EXIT_OK : EXIT_USAGE;
	if (rc != EXIT_OK && proc_interrupted)
		bm_die();
	if (rc != EXIT_OK)
		fprintf(stderr, "armpy bundle: %s\n", b.cause != NULL ? b.cause : "failed");
	free(b.cause);
	free(b.work);
	free(b.mirror);
	free(b.security);
	bundle_manifest_free(b.m);
	plan_free(b.plan);
	plan_free(b.online);
	facts_free(b.f);
	profile_free(b.p);
	return rc;
}

static const struct args_opt bundle_opts[] = {
	{ "--profile", 0, "FILE", ARGS_REQUIRED, "the saved profile to install on the target" },
	{ "--facts", 0, "FACTS.yaml", 0, "the target's facts (armpy detect > FACTS.yaml there); "
	    "default: this machine (or --root DIR)" },
	{ "--output", 'o', "FILE", ARGS_REQUIRED, "the bundle to write (atomically)" },
	{ "--mirror", 0, "URL", 0, "the Debian mirror the packages come from (default: the one "
	    "of this machine's apt sources)" },
	{ "--security-mirror", 0, "URL", 0, "Debian's security archive (default: the one of this "
	    "machine's apt sources)" },
	{ NULL, 0, NULL, 0, NULL },
};

const struct cmd_entry cmd_bundle_entry = {
	.args = { "bundle", bundle_opts, 1, NULL, 0, 0 },
	.summary = "write one file with what a machine without internet needs to install a "
	    "profile",
	.help = "On a connected machine: plans the profile for the target's facts and writes one\n"
	    "file holding the plan, the profile, the facts, every package the plan installs\n"
	    "(with what a minimal installation of the release lacks for them), the archive's\n"
	    "signed index, and a manifest with each file's size and sha256. Install it on the\n"
	    "target with armpy --profile FILE --bundle BUNDLE (no network needed).\n",
	.notes = "Bundles are made for Debian 12 with source: system (build: packages), and\n"
	    "source: pip with library: blis, or openblas with threading: openmp (NumPy built\n"
	    "from its sdist, no SciPy, no extras; its wheels and sdists are downloaded with\n"
	    "this machine's /usr/bin/python3 -m pip from the index pip would use, for the\n"
	    "target's platform and Python): every other combination is refused, because no\n"
	    "test has installed it from a bundle yet.\n"
	    "Exit status: 0 written, 2 refused or failed (the reason on stderr), 128+N killed by\n"
	    "signal N (SIGINT, SIGTERM, SIGHUP): the running apt-get or pip is stopped, and\n"
	    "neither the work directory nor a partial bundle is left.\n",
	.exec = bundle_exec,
};
