/* keys_fixture.h - what the screen's unit tests of key bindings share
 * (test_bind.c, test_mode.c, test_bidi.c): a config from a text, the one
 * registry with the screen's commands in it, and a key map made from a config
 * as the screen makes it (ui_check_line). Each fails the test on error. */
#ifndef EZRIZI_KEYS_FIXTURE_H
#define EZRIZI_KEYS_FIXTURE_H

struct config;
struct keymap;

/* The config of text, read as the file "test" (config_destroy it). */
struct config *config_of(const char *text);

/* cmocka setup and teardown: the screen's commands joined to the core's in
 * the one registry (ui_register_commands), and taken out again. */
int registry_up(void **state);
int registry_down(void **state);

/* The default keys and cfg's bind lines in m (keymap_finish it); prints the
 * error and fails when they do not make a key map. */
void keymap_of(struct keymap *m, const struct config *cfg);

#endif
