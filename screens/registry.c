/* registry.c — the one table of wizard screens, in the order of enum wizard_screen. */
/* SPDX-License-Identifier: MIT */
#include "screen.h"

const struct screen *const screen_table[WS_COUNT] = {
	[WS_WELCOME] = &screen_welcome,
	[WS_DISTRO] = &screen_distro,
	[WS_PYTHON] = &screen_python,
	[WS_SOURCE] = &screen_source,
	[WS_BLAS] = &screen_blas,
	[WS_EXTRAS] = &screen_extras,
	[WS_REVIEW] = &screen_review,
	[WS_INSTALL] = &screen_install,
	[WS_VALIDATE] = &screen_validate,
	[WS_DONE] = &screen_done,
};
