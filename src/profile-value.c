/* profile-value.c — patterns for profile values that reach commands: names, paths, URLs, hosts. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "profile.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PROFILE_MAX_PATH 4095
#define PROFILE_MAX_URL 2048

/* --- characters --- */

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* --- names --- */

int
valid_python_version(const char *s)
{
	size_t n;

	if (s == NULL)
		return 0;
	if (strcmp(s, "2.7") == 0)
		return 1;
	if (s[0] != '3' || s[1] != '.')
		return 0;
	n = strlen(s + 2);
	if (n < 1 || n > 2 || !is_digit(s[2]) || (n == 2 && !is_digit(s[3])))
		return 0;
	return 1;
}

/* s starts with a letter or digit, then letters, digits and extra, at most max in all. */
static int
valid_word(const char *s, const char *extra, size_t max)
{
	size_t n;

	if (s == NULL || !is_alnum((unsigned char)s[0]))
		return 0;
	for (n = 0; s[n] != '\0'; n++)
		if (!is_alnum((unsigned char)s[n]) && strchr(extra, s[n]) == NULL)
			return 0;
	return n <= max;
}

int
valid_package_name(const char *s)
{
	return valid_word(s, "._+-", 128);
}

int
valid_name(const char *s)
{
	return valid_word(s, "._-", 64);
}

int
valid_sha256(const char *s)
{
	size_t n;

	if (s == NULL)
		return 0;
	for (n = 0; s[n] != '\0'; n++)
		if (!is_hex((unsigned char)s[n]))
			return 0;
	return n == 64;
}

/* --- paths --- */

/* The characters of a path, and its start (/ or ~/); NULL when fine (profile.h). */
const char *
path_chars_problem(const char *s)
{
	if (s == NULL || *s == '\0')
		return "a path cannot be empty";
	if (strlen(s) > PROFILE_MAX_PATH)
		return "longer than 4095 characters";
	if (s[0] == '~' && s[1] != '/')
		return "must start with / or ~/ (~user is not supported)";
	if (s[0] != '~' && s[0] != '/')
		return "must be absolute (start with /) or start with ~/";
	for (const char *c = s; *c != '\0'; c++) {
		unsigned char ch = (unsigned char)*c;
		if (ch < 0x20 || ch == 0x7f)
			return "control characters are not allowed";
		if (ch == ' ' || ch == '\t')
			return "spaces are not allowed";
		if (strchr(";|&$`\\'\"<>(){}[]*?!#^", ch) != NULL)
			return "shell metacharacters are not allowed";
		if (!is_alnum(ch) && strchr("/._+@,=:%-~", ch) == NULL)
			return "only letters, digits and / . _ + @ , = : % - are allowed";
		if (ch == '~' && c != s)
			return "~ is only allowed as the first character";
		if ((c == s || c[-1] == '/') && c[0] == '.' && c[1] == '.' &&
		    (c[2] == '/' || c[2] == '\0'))
			return "'..' components are not allowed";
	}
	return NULL;
}

char *
path_normalise(const char *s)
{
	struct buf b;
	const char *c = s;
	size_t n;

	buf_init(&b);
	if (*c == '~')
		buf_add(&b, c++, 1);
	while (*c != '\0') {
		c += strspn(c, "/");
		n = strcspn(c, "/");
		if (n == 0)
			break;
		if (n != 1 || c[0] != '.') {
			buf_puts(&b, "/");
			buf_add(&b, c, n);
		}
		c += n;
	}
	if (b.len == 0)
		buf_puts(&b, "/");
	return buf_steal(&b);
}

/* Trees that belong to the system (the package manager, the kernel, the boot loader): nothing
 * is installed anywhere inside them. /usr/local is the exception, see path_system_tree. */
static const char *const system_trees[] = {
	"/bin", "/boot", "/dev", "/etc", "/lib", "/lib.usr-is-merged", "/lib32", "/lib64",
	"/libexec", "/libx32", "/lost+found", "/proc", "/run", "/sbin", "/snap",
	"/sys", "/usr", "/var/lib/apt", "/var/lib/dnf", "/var/lib/dpkg", "/var/lib/rpm",
	"/var/lock", "/var/run", "~/.gnupg", "~/.ssh",
};

/* Directories shared by other software: a venv or a prefix goes in a directory of its own
 * below them, never into one of them itself. */
static const char *const shared_dirs[] = {
	"/home", "/media", "/mnt", "/opt", "/root", "/srv", "/usr/local",
	"/usr/local/bin", "/usr/local/etc", "/usr/local/games", "/usr/local/include",
	"/usr/local/lib", "/usr/local/lib64", "/usr/local/libexec", "/usr/local/man",
	"/usr/local/sbin", "/usr/local/share", "/usr/local/src", "/var", "/var/backups",
	"/var/cache", "/var/lib", "/var/local", "/var/log", "/var/mail", "/var/opt",
	"/var/spool", "~/.cache", "~/.config", "~/.local", "~/.local/bin",
	"~/.local/lib", "~/.local/share", "~/bin",
};

