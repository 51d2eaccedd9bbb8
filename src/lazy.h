/* lazy.h — libcurl, libcrypto and libarchive loaded with dlopen on first use, not at start-up. */
/* SPDX-License-Identifier: MIT */
#ifndef LAZY_H
#define LAZY_H

/*
 * Linking the network and archive stacks costs ~40 shared libraries at every start (15 ms and
 * several MiB of RSS before main), which the wizard and --dry-run never use. Files that call
 * these libraries include this header AFTER the library's own header; the macros below turn
 * each call into a call through a table that lazy_*_load() fills on first use.
 *
 * Contract: call lazy_curl_load() / lazy_crypto_load() / lazy_archive_load() before the first
 * call into that library; it returns -1 with *cause naming the missing library or symbol.
 * Loading twice is a no-op. The tables are process-wide and never unloaded.
 */

int lazy_curl_load(char **cause);
int lazy_crypto_load(char **cause);
int lazy_archive_load(char **cause);

#define LAZY_CURL_SYMS(X) \
	X(curl_global_init) X(curl_easy_init) X(curl_easy_cleanup) X(curl_easy_reset) \
	X(curl_easy_setopt) X(curl_easy_getinfo) X(curl_easy_perform) X(curl_easy_strerror) \
	X(curl_free) X(curl_url) X(curl_url_cleanup) X(curl_url_get) X(curl_url_set)

#define LAZY_CRYPTO_SYMS(X) \
	X(EVP_MD_CTX_new) X(EVP_MD_CTX_free) X(EVP_DigestInit_ex) X(EVP_DigestUpdate) \
	X(EVP_DigestFinal_ex) X(EVP_sha256)

#define LAZY_ARCHIVE_SYMS(X) \
	X(archive_entry_filetype) X(archive_entry_hardlink) X(archive_entry_mode) \
	X(archive_entry_pathname) X(archive_entry_set_hardlink) X(archive_entry_set_mode) \
	X(archive_entry_set_pathname) X(archive_entry_size) X(archive_entry_size_is_set) \
	X(archive_entry_symlink) X(archive_error_string) X(archive_read_data_block) \
	X(archive_read_free) X(archive_read_new) X(archive_read_next_header) \
	X(archive_read_open_fd) X(archive_read_support_filter_all) \
	X(archive_read_support_format_all) X(archive_read_support_format_tar) \
	X(archive_read_support_filter_zstd) X(archive_write_close) X(archive_write_data_block) \
	X(archive_write_disk_new) X(archive_write_disk_set_options) \
	X(archive_write_disk_set_standard_lookup) X(archive_write_finish_entry) \
	X(archive_write_free) X(archive_write_header) \
	X(archive_write_new) X(archive_write_set_format_pax_restricted) \
	X(archive_write_add_filter_zstd) X(archive_write_open_fd) X(archive_entry_new) \
	X(archive_entry_free) X(archive_entry_set_size) X(archive_entry_set_filetype) \
	X(archive_entry_set_perm) X(archive_write_data) X(archive_errno)

#define LAZY_FIELD(name) __typeof__(name) *name;

