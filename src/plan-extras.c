/* plan-extras.c — the optional packages (Pillow, pandas, PyTorch, DGL, sentencepiece, Morfeusz) per route. */
#include <stdlib.h>
#include <string.h>

#include "plan-int.h"

/* Extras no route plans, with the reason. */
static int
extras_refused(struct pctx *c)
{
	unsigned x = c->p->extras;

	if (x & EXTRA_DGL)
		return pc_refuse(c, "extras: dgl -- " GUIDE_NAME " installs DGL from source "
		    "('follow the install from source instructions', github.com/dmlc/dgl); armpy "
		    "has no pinned, sha256-verified DGL source to plan; drop dgl and install it by "
		    "hand after armpy");
	if (x & EXTRA_MORFEUSZ)
		return pc_refuse(c, "extras: morfeusz -- the source tarball in " GUIDE_NAME ", "
		    "http://download.sgjp.pl/morfeusz/20200913/morfeusz-src-20200913.tar.gz is "
		    "plain http with no published sha256, and armpy never downloads without a "
		    "verified sha256; drop morfeusz and build it by hand (" GUIDE_NAME ": cmake .. "
		    "&& make install)");
	return 0;
}

static void
note_sentencepiece(struct pctx *c)
{
	plan_note(c->plan, "sentencepiece: " GUIDE_NAME ": 'Before calling any python script or "
	    "starting python, one of the libraries need to be set as preload'; the BLAS settings "
	    "script exports LD_PRELOAD of libtcmalloc_minimal.so.4");
}

int
extras_system(struct pctx *c, char ***pkgs)
{
	unsigned x = c->p->extras;
	enum distro_family fam = c->f->family;

	*pkgs = NULL;
	if (extras_refused(c) != 0)
		return -1;
	if (x & EXTRA_PYTORCH)
		return pc_refuse(c, "extras: pytorch -- " GUIDE_NAME " installs PyTorch with pip "
		    "('pip install --pre torch ...'); with source: system armpy installs only "
		    "distro packages; use source: pip or source: conda");
	if ((x & EXTRA_SENTENCEPIECE) && fam != FAMILY_DEBIAN)
		return pc_refuse(c, "extras: sentencepiece -- not packaged for %s's python3; use "
		    "source: pip", c->plan->target);
	if ((x & EXTRA_PANDAS) && fam == FAMILY_RHEL)
		return pc_refuse(c, "extras: pandas -- not in %s's BaseOS/AppStream for python3; "
		    "use source: pip (" GUIDE_NAME ": a source build can take about 20 minutes)",
		    c->plan->target);
	if (x & EXTRA_PILLOW) {
		*pkgs = strv_push(*pkgs, fam == FAMILY_DEBIAN ? "python3-pil" :
		    fam == FAMILY_RHEL ? "python3-pillow" : fam == FAMILY_SUSE ? "python3-Pillow" :
		    "py3-pillow");
	}
	if (x & EXTRA_PANDAS)
		*pkgs = strv_push(*pkgs, fam == FAMILY_ALPINE ? "py3-pandas" : "python3-pandas");
	if (x & EXTRA_SENTENCEPIECE) {
		*pkgs = strv_pushl(*pkgs, "python3-sentencepiece", "libtcmalloc-minimal4", NULL);
		note_sentencepiece(c);
	}
	if (x & EXTRA_PILLOW)
		plan_note(c->plan, "pillow: " GUIDE_NAME ": 'Pillow 8.x or later have a binary "
		    "wheel for all Arm64 platforms, included OSes with 64kB pages'");
	return 0;
}

