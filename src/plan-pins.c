/* plan-pins.c — the pinned source tarballs and installers (never an invented hash: each cites its source). */
#include <string.h>

#include "plan-pins.h"

static const struct pin pins[] = {
	/* Debian bookworm's BLIS 0.9.0-1: the sha256 is the one listed for blis_0.9.0.orig.tar.gz
	 * in Checksums-Sha256 of blis_0.9.0-1.dsc (bookworm main, fetched with apt-get source). */
	{ "blis", "0.9.0",
	  "https://deb.debian.org/debian/pool/main/b/blis/blis_0.9.0.orig.tar.gz",
	  "1135f664be7355427b91025075562805cdc6cc730d3173f83533b2c5dcc2f308",
	  "blis_0.9.0.orig.tar.gz", "blis-0.9.0",
	  "Debian bookworm blis_0.9.0-1.dsc Checksums-Sha256" },
	/* Upstream OpenBLAS 0.3.21 (the version bookworm ships). Not Debian's +ds tarball: that one
	 * excludes lapack-netlib/ (Files-Excluded in debian/copyright), and the guide builds
	 * OpenBLAS to provide LAPACK. The sha256 is spack's builtin openblas package.py pin for 0.3.21. */
	{ "openblas", "0.3.21",
	  "https://github.com/OpenMathLib/OpenBLAS/releases/download/v0.3.21/OpenBLAS-0.3.21.tar.gz",
	  "f36ba3d7a60e7c8bcc54cd9aaa9b1223dd42eaf02c811791c37e8ca707c241ca",
	  "OpenBLAS-0.3.21.tar.gz", "OpenBLAS-0.3.21",
	  "spack builtin packages/openblas/package.py version 0.3.21" },
	/* Miniforge 25.3.0-3: hashes as pinned by the Nebari docker images (Dockerfile ENV
	 * MINIFORGE_VERSION=25.3.0-3, MINIFORGE_AARCH64_SHA256 / MINIFORGE_X86_64_SHA256), which
	 * download releases/download/$VERSION/Miniforge3-Linux-$arch.sh. */
	{ "miniforge-aarch64", "25.3.0-3",
	  "https://github.com/conda-forge/miniforge/releases/download/25.3.0-3/Miniforge3-Linux-aarch64.sh",
	  "ac89f17b0eec4e98d38a53d1ae688e0f22c77d8ea5b5f008c2455e90ef095339",
	  "Miniforge3-25.3.0-3-Linux-aarch64.sh", NULL,
	  "nebari-docker-images Dockerfile (MINIFORGE_AARCH64_SHA256)" },
	{ "miniforge-x86_64", "25.3.0-3",
	  "https://github.com/conda-forge/miniforge/releases/download/25.3.0-3/Miniforge3-Linux-x86_64.sh",
	  "1b57f8cb991982063f79b56176881093abb1dc76d73fda32102afde60585b5a1",
	  "Miniforge3-25.3.0-3-Linux-x86_64.sh", NULL,
	  "nebari-docker-images Dockerfile (MINIFORGE_X86_64_SHA256)" },
};

const struct pin *
pin_find(const char *name)
{
	for (size_t i = 0; i < sizeof pins / sizeof pins[0]; i++) {
		if (strcmp(pins[i].name, name) == 0)
			return &pins[i];
	}
	return NULL;
}
