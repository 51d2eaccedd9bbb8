/* bundle-pip.c — the wheels and sdists a plan's pip steps install, downloaded with this machine's pip for the target's platform and Python, with the build requirements of each sdist. */
/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "armpy.h"
#include "bundle.h"
#include "facts.h"
#include "plan.h"

#define PIP_TIMEOUT 3600

/*
 * Run with this machine's /usr/bin/python3 as `python3 -c PROG DEST PYVER PLATFORM
 * [--index-url URL] [--no-binary NAMES]... -- REQ...`, for one pip step of the bundle's plan. Each requirement
 * is looked up with pip's own finder (pip's configuration, PIP_INDEX_URL, the profile's
 * --index-url; the target's platform and Python): a wheel is left to `pip download
 * --only-binary :all:` (which resolves its dependencies as wheels for the target); an sdist
 * (the step's --no-binary, or no wheel for the target) is fetched as the finder names it, its
 * sha256 checked against the index's, and the requirements of its [build-system] (PEP 518) are
 * downloaded as wheels the same way: pip's build isolation installs them from --find-links at
 * install time. `pip download` itself is not used for an sdist: it prepares the sdist's
 * metadata, which for meson-python (NumPy's backend) builds the whole wheel on this machine.
 */
static const char pip_prog[] =
"import hashlib, io, os, re, subprocess, sys, tarfile, zipfile\n"
"from pip._internal.commands import create_command\n"
"from pip._internal.cli.cmdoptions import make_target_python\n"
"from pip._vendor.packaging.requirements import Requirement\n"
"dest, pyver, plat = sys.argv[1:4]\n"
"rest = sys.argv[4:]\n"
"opts, reqs = rest[:rest.index('--')], rest[rest.index('--') + 1:]\n"
"norm = lambda n: re.sub(r'[-_.]+', '-', n).lower()\n"
"index, nobin = [], set()\n"
"for k, v in zip(opts[::2], opts[1::2]):\n"
"    if k == '--index-url':\n"
"        index = [k, v]\n"
"    elif k == '--no-binary':\n"
"        nobin |= {norm(x) for x in v.split(',')}\n"
"    else:\n"
"        sys.exit('unknown option ' + k)\n"
"target = ['--platform', plat, '--python-version', pyver, '--implementation', 'cp',\n"
"          '--abi', 'cp' + pyver.replace('.', '')]\n"
"cmd = create_command('download')\n"
"def log(*a):\n"
"    print(*a, file=sys.stderr, flush=True)\n"
"def download(reqs):\n"
"    if reqs:\n"
"        argv = [sys.executable, '-m', 'pip', 'download', '--disable-pip-version-check',\n"
"                '--no-input', '--only-binary', ':all:', '-d', dest] + target + index + reqs\n"
"        log('+', ' '.join(argv))\n"
"        subprocess.run(argv, check=True, stdout=sys.stderr)\n"
"def best(req, source):\n"
"    o, _ = cmd.parse_args(target + index + (['--no-binary', ':all:'] if source else []) + [req])\n"
"    r = Requirement(req)\n"
"    with cmd.main_context():\n"
"        s = cmd.get_default_session(o)\n"
"        f = cmd._build_package_finder(options=o, session=s, target_python=make_target_python(o))\n"
"        c = f.find_best_candidate(r.name, r.specifier).best_candidate\n"
"        if c is None:\n"
"            sys.exit('no %s of %s for Python %s on %s in the index' % ('sdist' if source else\n"
"                     'wheel or sdist', req, pyver, plat))\n"
"        if c.link.is_wheel:\n"
"            return None\n"
"        log('+ the sdist', c.link.filename, 'from', c.link.url_without_fragment)\n"
"        resp = s.get(c.link.url_without_fragment)\n"
"        resp.raise_for_status()\n"
"        data = resp.content\n"
"    if c.link.hash_name == 'sha256' and hashlib.sha256(data).hexdigest() != c.link.hash:\n"
"        sys.exit('%s: its sha256 is not the one the index says' % c.link.filename)\n"
"    name = os.path.basename(c.link.filename)\n"
"    with open(os.path.join(dest, name + '.part'), 'wb') as fh:\n"
"        fh.write(data)\n"
"    os.replace(os.path.join(dest, name + '.part'), os.path.join(dest, name))\n"
"    return name, data\n"
"def build_requires(name, data):\n"
"    text = None\n"
"    if name.endswith('.zip'):\n"
"        z = zipfile.ZipFile(io.BytesIO(data))\n"
"        top = [n for n in z.namelist() if n.count('/') == 1 and n.endswith('/pyproject.toml')]\n"
"        text = z.read(top[0]) if top else None\n"
"    else:\n"
"        t = tarfile.open(fileobj=io.BytesIO(data))\n"
"        top = [m for m in t.getmembers() if m.name.count('/') == 1 and\n"
"               m.name.endswith('/pyproject.toml')]\n"
"        text = t.extractfile(top[0]).read() if top else None\n"
"    try:\n"
"        import tomllib\n"
"    except ImportError:\n"
"        from pip._vendor import tomli as tomllib\n"
"    bs = tomllib.loads(text.decode()).get('build-system', {}) if text else {}\n"
"    need = bs.get('requires', ['setuptools>=40.8.0', 'wheel'])\n"
"    log('+ %s builds with %s' % (name, ', '.join(need) or 'nothing'))\n"
"    return need\n"
"wheels, build = [], []\n"
"for r in reqs:\n"
"    got = best(r, ':all:' in nobin or norm(Requirement(r).name) in nobin)\n"
"    if got is None:\n"
"        wheels.append(r)\n"
"    else:\n"
"        build += [b for b in build_requires(*got) if b not in build]\n"
"download(wheels)\n"
"download(build)\n";