int
extras_pip(struct pctx *c, char ***names, char ***prereqs)
{
	unsigned x = c->p->extras;
	int deb = c->f->family == FAMILY_DEBIAN;

	*names = NULL;
	*prereqs = NULL;
	if (extras_refused(c) != 0)
		return -1;
	if (x & EXTRA_PILLOW)
		*names = strv_push(*names, "pillow");
	if (x & EXTRA_PANDAS) {
		*names = strv_push(*names, "pandas");
		plan_note(c->plan, "pandas: " GUIDE_NAME ": 'For some large packages (i.e. pandas) "
		    "it may take up to 20 minutes' when pip has to build from source");
	}
	if (x & EXTRA_PYTORCH) {
		/* the guide: 'pip install --pre torch torchvision' */
		*names = strv_pushl(*names, "torch", "torchvision", NULL);
	}
	if (x & EXTRA_SENTENCEPIECE) {
		*names = strv_push(*names, "sentencepiece");
		*prereqs = strv_push(*prereqs, "cmake");
		*prereqs = strv_push(*prereqs, deb ? "libgoogle-perftools-dev" : "gperftools-devel");
		if (!deb)
			plan_note(c->plan, "sentencepiece: gperftools-devel comes from EPEL on some "
			    "RHEL releases; enable EPEL if the prerequisites step cannot find it");
		note_sentencepiece(c);
	}
	return 0;
}

int
extras_conda(struct pctx *c, char ***names)
{
	unsigned x = c->p->extras;

	*names = NULL;
	if (extras_refused(c) != 0)
		return -1;
	if (x & EXTRA_PILLOW)
		*names = strv_push(*names, "pillow");
	if (x & EXTRA_PANDAS)
		*names = strv_push(*names, "pandas");
	if (x & EXTRA_PYTORCH) {
		*names = strv_pushl(*names, "pytorch", "torchvision", NULL);
	}
	if (x & EXTRA_SENTENCEPIECE) {
		*names = strv_push(*names, "sentencepiece");
		plan_note(c->plan, "sentencepiece: conda-forge's build; " GUIDE_NAME " preloads "
		    "libtcmalloc_minimal.so.4 (LD_PRELOAD) for its own cmake build, which conda does "
		    "not use, so no LD_PRELOAD is set");
	}
	return 0;
}

/* The pip step for the extras, in the venv. */
int
pc_pip_extras(struct pctx *c)
{
	char **names = NULL, **pre = NULL, **argv;
	struct buf why;
	struct step *s;
	char *mods;

	if (extras_pip(c, &names, &pre) != 0)
		return -1;
	strv_free(pre);
	if (names == NULL)
		return 0;
	argv = strv_append(pc_pip_install_argv(c), names);
	buf_init(&why);
	buf_puts(&why, "the extras chosen in the profile, into the venv (PEP 668)");
	if (c->p->extras & EXTRA_PILLOW)
		buf_puts(&why, "; " GUIDE_NAME ": 'Pillow 8.x or later have a binary wheel for all "
		    "Arm64 platforms, included OSes with 64kB pages'");
	if (c->p->extras & EXTRA_PANDAS)
		buf_puts(&why, "; " GUIDE_NAME ": pandas source builds 'may take up to 20 minutes'");
	if (c->p->extras & EXTRA_PYTORCH)
		buf_puts(&why, "; " GUIDE_NAME ": 'pip install --pre torch torchvision -f "
		    "https://download.pytorch.org/whl/nightly/cpu/torch_nightly.html' -- that "
		    "nightly index is historic; current aarch64 torch and torchvision wheels are on "
		    "PyPI");
	if (c->p->extras & EXTRA_SENTENCEPIECE)
		buf_puts(&why, "; " GUIDE_NAME ": sentencepiece is built with cmake and needs "
		    "libtcmalloc_minimal preloaded -- PyPI now has aarch64 wheels");
	s = pc_runv(c, "pip-extras", "Install the extras with pip", why.data, 0,
	    (c->p->extras & EXTRA_PANDAS) ? 1200 : 300, argv);
	buf_free(&why);
	mods = strv_join(names, ", ");
	/* import names differ from distribution names */
	{
		char **imp = NULL;

		for (size_t i = 0; names[i] != NULL; i++)
			imp = strv_push(imp, strcmp(names[i], "pillow") == 0 ? "PIL" : names[i]);
		free(mods);
		mods = strv_join(imp, ", ");
		strv_free(imp);
	}
	step_check_import(s, c->pyuser, mods);
	free(mods);
	strv_free(names);
	return 0;
}
