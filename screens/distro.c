/* distro.c — screen 2: the detected distribution, with an override of family/version. */
#include "armpy.h"
#include "screen.h"

#include <stdlib.h>
#include <string.h>

static struct wizard_list distro_list;

static const char *
distro_current(const struct wizard *w)
{
	static char key[128];

	if (!w->distro_overridden)
		return "detected";
	snprintf(key, sizeof key, "%s %s", w->facts->distro_id ? w->facts->distro_id : "",
	    w->facts->distro_version ? w->facts->distro_version : "");
	return key;
}

static void
distro_enter(struct wizard *w)
{
	const char *cur = distro_current(w);

	wizard_distro_choices(w, &distro_list);
	for (int i = 0; i < distro_list.n; i++)
		if (strcmp(distro_list.v[i].key, cur) == 0)
			w->cursor[WS_DISTRO] = i;
}

static void
distro_draw(struct wizard *w, WINDOW *win)
{
	const struct facts *f = w->facts;
	int y = TUI_TOP;
	char *t;

	t = xasprintf("Planning for: %s %s (family %s, packages by %s)%s",
	    f->distro_id ? f->distro_id : "unknown", f->distro_version ? f->distro_version : "",
	    family_name(f->family), pkg_manager_name(f->package_manager),
	    w->distro_overridden ? "  [override]" : "");
	tui_put(win, y++, 1, COLS - 2, TUI_HEAD, t);
	free(t);
	if (distro_list.n > 0 && distro_list.v[0].reason != NULL) {
		t = xasprintf("The detected distribution is not supported: %s",
		    distro_list.v[0].reason);
		y += tui_wrap(win, y, 1, COLS - 2, 2, TUI_WARN, t);
		free(t);
	} else
		y += tui_wrap(win, y, 1, COLS - 2, 2, TUI_NORMAL, "Keep the detected "
		    "distribution, or plan for another one (for a machine you will replay the "
		    "profile on).");
	y++;
	screen_list_draw(win, &distro_list, y, LINES - 3 - y - 4, &w->cursor[WS_DISTRO],
	    &w->top[WS_DISTRO], distro_current(w), 3);
}

static int
distro_choose(struct wizard *w)
{
	const struct wizard_choice *c = &distro_list.v[w->cursor[WS_DISTRO]];
	char *cause = NULL;

	if (c->disabled || (c->reason != NULL && strcmp(c->key, "detected") != 0)) {
		screen_message(TUI_BAD, "Not supported: %s", c->reason);
		return -1;
	}
	if (wizard_set_distro(w, c->key, &cause) != 0) {
		screen_message(TUI_BAD, "%s", cause);
		free(cause);
		return -1;
	}
	distro_enter(w);
	return 0;
}

/* Space marks the line under the cursor; Enter (the main loop's) goes on with the marked one. */
static int
distro_key(struct wizard *w, int key)
{
	if (screen_list_key(key, &w->cursor[WS_DISTRO], distro_list.n))
		return SCREEN_STAY;
	if (key == ' ') {
		distro_choose(w);
		return SCREEN_STAY;
	}
	return SCREEN_PASS;
}

const struct screen screen_distro = {
	.name = "distro",
	.title = "Distribution",
	.enter = distro_enter,
	.draw = distro_draw,
	.key = distro_key,
	.help = "The distribution decides the package manager, the package names and which "
	    "Python versions the distro ships. Overriding it plans for another machine; the "
	    "saved profile does not contain the distribution (it is detected where it runs).\n"
	    "Space marks the line under the cursor; Enter goes on with the marked (*) one.",
};
