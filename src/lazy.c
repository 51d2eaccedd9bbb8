/* lazy.c — dlopen of libcurl, libcrypto and libarchive on first use (see lazy.h). */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"

#define CURL_DISABLE_TYPECHECK
#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <openssl/evp.h>

#include "lazy.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

/* The lazy.h macros would rename the fields below; the table code wants the real names. */
#undef curl_global_init
#undef curl_easy_init
#undef curl_easy_cleanup
#undef curl_easy_reset
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_easy_perform
#undef curl_easy_strerror
#undef curl_free
#undef curl_url
#undef curl_url_cleanup
#undef curl_url_get
#undef curl_url_set
#undef EVP_MD_CTX_new
#undef EVP_MD_CTX_free
#undef EVP_DigestInit_ex
#undef EVP_DigestUpdate
#undef EVP_DigestFinal_ex
#undef EVP_sha256
#undef archive_entry_filetype
#undef archive_entry_hardlink
#undef archive_entry_mode
#undef archive_entry_pathname
#undef archive_entry_set_hardlink
#undef archive_entry_set_mode
#undef archive_entry_set_pathname
#undef archive_entry_size
#undef archive_entry_size_is_set
#undef archive_entry_symlink
#undef archive_error_string
#undef archive_read_data_block
#undef archive_read_free
#undef archive_read_new
#undef archive_read_next_header
#undef archive_read_open_fd
#undef archive_read_support_filter_all
#undef archive_read_support_format_all
#undef archive_read_support_format_tar
#undef archive_read_support_filter_zstd
#undef archive_write_close
#undef archive_write_data_block
#undef archive_write_disk_new
#undef archive_write_disk_set_options
#undef archive_write_disk_set_standard_lookup
#undef archive_write_finish_entry
#undef archive_write_free
#undef archive_write_header
#undef archive_write_new
#undef archive_write_set_format_pax_restricted
#undef archive_write_add_filter_zstd
#undef archive_write_open_fd
#undef archive_entry_new
#undef archive_entry_free
#undef archive_entry_set_size
#undef archive_entry_set_filetype
#undef archive_entry_set_perm
#undef archive_write_data
#undef archive_errno

struct lazy_curl lazy_curl;
struct lazy_crypto lazy_crypto;
struct lazy_archive lazy_archive;

struct lazy_sym {
	const char *name;
	size_t offset;
};

#define LAZY_ENTRY(type, name) { #name, offsetof(struct type, name) },
#define CURL_ENTRY(name) LAZY_ENTRY(lazy_curl, name)
#define CRYPTO_ENTRY(name) LAZY_ENTRY(lazy_crypto, name)
#define ARCHIVE_ENTRY(name) LAZY_ENTRY(lazy_archive, name)

static const struct lazy_sym curl_syms[] = { LAZY_CURL_SYMS(CURL_ENTRY) };
static const struct lazy_sym crypto_syms[] = { LAZY_CRYPTO_SYMS(CRYPTO_ENTRY) };
static const struct lazy_sym archive_syms[] = { LAZY_ARCHIVE_SYMS(ARCHIVE_ENTRY) };

struct lazy_lib {
	const char *what;              /* for messages: "libcurl" */
	const char *const *sonames;    /* tried in order */
	const struct lazy_sym *syms;
	size_t nsyms;
	void *table;
	int loaded;
};

static const char *const curl_names[] = { "libcurl.so.4", "libcurl-gnutls.so.4", NULL };
static const char *const crypto_names[] = { "libcrypto.so.3", "libcrypto.so.1.1", NULL };
static const char *const archive_names[] = { "libarchive.so.13", NULL };

static struct lazy_lib libs[] = {
	{ "libcurl", curl_names, curl_syms, nitems(curl_syms), &lazy_curl, 0 },
	{ "libcrypto (OpenSSL)", crypto_names, crypto_syms, nitems(crypto_syms), &lazy_crypto, 0 },
	{ "libarchive", archive_names, archive_syms, nitems(archive_syms), &lazy_archive, 0 },
};

static int
lazy_load(struct lazy_lib *l, char **cause)
{
	void *h = NULL;
	const char *name = NULL;

	if (l->loaded)
		return 0;
	for (const char *const *n = l->sonames; *n != NULL && h == NULL; n++) {
		name = *n;
		h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	}
	if (h == NULL) {
		cause_set(cause, "%s is not installed (tried %s): %s", l->what, l->sonames[0],
		    dlerror());
		return -1;
	}
	for (size_t i = 0; i < l->nsyms; i++) {
		void *f = dlsym(h, l->syms[i].name);
		if (f == NULL) {
			cause_set(cause, "%s (%s) lacks %s", l->what, name, l->syms[i].name);
			dlclose(h);
			return -1;
		}
		memcpy((char *)l->table + l->syms[i].offset, &f, sizeof f);
	}
	l->loaded = 1;
	return 0;
}

int
lazy_curl_load(char **cause)
{
	return lazy_load(&libs[0], cause);
}

int
lazy_crypto_load(char **cause)
{
	return lazy_load(&libs[1], cause);
}

int
lazy_archive_load(char **cause)
{
	return lazy_load(&libs[2], cause);
}
