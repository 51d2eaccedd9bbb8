/* test-sudo.c — sudo's timestamp_timeout read from real `sudo -l` listings, and the refresh. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "armpy.h"
#include "sudo.h"

/* What `LANG=C sudo -n -l` printed (sudo 1.9.13, Debian 12, no terminal: 80 columns) for a
 * user whose sudoers.d file held the line named in each comment. */
#define HEAD "Matching Defaults entries for armpysx on vm:\n" \
	"    env_reset, mail_badpass,\n" \
	"    secure_path=/usr/local/sbin\\:/usr/local/bin\\:/usr/sbin\\:/usr/bin\\:/sbin\\:/bin,\n"
#define TAIL "\nUser armpysx may run the following commands on vm:\n" \
	"    (ALL : ALL) ALL\n"

static const struct {
	const char *listing;
	double minutes;
} listings[] = {
	/* Defaults:armpysx timestamp_timeout=0.1 (on one line: a terminal 200 columns wide) */
	{ "Matching Defaults entries for armpysx on vm:\n    env_reset, mail_badpass, "
	  "secure_path=/usr/local/sbin\\:/usr/local/bin\\:/usr/sbin\\:/usr/bin\\:/sbin\\:/bin, "
	  "use_pty, timestamp_timeout=0.1\n" TAIL, 0.1 },
	/* Defaults:armpysx timestamp_timeout=-1, env_keep+="LC_A, LC_B" */
	{ HEAD "    use_pty, timestamp_timeout=-1, env_keep+=\"LC_A, LC_B\"\n" TAIL, -1 },
	/* Defaults timestamp_timeout=5 / Defaults:armpysx timestamp_timeout=2.5: the last wins */
	{ HEAD "    use_pty, timestamp_timeout=5, timestamp_timeout=2.5\n" TAIL, 2.5 },
	/* Defaults:armpysx !timestamp_timeout */
	{ HEAD "    use_pty, !timestamp_timeout\n" TAIL, 0 },
	/* Defaults:armpysx timestamp_timeout=0, Defaults!/usr/bin/id timestamp_timeout=3 (a
	 * command's own default is not the user's) */
	{ HEAD "    use_pty, timestamp_timeout=0\n\n"
	  "Runas and Command-specific defaults for armpysx:\n"
	  "    Defaults!/usr/bin/id timestamp_timeout=3\n" TAIL, 0 },
	/* no timestamp_timeout anywhere: sudoers(5) says 15 */
	{ HEAD "    use_pty\n" TAIL, SUDO_TIMEOUT_DEFAULT },
	/* no Defaults at all */
	{ "User armpysx may run the following commands on vm:\n    (ALL : ALL) ALL\n",
	  SUDO_TIMEOUT_DEFAULT },
	/* a comma inside a value (escaped, or quoted: sudo writes both) does not split it */
	{ HEAD "    timestamp_timeout=1, mailsub=x\\,timestamp_timeout=9\n" TAIL, 1 },
	{ HEAD "    timestamp_timeout=1, mailsub=\"a, timestamp_timeout=9\"\n" TAIL, 1 },
	/* a quoted value (sudo quotes one with a space in it): the quotes are not its */
	{ HEAD "    timestamp_timeout=\"7.5\"\n" TAIL, 7.5 },
};

static void
test_timeout_parse(void **state)
{
	double m;

	(void)state;
	for (size_t i = 0; i < nitems(listings); i++) {
		m = 1234;
		assert_int_equal(sudo_timeout_parse(listings[i].listing, &m), 0);
		assert_float_equal(m, listings[i].minutes, 1e-9);
	}
	/* the header alone must start a line; a name that only starts with it is another one */
	assert_int_equal(sudo_timeout_parse("x Matching Defaults entries for u on h:\n"
	    "    timestamp_timeout=1\n", &m), 0);
	assert_float_equal(m, SUDO_TIMEOUT_DEFAULT, 1e-9);
	assert_int_equal(sudo_timeout_parse(HEAD "    timestamp_timeouts=1\n", &m), 0);
	assert_float_equal(m, SUDO_TIMEOUT_DEFAULT, 1e-9);
	assert_int_equal(sudo_timeout_parse("", &m), 0);
	assert_float_equal(m, SUDO_TIMEOUT_DEFAULT, 1e-9);
}

static void
test_timeout_parse_bad(void **state)
{
	static const char *bad[] = { "inf", "nan", "0x10", "1e3", "", "5min", "1-2", "--1",
	    "\"\"", "." };
	char *text;
	double m;

	(void)state;
	for (size_t i = 0; i < nitems(bad); i++) {
		text = xasprintf(HEAD "    use_pty, timestamp_timeout=%s\n" TAIL, bad[i]);
		assert_int_equal(sudo_timeout_parse(text, &m), -1);
		free(text);
	}
}

static void
test_refresh_for(void **state)
{
	(void)state;
	assert_int_equal(sudo_refresh_for(0.1), 2);          /* 6 s: a third */
	assert_int_equal(sudo_refresh_for(SUDO_TIMEOUT_DEFAULT), 300);
	assert_int_equal(sudo_refresh_for(2.5), 50);
	assert_int_equal(sudo_refresh_for(0.01), SUDO_REFRESH_FLOOR);
	assert_int_equal(sudo_refresh_for(0), 0);            /* asks every time */
	assert_int_equal(sudo_refresh_for(-1), 0);           /* never expires */
	assert_int_equal(sudo_refresh_for(1e9), 24 * 3600);
	/* always inside the timeout it keeps alive, whenever that is above the floor */
	for (double m = 0.05; m < 60; m *= 1.7)
		assert_true(sudo_refresh_for(m) > 0 && sudo_refresh_for(m) <= m * 60 / 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout_parse),
		cmocka_unit_test(test_timeout_parse_bad),
		cmocka_unit_test(test_refresh_for),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