/* Whether s is a `PY -m pip install ...` step. */
static int
pip_step(const struct step *s)
{
	char **v = s->kind == ACTION_RUN ? s->u.run.argv : NULL;

	return v != NULL && strv_len(v) > 4 && strcmp(v[1], "-m") == 0 &&
	    strcmp(v[2], "pip") == 0 && strcmp(v[3], "install") == 0;
}

/* The Python version (major.minor, new) the plan's venv is made with, from the target's facts;
 * NULL when the facts do not say. */
static char *
pip_python(const struct plan *plan, const struct facts *f)
{
	const char *interp = NULL, *ver = NULL;
	char *mm, *dot;

	for (size_t i = 0; i < plan->nsteps && interp == NULL; i++) {
		if (strcmp(plan->steps[i].id, "venv") == 0 && plan->steps[i].kind == ACTION_RUN)
			interp = plan->steps[i].u.run.argv[0];
	}
	for (int i = 0; interp != NULL && ver == NULL && i < f->npythons; i++) {
		if (strcmp(f->pythons[i].path, interp) == 0)
			ver = f->pythons[i].version;
	}
	if (ver == NULL && interp != NULL && strcmp(interp, "/usr/bin/python3") == 0)
		ver = f->system_python;
	if (ver == NULL || (dot = strchr(ver, '.')) == NULL)
		return NULL;
	mm = xstrdup(ver);
	if ((dot = strchr(mm + (dot - ver) + 1, '.')) != NULL)
		*dot = '\0';
	return mm;
}

/* The helper's argv for one pip step (the bundle plan's argv: --no-index and --find-links
 * dropped, the profile's index given instead). */
