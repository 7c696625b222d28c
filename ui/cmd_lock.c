/* cmd_lock.c - the lock and the passphrase on the screen: lock and passwd,
 * the core's commands done the screen's way (the core's would end the unlock
 * agent, or ask on the terminal the screen holds), the lock screen's keys and
 * the hidden prompts of a passphrase change. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>
#include <sodium.h>

#include "core/i18n.h"
#include "core/utf8.h"
#include "core/vault.h"
#include "core/xmalloc.h"
#include "ui/cmd_lock.h"
#include "ui/commands.h"
#include "ui/draw.h"
#include "ui/editor.h"
#include "ui/job.h"
#include "ui/loop.h"
#include "ui/state.h"
#include "ui/view.h"

/* ---- the passphrase, changed on the screen ---- */

#define LOCK_MAX 256

static void
secret_wipe(char **p)
{
	if (*p != NULL) {
		sodium_memzero(*p, LOCK_MAX);
		sodium_free(*p);
	}
	*p = NULL;
}

/* passwd: the three passphrases asked on the status line, typed hidden. */
SCREEN_HANDLER(do_passwd)
{
	struct tui *t = ui_screen(ctx);
	char *dir = vault_dir(t->ctx->cfg);
	bool exists = store_exists(dir);

	(void)e;
	(void)a;
	free(dir);
	if (!exists)
		return error_set(err, ERR_NOT_FOUND, _("There is no local cache yet; 'ezrizi login' makes one."));
	if (t->lock_input == NULL && (t->lock_input = sodium_malloc(LOCK_MAX)) == NULL)
		abort();
	t->lock_len = 0;
	t->secret_step = 1;
	mode_push(&t->modes, t, &mode_secret);
	t->status_dirty = true;
	return true;
}

/* The core's passwd asks on the terminal; the screen asks on its status line. */
const struct cmd_entry ui_entry_passwd = {
	.name = "passwd",
	.flags = CMD_SCREEN_WAY,
	.exec = do_passwd,
};

/* Enter at a step: keep what was typed, go on, and at the end change it. */
static void
passwd_step(struct tui *t)
{
	char *dir, *keep = sodium_malloc(LOCK_MAX);
	struct store_kdf kdf;
	struct error err;
	bool ok;

	if (keep == NULL)
		abort();
	memcpy(keep, t->lock_input, LOCK_MAX);
	keep[t->lock_len] = '\0';
	sodium_memzero(t->lock_input, LOCK_MAX);
	t->lock_len = 0;
	t->status_dirty = true;
	if (t->secret_step == 1) {
		t->sec_old = keep;
		t->secret_step = 2;
		return;
	}
	if (t->secret_step == 2) {
		t->sec_new = keep;
		t->secret_step = 3;
		return;
	}
	t->secret_step = 0;
	mode_pop(&t->modes, t, &mode_secret);
	error_clear(&err);
	if (strcmp(keep, t->sec_new) != 0 || strlen(t->sec_new) < 8) {
		tui_set_error(t, _("The new passphrases differ or are shorter than 8 characters; nothing was changed."));
	} else {
		dir = vault_dir(t->ctx->cfg);
		vault_kdf(t->ctx->cfg, &kdf);
		/* The store is the screen's: it lets go of it for the change. */
		store_close(t->s->store);
		t->s->store = NULL;
		ok = store_passwd(dir, t->sec_old, strlen(t->sec_old), t->sec_new, strlen(t->sec_new), &kdf, &err);
		t->s->store = store_open(dir, ok ? t->sec_new : t->sec_old,
					 strlen(ok ? t->sec_new : t->sec_old), &kdf, &err);
		if (ok)
			tui_set_message(t, _("The passphrase is changed."));
		else
			tui_set_error(t, err.msg);
		free(dir);
	}
	secret_wipe(&keep);
	secret_wipe(&t->sec_old);
	secret_wipe(&t->sec_new);
}

/* A key while the passphrase is being changed: typed, hidden, or Esc. Its
 * keys are typed text, so they are no bindings: Enter and Esc are the
 * prompt's own, as in any line being typed. */