#ifdef CURLINC_CURL_H
/* curl.h wraps these two in function-like macros (type checks); calls go through the table. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
struct lazy_curl { LAZY_CURL_SYMS(LAZY_FIELD) };
extern struct lazy_curl lazy_curl;
#define curl_global_init (lazy_curl.curl_global_init)
#define curl_easy_init (lazy_curl.curl_easy_init)
#define curl_easy_cleanup (lazy_curl.curl_easy_cleanup)
#define curl_easy_reset (lazy_curl.curl_easy_reset)
#define curl_easy_setopt (lazy_curl.curl_easy_setopt)
#define curl_easy_getinfo (lazy_curl.curl_easy_getinfo)
#define curl_easy_perform (lazy_curl.curl_easy_perform)
#define curl_easy_strerror (lazy_curl.curl_easy_strerror)
#define curl_free (lazy_curl.curl_free)
#define curl_url (lazy_curl.curl_url)
#define curl_url_cleanup (lazy_curl.curl_url_cleanup)
#define curl_url_get (lazy_curl.curl_url_get)
#define curl_url_set (lazy_curl.curl_url_set)
#endif

#ifdef OPENSSL_EVP_H
struct lazy_crypto { LAZY_CRYPTO_SYMS(LAZY_FIELD) };
extern struct lazy_crypto lazy_crypto;
#define EVP_MD_CTX_new (lazy_crypto.EVP_MD_CTX_new)
#define EVP_MD_CTX_free (lazy_crypto.EVP_MD_CTX_free)
#define EVP_DigestInit_ex (lazy_crypto.EVP_DigestInit_ex)
#define EVP_DigestUpdate (lazy_crypto.EVP_DigestUpdate)
#define EVP_DigestFinal_ex (lazy_crypto.EVP_DigestFinal_ex)
#define EVP_sha256 (lazy_crypto.EVP_sha256)
#endif

#ifdef ARCHIVE_H_INCLUDED
struct lazy_archive { LAZY_ARCHIVE_SYMS(LAZY_FIELD) };
extern struct lazy_archive lazy_archive;
#define archive_entry_filetype (lazy_archive.archive_entry_filetype)
#define archive_entry_hardlink (lazy_archive.archive_entry_hardlink)
#define archive_entry_mode (lazy_archive.archive_entry_mode)
#define archive_entry_pathname (lazy_archive.archive_entry_pathname)
#define archive_entry_set_hardlink (lazy_archive.archive_entry_set_hardlink)
#define archive_entry_set_mode (lazy_archive.archive_entry_set_mode)
#define archive_entry_set_pathname (lazy_archive.archive_entry_set_pathname)
#define archive_entry_size (lazy_archive.archive_entry_size)
#define archive_entry_size_is_set (lazy_archive.archive_entry_size_is_set)
#define archive_entry_symlink (lazy_archive.archive_entry_symlink)
#define archive_error_string (lazy_archive.archive_error_string)
#define archive_errno (lazy_archive.archive_errno)
#define archive_read_data_block (lazy_archive.archive_read_data_block)
#define archive_read_free (lazy_archive.archive_read_free)
#define archive_read_new (lazy_archive.archive_read_new)
#define archive_read_next_header (lazy_archive.archive_read_next_header)
#define archive_read_open_fd (lazy_archive.archive_read_open_fd)
#define archive_read_support_filter_all (lazy_archive.archive_read_support_filter_all)
#define archive_read_support_format_all (lazy_archive.archive_read_support_format_all)
#define archive_read_support_format_tar (lazy_archive.archive_read_support_format_tar)
#define archive_read_support_filter_zstd (lazy_archive.archive_read_support_filter_zstd)
#define archive_write_close (lazy_archive.archive_write_close)
#define archive_write_data_block (lazy_archive.archive_write_data_block)
#define archive_write_disk_new (lazy_archive.archive_write_disk_new)
#define archive_write_disk_set_options (lazy_archive.archive_write_disk_set_options)
#define archive_write_disk_set_standard_lookup (lazy_archive.archive_write_disk_set_standard_lookup)
#define archive_write_finish_entry (lazy_archive.archive_write_finish_entry)
#define archive_write_free (lazy_archive.archive_write_free)
#define archive_write_header (lazy_archive.archive_write_header)
#define archive_write_new (lazy_archive.archive_write_new)
#define archive_write_set_format_pax_restricted (lazy_archive.archive_write_set_format_pax_restricted)
#define archive_write_add_filter_zstd (lazy_archive.archive_write_add_filter_zstd)
#define archive_write_open_fd (lazy_archive.archive_write_open_fd)
#define archive_entry_new (lazy_archive.archive_entry_new)
#define archive_entry_free (lazy_archive.archive_entry_free)
#define archive_entry_set_size (lazy_archive.archive_entry_set_size)
#define archive_entry_set_filetype (lazy_archive.archive_entry_set_filetype)
#define archive_entry_set_perm (lazy_archive.archive_entry_set_perm)
#define archive_write_data (lazy_archive.archive_write_data)
#endif

#endif
