/* sha256.c — a file's sha256 (EVP, libcrypto loaded on first use), in lower-case hex. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "exec-int.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lazy.h"

void
sha256_hex(const unsigned char *md, unsigned int n, char out[65])
{
	for (unsigned int i = 0; i < n && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

/* Feeds fd, from offset 0, into the digest. */
int
sha256_update_fd(EVP_MD_CTX *md, int fd, char **cause)
{
	static char buf[1 << 16];
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0) {
		cause_set(cause, "lseek: %s", strerror(errno));
		return -1;
	}
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			cause_set(cause, "read: %s", strerror(errno));
			return -1;
		}
		EVP_DigestUpdate(md, buf, n);
	}
	return 0;
}

int
sha256_fd(int fd, const char *shown, char out[65], char **cause)
{
	EVP_MD_CTX *md;
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dn;
	int rc = -1;

	if (lazy_crypto_load(cause) != 0)
		return -1;
	md = EVP_MD_CTX_new();
	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	    sha256_update_fd(md, fd, cause) == 0 &&
	    EVP_DigestFinal_ex(md, d, &dn) == 1) {
		sha256_hex(d, dn, out);
		rc = 0;
	} else if (cause != NULL && *cause != NULL) {
		char *c = xasprintf("%s: %s", shown, *cause);
		free(*cause);
		*cause = c;
	}
	EVP_MD_CTX_free(md);
	return rc;
}
