/* ferry-test-programs.h — is what a test runs installed? (GLib only, for
 * every test program, whatever layer it tests)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Stops the test program at once, with one line per missing program and
 * the Debian package that has it, unless every program named (a name on
 * PATH, an absolute path or python3:MODULE, as in build-aux/programs.txt)
 * is installed. */
void        ferry_test_require_programs   (const char     *first,
                                           ...) G_GNUC_NULL_TERMINATED;
G_END_DECLS
