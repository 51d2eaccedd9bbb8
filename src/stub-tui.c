/* stub-tui.c — TEMPORARY placeholders until the tui module lands; its owner deletes this file. */
#include "armpy.h"
#include "cmd.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"

#include <stdio.h>
#include <stdlib.h>

int tui_main(const struct main_opts *o) { (void)o; fprintf(stderr, "armpy: wizard not built yet\n"); return EXIT_USAGE; }
