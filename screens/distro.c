/* distro.c — screen 2: the detected distribution, with an override of family/version. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "screen.h"

#include <stdlib.h>
#include <string.h>

/* The screen's state while it is shown. */
struct distro {
	struct wizard_list list;  /* first: screen_list_leave frees it */
	char key[128];            /* the overriding "id version" */
};

/* The key of the marked line: "detected", or the override (in d->key). */
static const char *
distro_current(const struct wizard *w, struct distro *d)
{
	if (!w->distro_overridden)
		return "detected";
	snprintf(d->key, sizeof d->key, "%s %s", w->facts->distro_id ? w->facts->distro_id : "",
	    w->facts->distro_version ? w->facts->distro_version : "");
	return d->key;
}

static void
distro_enter(struct wizard *w, void *state)
{
	struct distro *d = state;
	const char *cur = distro_current(w, d);

	wizard_distro_choices(w, &d->list);
	for (int i = 0; i < d->list.n; i++)
		if (strcmp(d->list.v[i].key, cur) == 0)
			w->cursor[WS_DISTRO] = i;
}

static void
distro_draw(struct wizard *w, void *state, WINDOW *win)
{
	struct distro *d = state;
	const struct facts *f = w->facts;
	int y = TUI_TOP;
	char *t;

	t = xasprintf("Planning for: %s %s (family %s, packages by %s)%s",
	    f->distro_id ? f->distro_id : "unknown", f->distro_version ? f->distro_version : "",
	    family_name(f->family), pkg_manager_name(f->package_manager),
	    w->distro_overridden ? "  [override]" : "");
	tui_put(win, y++, 1, COLS - 2, TUI_HEAD, t);
	free(t);
	if (d->list.n > 0 && d->list.v[0].reason != NULL) {
		t = xasprintf("The detected distribution is not supported: %s",
		    d->list.v[0].reason);
		y += tui_wrap(win, y, 1, COLS - 2, 2, TUI_WARN, t);
		free(t);
	} else
		y += tui_wrap(win, y, 1, COLS - 2, 2, TUI_NORMAL, "Keep the detected "
		    "distribution, or plan for another one (for a machine you will replay the "
		    "profile on).");
	y++;
	screen_list_draw(win, &d->list, y, LINES - 3 - y - 4, &w->cursor[WS_DISTRO],
	    &w->top[WS_DISTRO], distro_current(w, d), 3);
}

static int
distro_choose(struct wizard *w, struct distro *d)
{
	const struct wizard_choice *c = &d->list.v[w->cursor[WS_DISTRO]];
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
	distro_enter(w, d);
	return 0;
}

/* Space marks the line under the cursor; Enter (the main loop's) goes on with the marked one. */
static int
distro_key(struct wizard *w, void *state, int key)
{
	struct distro *d = state;

	if (screen_list_key(key, &w->cursor[WS_DISTRO], d->list.n))
		return SCREEN_STAY;
	if (key == ' ') {
		distro_choose(w, d);
		return SCREEN_STAY;
	}
	return SCREEN_PASS;
}

const struct screen screen_distro = {
	.name = "distro",
	.title = "Distribution",
	.state_size = sizeof(struct distro),
	.enter = distro_enter,
	.draw = distro_draw,
	.key = distro_key,
	.leave = screen_list_leave,
	.help = "The distribution decides the package manager, the package names and which "
	    "Python versions the distro ships. Overriding it plans for another machine; the "
	    "saved profile does not contain the distribution (it is detected where it runs).\n"
	    "Space marks the line under the cursor; Enter goes on with the marked (*) one.",
};
