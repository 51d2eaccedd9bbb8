/* apt.c — apt's output read: is an argv apt, a lock wait, a Status-Fd progress line. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "exec-int.h"

#include <stdlib.h>
#include <string.h>

int
apt_is_apt(char *const *argv)
{
	const char *b;

	if (argv == NULL || argv[0] == NULL)
		return 0;
	b = strrchr(argv[0], '/');
	b = b != NULL ? b + 1 : argv[0];
	return strcmp(b, "apt-get") == 0 || strcmp(b, "apt") == 0;
}

int
apt_is_lock_wait(const char *line)
{
	return strstr(line, "Waiting for cache lock") != NULL ||
	    strstr(line, "Could not get lock") != NULL ||
	    strstr(line, "Unable to acquire the dpkg frontend lock") != NULL ||
	    strstr(line, "Unable to lock the administration directory") != NULL;
}

int
apt_status_parse(const char *line, double *fraction, char **detail)
{
	int dl;
	const char *p, *f;

	if (str_startswith(line, "dlstatus:"))
		dl = 1;
	else if (str_startswith(line, "pmstatus:"))
		dl = 0;
	else
		return -1;
	p = strchr(line, ':') + 1;
	/* pkg[:arch]:percent:message — the percent is the first field that is a number */
	for (f = strchr(p, ':'); f != NULL; f = strchr(f + 1, ':')) {
		char *end;
		double v;
		if (f[1] == '\0')
			break;
		v = strtod(f + 1, &end);
		if (end != f + 1 && *end == ':') {
			if (v < 0)
				v = 0;
			if (v > 100)
				v = 100;
			*fraction = dl ? 0.4 * v / 100 : 0.4 + 0.6 * v / 100;
			*detail = xstrdup(end + 1);
			return 0;
		}
	}
	return -1;
}