static char **
pip_argv(const struct step *s, const char *dest, const char *pyver, const char *platform,
    const char *index_url)
{
	char **in = s->u.run.argv, **v, **reqs = strv_new();

	v = strv_pushl(strv_new(), "/usr/bin/python3", "-c", pip_prog, dest, pyver, platform,
	    NULL);
	if (index_url != NULL)
		v = strv_pushl(v, "--index-url", index_url, NULL);
	for (size_t i = 4; in[i] != NULL; i++) {
		if ((strcmp(in[i], "--find-links") == 0 || strcmp(in[i], "--index-url") == 0) &&
		    in[i + 1] != NULL)
			i++;
		else if (strcmp(in[i], "--no-binary") == 0 && in[i + 1] != NULL) {
			v = strv_pushl(v, in[i], in[i + 1], NULL);
			i++;
		} else if (in[i][0] != '-')
			reqs = strv_push(reqs, in[i]);
	}
	v = strv_append(strv_push(v, "--"), reqs);
	strv_free(reqs);
	return v;
}

/* Runs argv (freed), its output copied to stderr as it comes (progress); the end of it in
 * *cause when it fails. */
static int
pip_run(char **argv, const char *id, char **cause)
{
	char *text;
	int st = proc_capture(argv, PROC_MERGE_STDERR | PROC_ECHO, PIP_TIMEOUT,
	    1500, &text);

	strv_free(argv);
	if (st < 0) {
		cause_set(cause, "/usr/bin/python3 (for pip): %s", strerror(errno));
		return -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		cause_set(cause, "the files of step '%s' could not be downloaded with this machine's "
		    "pip (/usr/bin/python3 -m pip, which must be installed): %s", id, str_trim(text));
	free(text);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Every file pip left in work/pip, in name order, added to m as pip/NAME. */
static int
pip_take(const char *work, struct bundle_manifest *m, size_t *nfiles, char **cause)
{
	char *dir = xasprintf("%s/" BUNDLE_PIP_DIR, work), *path, *rel, hex[65];
	struct dirent **names = NULL;
	long long size;
	struct stat st;
	int n = scandir(dir, &names, NULL, alphasort), rc = 0;

	if (n < 0) {
		cause_set(cause, "%s: %s", dir, strerror(errno));
		rc = -1;
	}
	for (int i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]->d_name);
		rel = xasprintf(BUNDLE_PIP_DIR "/%s", names[i]->d_name);
		if (rc == 0 && names[i]->d_name[0] != '.' && lstat(path, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			if (bundle_path_ok(rel, cause) != 0 ||
			    bundle_sha256_file(path, &size, hex, cause) != 0)
				rc = -1;
			else {
				bundle_manifest_add(m, rel, size, hex);
				(*nfiles)++;
			}
		}
		free(rel);
		free(path);
		free(names[i]);
	}
	free(names);
	free(dir);
	return rc;
}

int
bundle_pip_fetch(const struct plan *plan, const struct facts *f, const char *index_url,
    const char *work, struct bundle_manifest *m, size_t *nfiles, char **cause)
{
	char *dest = xasprintf("%s/" BUNDLE_PIP_DIR, work), *pyver = NULL, *platform = NULL;
	const char *glibc = bundle_glibc(f);
	int rc = -1, any = 0;

	*nfiles = 0;
	for (size_t i = 0; i < plan->nsteps; i++)
		any |= pip_step(&plan->steps[i]);
	if (!any) {
		free(dest);
		return 0;
	}
	if ((pyver = pip_python(plan, f)) == NULL || glibc == NULL) {
		cause_set(cause, "the target's %s is not known: its pip files cannot be chosen",
		    pyver == NULL ? "Python version (its facts name no python for the venv)" :
		    "C library version");
		goto out;
	}
	platform = xasprintf("manylinux_%s_%s", glibc, f->arch);
	if (mkdir_p(dest, 0755, cause) != 0)
		goto out;
	for (size_t i = 0; i < plan->nsteps; i++) {
		const struct step *s = &plan->steps[i];
		if (!pip_step(s))
			continue;
		fprintf(stderr, "armpy bundle: the files of step '%s' for Python %s on %s, with this "
		    "machine's pip\n", s->id, pyver, platform);
		if (pip_run(pip_argv(s, dest, pyver, platform, index_url), s->id, cause) != 0)
			goto out;
	}
	rc = pip_take(work, m, nfiles, cause);
out:
	free(platform);
	free(pyver);
	free(dest);
	return rc;
}