/* 1 when path is dir or below it (both normalised). */
static int
path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The system tree holding the normalised path, or NULL. */
static const char *
path_system_tree(const char *norm)
{
	if (path_within(norm, "/usr/local"))
		return NULL;
	for (size_t i = 0; i < nitems(system_trees); i++)
		if (path_within(norm, system_trees[i]))
			return system_trees[i];
	return NULL;
}

/* World-writable trees: another user could plant a symlink where armpy, as root, installs. */
static const char *const world_trees[] = { "/tmp", "/var/tmp" };

/* Where the normalised path points is refused: a system tree or a shared directory. */
static const char *
path_place_problem(const char *norm, unsigned flags, char *why, size_t whylen)
{
	const char *tree;

	if (strcmp(norm, "/") == 0 || strcmp(norm, "~") == 0)
		return "must name a directory below / or ~/, not the root or home itself";
	if ((flags & PATH_INSTALL_PREFIX) && strcmp(norm, "/usr/local") == 0)
		return NULL;
	for (size_t i = 0; i < nitems(world_trees); i++)
		if (path_within(norm, world_trees[i]))
			return "/tmp and /var/tmp are writable by every user, who could plant a "
			    "symlink where armpy (as root) installs; choose a directory such as "
			    "/opt/armpy";
	if ((tree = path_system_tree(norm)) != NULL && strcmp(norm, tree) == 0)
		snprintf(why, whylen, "%s is a system directory (the distribution's, the "
		    "kernel's, or keys), never a place to install; choose a directory of its own "
		    "such as /opt/armpy", tree);
	else if (tree != NULL)
		snprintf(why, whylen, "it is below %s, a system directory (the distribution's, "
		    "the kernel's, or keys) and never a place to install; choose a directory of "
		    "its own such as /opt/armpy", tree);
	for (size_t i = 0; tree == NULL && i < nitems(shared_dirs); i++)
		if (strcmp(norm, shared_dirs[i]) == 0)
			snprintf(why, whylen, "%s is shared with other software; choose a "
			    "directory of its own below it, such as %s/armpy", norm, norm);
	return why[0] != '\0' ? why : NULL;
}

const char *
path_problem(const char *s, unsigned flags, char *why, size_t whylen)
{
	const char *r;
	char *norm;

	if ((r = path_chars_problem(s)) != NULL)
		return r;
	why[0] = '\0';
	norm = path_normalise(s);
	r = path_place_problem(norm, flags, why, whylen);
	free(norm);
	return r;
}

int
valid_path(const char *s)
{
	char why[256];

	return path_problem(s, PATH_INSTALL_PREFIX, why, sizeof why) == NULL;
}

/* --- hosts --- */

/* A strict dotted quad (a.b.c.d, each 0-255, no leading zeros); 0 when it is one. */
static int
ipv4_parse(const char *s, size_t len, unsigned char addr[4])
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		size_t start;
		unsigned v = 0;

		if (part > 0 && (i >= len || s[i++] != '.'))
			return -1;
		start = i;
		while (i < len && is_digit((unsigned char)s[i]) && i - start < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return -1;
		addr[part] = (unsigned char)v;
	}
	return i == len ? 0 : -1;
}