static void
secret_key(struct tui *t, const struct ui_key *k)
{
	if (!k->fn && k->code == 27) {
		t->secret_step = 0;
		mode_pop(&t->modes, t, &mode_secret);
		sodium_memzero(t->lock_input, LOCK_MAX);
		t->lock_len = 0;
		secret_wipe(&t->sec_old);
		secret_wipe(&t->sec_new);
		tui_set_message(t, _("Nothing was changed."));
		return;
	}
	if (!k->fn && (k->code == '\r' || k->code == '\n')) {
		passwd_step(t);
		return;
	}
	ui_lock_key(t, k);  /* typing and Backspace work as on the lock screen */
	t->status_dirty = true;
}

/* The prompt is on the status line: the status line draws it. */
const struct mode_ops mode_secret = {
	.name = "secret",
	.rank = 40,
	.flags = MODE_TEXT,
	.key = secret_key,
};

/* ---- the lock ---- */

void
ui_lock(struct tui *t)
{
	if (tui_locked(t))
		return;
	mode_push(&t->modes, t, &mode_lock);
	mode_pop(&t->modes, t, &mode_overlay);
	mode_pop(&t->modes, t, &mode_picker);
	/* The store's keys go with the lock: the passphrase brings them back. */
	{
		char *dir = vault_dir(t->ctx->cfg);

		t->lock_can_unlock = t->s->unlock_hash != NULL || store_exists(dir);
		free(dir);
	}
	store_close(t->s->store);
	t->s->store = NULL;
	t->store_retry_at = 0;   /* the unlock opens it again */
	if (t->lock_input == NULL && (t->lock_input = sodium_malloc(LOCK_MAX)) == NULL)
		abort();
	t->lock_len = 0;
	tui_close_cmdline(t);
	mode_pop(&t->modes, t, &mode_confirm);
	tui_clear_error(t);
	t->relayout = true;
}

/* The cache passphrase opens the store again (no network needed); with the
 * login password instead, the screen unlocks and the store opens only if the
 * unlock agent has its key. */
static bool
reopen_store(struct tui *t, const char *pass, size_t len, struct error *err)
{
	char *dir = vault_dir(t->ctx->cfg);
	struct store_kdf kdf;
	struct store *st = NULL;

	if (store_exists(dir)) {
		vault_kdf(t->ctx->cfg, &kdf);
		st = store_open(dir, pass, len, &kdf, err);
	}
	free(dir);
	if (st != NULL)
		t->s->store = st;
	return st != NULL;
}

/* How often the store is tried again while another ezrizi holds it alone. */
#define STORE_RETRY_MS 250

/* The store by the agent's key or passphrase_command, tried once: while
 * another ezrizi holds it alone the screen goes on, and the loop tries again
 * (ui_store_retry) rather than sleeping here. */
static void
reopen_with_agent(struct tui *t)
{
	struct error err;

	error_clear(&err);
	if (t->s->store != NULL)
		return;
	t->s->store = vault_try_open(t->ctx->cfg, t->ctx->front_ops, &err);
	if (t->s->store != NULL) {
		if (t->store_retry_at != 0) {
			error_clear(&t->s->store_err);
			tui_recover_notes(t);
			tui_clear_error(t);   /* what was said while it was held is past */
			tui_set_message_ours(t, _("The local cache is open again."));
		}
		t->store_retry_at = 0;
	} else if (err.kind == ERR_CONFLICT) {
		if (t->store_retry_at == 0)
			tui_set_message_ours(t, _("Another ezrizi is changing the local cache; it opens here by itself once that is done."));
		t->s->store_err = err;   /* what a write says meanwhile */
		t->store_retry_at = clock_mono_ms() + STORE_RETRY_MS;
	} else {
		t->store_retry_at = 0;
	}
}

int
ui_ms_to_store_retry(const struct tui *t)
{
	long long left;

	if (t->store_retry_at == 0 || tui_locked(t))
		return INT_MAX;
	left = t->store_retry_at - clock_mono_ms();
	return left > 0 ? (int)left : 0;
}

void
ui_store_retry(struct tui *t)
{
	if (ui_ms_to_store_retry(t) == 0)
		reopen_with_agent(t);
}

