/* welcome.c — screen 1: what this machine is (distro, CPU, memory, Pythons, conda, PEP 668). */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
row(WINDOW *win, int y, const char *label, const char *fmt, ...) ARMPY_PRINTF(4, 5);
static void
row(WINDOW *win, int y, const char *label, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	tui_put(win, y, 2, 14, TUI_HEAD, label);
	tui_put(win, y, 17, COLS - 18, TUI_NORMAL, s);
	free(s);
}

static void
welcome_draw(struct wizard *w, void *state, WINDOW *win)
{
	const struct facts *f = w->facts;
	const struct cpu_info *c = &f->cpu;
	char **v = NULL, *t;
	int y = TUI_TOP;

	(void)state;
	y += tui_wrap(win, y, 1, COLS - 2, 2, TUI_NORMAL, "armpy installs NumPy and SciPy on the "
	    "BLAS you choose (OpenBLAS or BLIS) and proves which one serves them. Nothing "
	    "changes before the review screen.");
	y++;
	row(win, y++, "Distribution", "%s  (%s %s, %s, %s)", f->pretty_name ? f->pretty_name :
	    "unknown", f->distro_id ? f->distro_id : "?", f->distro_version ? f->distro_version :
	    "?", family_name(f->family), pkg_manager_name(f->package_manager));
	row(win, y++, "Architecture", "%s%s%s%s", f->arch ? f->arch : "unknown",
	    f->multiarch ? " (" : "", f->multiarch ? f->multiarch : "", f->multiarch ? ")" : "");
	{
		struct buf b;
		buf_init(&b);
		buf_puts(&b, c->name ? c->name : "unknown");
		if (c->vendor != NULL || c->part != NULL)
			buf_printf(&b, " (%s%s%s)", c->vendor ? c->vendor : "", c->vendor &&
			    c->part ? " " : "", c->part ? c->part : "");
		buf_printf(&b, ", %d cores", c->cores);
		if (c->mhz > 0)
			buf_printf(&b, ", %ld MHz", c->mhz);
		if (c->sve_bits > 0)
			buf_printf(&b, ", SVE %d bits", c->sve_bits);
		row(win, y++, "CPU", "%s", b.data);
		buf_free(&b);
	}
	t = strv_join(c->features, " ");
	row(win, y++, "Features", "%s", *t ? t : "unknown");
	free(t);
	row(win, y++, "Memory", "%.1f GiB    page size %ld KB", (double)f->mem_bytes /
	    (1024.0 * 1024 * 1024), f->page_size / 1024);
	for (int i = 0; i < f->npythons; i++)
		v = strv_pushf(v, "%s (%s)", f->pythons[i].path, f->pythons[i].version ?
		    f->pythons[i].version : "?");
	t = v ? strv_join(v, ", ") : xstrdup("none found");
	row(win, y++, "Pythons", "%s", t);
	free(t);
	strv_free(v);
	row(win, y++, "conda", "%s", f->conda ? f->conda : "not found");
	row(win, y++, "PEP 668", "%s", f->pep668 ? "the system python3 is externally managed: "
	    "pip goes into a venv" : "not marked (pip may install next to the distro)");
	y++;
	if (f->arch == NULL || strcmp(f->arch, "aarch64") != 0)
		y += tui_wrap(win, y, 1, COLS - 2, 2, TUI_WARN, "Notice: this machine is not "
		    "Arm64. armpy still plans for it (useful for testing), but the advice it "
		    "follows is written for Arm64 servers.");
	if (f->emulated)
		y += tui_wrap(win, y, 1, COLS - 2, 2, TUI_WARN, "Notice: running under "
		    "emulation (qemu-user): benchmark timings are not this CPU's speed.");
	if (f->page_size > 4096)
		y += tui_wrap(win, y, 1, COLS - 2, 2, TUI_WARN, "Notice: 64 KB pages. Pillow "
		    "wheels work; some other wheels may not.");
	tui_put(win, LINES - 3, 1, COLS - 2, TUI_NORMAL, "Press Enter to start.");
}

const struct screen screen_welcome = {
	.name = "welcome",
	.title = "Welcome: this machine",
	.draw = welcome_draw,
	.help = "What armpy detected on this machine. Detection can be overridden with "
	    "--os-release, --cpuinfo, --arch and --root; the distribution also on the next "
	    "screen.",
	.legend = "Enter next  ? help  q quit",
};