/* The last label is all digits or 0x...: a resolver would read the name as an address. */
static int
name_looks_numeric(const char *s, size_t len)
{
	size_t start = len;

	while (start > 0 && s[start - 1] != '.')
		start--;
	if (len - start > 2 && s[start] == '0' && (s[start + 1] == 'x' || s[start + 1] == 'X'))
		return 1;
	for (size_t i = start; i < len; i++)
		if (!is_digit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* An RFC 1123 host name of len characters; NULL when fine. */
static const char *
name_problem(const char *s, size_t len)
{
	size_t label = 0;

	if (len > 253)
		return "the host name is longer than 253 characters";
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%')
			return "the host cannot be %-encoded";
		if (!is_alnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
			return "the host may hold only letters, digits, '.' and '-'";
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return "the host is not a valid name (an empty label, or one ending "
				    "in '-')";
			label = 0;
		} else if ((s[i] == '-' && label == 0) || ++label > 63)
			return "the host is not a valid name (a label starting with '-', or "
			    "longer than 63)";
	}
	if (label == 0 || s[len - 1] == '-')
		return "the host is not a valid name (an empty label, or one ending in '-')";
	if (name_looks_numeric(s, len))
		return "a numeric host must be a dotted quad a.b.c.d (each 0-255, no leading "
		    "zeros)";
	return NULL;
}

/* "[IPv6]" of len characters; NULL when fine. */
static const char *
ipv6_problem(const char *s, size_t len, unsigned char addr[16])
{
	char text[64];

	if (len < 4 || s[len - 1] != ']')
		return "an IPv6 address must be closed with ]";
	if (len - 2 >= sizeof text || strspn(s + 1, "0123456789abcdefABCDEF:.") < len - 2)
		return "not an IPv6 address (zone ids and IPvFuture are not supported)";
	memcpy(text, s + 1, len - 2);
	text[len - 2] = '\0';
	if (inet_pton(AF_INET6, text, addr) != 1)
		return "not an IPv6 address";
	return NULL;
}

/* ":PORT" of len characters, 1..65535 without leading zeros; the port or 0 when bad. */
static long
port_parse(const char *s, size_t len)
{
	long v = 0;

	if (len < 2 || len > 6 || s[0] != ':' || s[1] == '0')
		return 0;
	for (size_t i = 1; i < len; i++) {
		if (!is_digit((unsigned char)s[i]))
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v <= 65535 ? v : 0;
}

const char *
host_parse(const char *s, size_t len, struct url_host *h)
{
	const char *r, *sep;
	size_t hlen;

	memset(h, 0, sizeof *h);
	if (len == 0)
		return "no host";
	if (memchr(s, '@', len) != NULL)
		return "credentials in URLs are not allowed (use pip's or conda's own config)";
	if (s[0] == '[') {
		sep = memchr(s, ']', len);
		hlen = sep != NULL ? (size_t)(sep - s) + 1 : len;
		h->kind = HOST_IPV6;
		r = ipv6_problem(s, hlen, h->addr);
	} else {
		sep = memchr(s, ':', len);
		hlen = sep != NULL ? (size_t)(sep - s) : len;
		if (sep != NULL && memchr(sep + 1, ':', len - hlen - 1) != NULL)
			return "an IPv6 address must be written in brackets, [2001:db8::1]";
		if (hlen == 0)
			return "no host";
		h->kind = HOST_IPV4;
		r = NULL;
		if (ipv4_parse(s, hlen, h->addr) != 0) {
			h->kind = HOST_NAME;
			r = name_problem(s, hlen);
		}
	}
	if (r != NULL)
		return r;
	if (hlen >= sizeof h->host)
		return "the host is too long";
	memcpy(h->host, s, hlen);
	h->host[hlen] = '\0';
	if (hlen < len && (h->port = port_parse(s + hlen, len - hlen)) == 0)
		return "the port must be :1 to :65535 (digits only, no leading zeros)";
	return NULL;
}

int
valid_host(const char *s)
{
	struct url_host h;

	return s != NULL && host_parse(s, strlen(s), &h) == NULL;
}

int
host_loopback(const struct url_host *h)
{
	static const unsigned char v6[16] = { [15] = 1 };

	switch (h->kind) {
	case HOST_NAME:
		return strcasecmp(h->host, "localhost") == 0;
	case HOST_IPV4:
		return h->addr[0] == 127;
	case HOST_IPV6:
		return memcmp(h->addr, v6, sizeof v6) == 0;
	}
	return 0;
}

int
host_same(const struct url_host *a, const struct url_host *b)
{
	if (a->kind != b->kind)
		return 0;
	if (a->kind == HOST_NAME)
		return strcasecmp(a->host, b->host) == 0;
	return memcmp(a->addr, b->addr, a->kind == HOST_IPV4 ? 4 : 16) == 0;
}

/* --- URLs --- */

/* The characters of a URL after its scheme; auth is where the authority ends. */
static const char *
url_chars_problem(const char *s, const char *auth, const char *auth_end)
{
	for (const char *c = s; *c != '\0'; c++) {
		unsigned char ch = (unsigned char)*c;
		if (ch < 0x20 || ch >= 0x7f)
			return "control or non-ASCII characters are not allowed (use %-escapes)";
		if (ch == ' ')
			return "spaces are not allowed (use %20)";
		if ((ch == '[' || ch == ']') && c >= auth && c < auth_end)
			continue;       /* an IPv6 literal host */
		if (!is_alnum(ch) && strchr("/._~%+=,:@?-", ch) == NULL)
			return "shell metacharacters, quotes and brackets are not allowed";
		if (ch == '%' && c >= auth_end && (!is_hex((unsigned char)c[1]) ||
		    !is_hex((unsigned char)c[2])))
			return "a % must start a %XX escape of two hex digits";
	}
	return NULL;
}

const char *
url_parse(const char *s, struct url_host *h, int *https)
{
	const char *p, *end, *r;

	if (s == NULL || *s == '\0')
		return "a URL cannot be empty";
	if (strlen(s) > PROFILE_MAX_URL)
		return "longer than 2048 characters";
	if (strncmp(s, "https://", 8) == 0) {
		p = s + 8;
		*https = 1;
	} else if (strncmp(s, "http://", 7) == 0) {
		p = s + 7;
		*https = 0;
	} else
		return "only http:// and https:// URLs are allowed";
	end = p + strcspn(p, "/?#\\");
	if ((r = url_chars_problem(s, p, end)) != NULL)
		return r;
	return host_parse(p, (size_t)(end - p), h);
}

int
valid_url(const char *s)
{
	struct url_host h;
	int https;

	return url_parse(s, &h, &https) == NULL;
}