void
ui_lock_key(struct tui *t, const struct ui_key *k)
{
	if (!k->fn && (k->code == '\r' || k->code == '\n')) {
		struct error err;
		bool ok;

		error_clear(&err);
		ok = reopen_store(t, t->lock_input, t->lock_len, &err) ||
		     session_check_password(t->s, t->lock_input, t->lock_len);
		sodium_memzero(t->lock_input, LOCK_MAX);
		t->lock_len = 0;
		if (ok) {
			mode_pop(&t->modes, t, &mode_lock);
			t->last_key = clock_mono_ms();
			clearok(curscr, TRUE);
			t->relayout = true;
			tui_clear_error(t);
			reopen_with_agent(t);   /* after the clear: it may say the store waits */
			tui_recover_notes(t);   /* when the store was locked at the start */
			t->m.next_poll = 0;     /* the looks were fewer while locked: one now */
		} else {
			/* The cache passphrase cannot be told from a wrong one while
			 * another ezrizi holds the store alone: say that, not "wrong". */
			tui_set_error(t, err.kind == ERR_CONFLICT ? err.msg : _("That is not the password."));
			t->lock_dirty = true;
		}
		return;
	}
	if ((k->fn && k->code == KEY_BACKSPACE) || (!k->fn && (k->code == 127 || k->code == 8))) {
		/* Back one character, not one byte. */
		while (t->lock_len > 0 && ((unsigned char)t->lock_input[t->lock_len - 1] & 0xC0) == 0x80)
			t->lock_len--;
		if (t->lock_len > 0)
			t->lock_len--;
		t->lock_dirty = true;
		return;
	}
	if (!k->fn && k->code >= 0x20 && k->code != 0x7f) {
		char enc[4];
		size_t n = utf8_encode((uint32_t)k->code, enc);

		if (t->lock_len + n < LOCK_MAX) {
			memcpy(t->lock_input + t->lock_len, enc, n);
			t->lock_len += n;
		}
		sodium_memzero(enc, sizeof enc);
		t->lock_dirty = true;
	}
}

/* A key on the lock screen: C-c leaves, the rest is the password typed.
 * Nothing else runs while locked, so the lock has no key table: a binding
 * there could run a command for anyone at the keyboard. */
static void
lock_key(struct tui *t, const struct ui_key *k)
{
	if (!k->fn && k->code == 3)
		ui_quit(t);
	else
		ui_lock_key(t, k);
}

/* The lock screen: nothing of a client, only how to unlock. */
static bool
lock_draw(struct tui *t)
{
	char *dots;
	size_t n = 0;

	if (!t->lock_dirty && t->view->lock_painted)
		return false;
	t->lock_dirty = false;
	t->view->lock_painted = true;
	werase(stdscr);
	ui_draw_centred(_("ezrizi is locked."), LINES / 2 - 3, A_BOLD);
	if (!t->lock_can_unlock) {
		ui_draw_centred(_("No password is stored to unlock with: press Ctrl-C to leave, then run 'ezrizi login'."),
				LINES / 2 - 1, A_NORMAL);
		wnoutrefresh(stdscr);
		return true;
	}
	ui_draw_centred(_("Type the cache passphrase, or your password, and press Enter."), LINES / 2 - 1, A_NORMAL);
	for (size_t i = 0; i < t->lock_len; i++)
		n += ((unsigned char)t->lock_input[i] & 0xC0) != 0x80;
	dots = xmalloc(n + 1);
	memset(dots, '*', n);
	dots[n] = '\0';
	ui_draw_centred(n > 0 ? dots : "_", LINES / 2 + 1, A_NORMAL);
	free(dots);
	if (t->status_err != NULL)
		ui_draw_centred(t->status_err, LINES / 2 + 3, ui_attr(UC_ERROR));
	wnoutrefresh(stdscr);
	return true;
}

const struct mode_ops mode_lock = {
	.name = "lock",
	.rank = 50,
	.flags = MODE_TEXT | MODE_COVERS_ALL,
	.key = lock_key,
	.draw = lock_draw,
};

/* lock: the screen locks (the store's keys go with it); --agent does what
 * lock does in a shell, ending 'ezrizi unlock', and leaves the screen open. */
SCREEN_HANDLER(do_lock)
{
	struct tui *t = ui_screen(ctx);

	(void)err;
	if (cmd_flag(e, a, "agent")) {
		ui_run_core(t, "lock --agent", e->base);
		return true;
	}
	ui_lock(t);
	return true;
}

const struct cmd_entry ui_entry_lock = {
	.name = "lock",
	.summary = N_("Lock the screen now; the password unlocks it."),
	.flags = CMD_SCREEN_WAY | CMD_BUSY_OK,
	.exec = do_lock,
};
