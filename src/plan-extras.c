/* plan-extras.c — the optional packages (Pillow, pandas, PyTorch, DGL, sentencepiece, Morfeusz) per install method; the pip step is in plan-pip.c. */
/* SPDX-License-Identifier: MIT */
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
