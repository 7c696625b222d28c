/* editor.c - a session note written in $VISUAL or $EDITOR, and the newest note
 * read in $PAGER.
 *
 * The editor works on a temporary file in a private directory
 * ($XDG_RUNTIME_DIR/ezrizi, mode 0700; else a fresh 0700 directory under /tmp),
 * named without anything about the client, wiped and removed as soon as it is
 * read back. A note that could not be saved (the editor failed, the link
 * dropped) stays as a draft: N opens it again. The pager reads from a pipe. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "core/fsutil.h"
#include "core/i18n.h"
#include "core/notes.h"
#include "core/outbox.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "ui/tui_internal.h"

#define DRAFT_TYPE "draft"
#define DRAFT_ID "note"

/* The draft lives in memory and, sealed, in the store, so it outlives a crash
 * or a closed screen: N brings it back. */
static void
forget_draft(struct tui *t)
{
	struct error err;

	if (t->draft != NULL)
		sodium_memzero(t->draft, strlen(t->draft));
	free(t->draft);
	free(t->draft_patient);
	t->draft = t->draft_patient = NULL;
	error_clear(&err);
	if (t->s->store != NULL)
		store_delete(t->s->store, DRAFT_TYPE, DRAFT_ID, &err);
}

static void
keep_draft(struct tui *t, const char *patient_id, char *text)
{
	struct store_rec r = { .type = DRAFT_TYPE, .id = DRAFT_ID, .version = "" };
	struct error err;

	forget_draft(t);
	t->draft = text;
	t->draft_patient = xstrdup(patient_id);
	r.person = patient_id;
	r.data = text;
	r.len = strlen(text);
	error_clear(&err);
	if (t->s->store != NULL)
		store_put(t->s->store, &r, &err);
}

static bool
take_draft(const char *id, const char *version, const void *data, size_t len, void *arg)
{
	char **out = arg;

	(void)id;
	(void)version;
	*out = xstrndup(data, len);
	return false;
}

/* A draft the store kept from an earlier screen, if it is this client's. */
static void
load_draft(struct tui *t, const char *patient_id)
{
	struct error err;
	char *text = NULL;

	error_clear(&err);
	if (t->draft != NULL || t->s->store == NULL)
		return;
	store_find(t->s->store, STORE_BY_PERSON, DRAFT_TYPE, patient_id, take_draft, &text, NULL, &err);
	if (text != NULL) {
		t->draft = text;
		t->draft_patient = xstrdup(patient_id);
	}
}

/* A private directory for the file; new string. */
static char *
private_dir(void)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	struct error ignored;
	char *dir;

	error_clear(&ignored);
	if (run != NULL && run[0] == '/') {
		dir = xasprintf("%s/ezrizi", run);
		if (fs_mkdir_private(dir, &ignored) && chmod(dir, 0700) == 0)
			return dir;
		free(dir);
	}
	dir = xstrdup("/tmp/ezrizi-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* Runs the editor on path; true when it exited 0. */
static bool
run_editor(const char *path)
{
	const char *ed = getenv("VISUAL");
	pid_t pid;
	int status;

	if (ed == NULL || ed[0] == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || ed[0] == '\0')
		ed = "vi";
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		/* The editor's name may carry arguments ("code --wait"); the file is $1. */
		execl("/bin/sh", "sh", "-c", "exec $EZRIZI_EDITOR \"$1\"", "sh", path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Overwrites and removes the file. */
static void
shred(const char *path, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd >= 0) {
		char zero[4096] = { 0 };

		for (size_t done = 0; done < len; done += sizeof zero) {
			if (write(fd, zero, len - done < sizeof zero ? len - done : sizeof zero) < 0)
				break;
		}
		fsync(fd);
		close(fd);
	}
	unlink(path);
}

static bool
write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	size_t len = text != NULL ? strlen(text) : 0;
	bool ok;

	if (fd < 0)
		return false;
	ok = len == 0 || write(fd, text, len) == (ssize_t)len;
	close(fd);
	return ok;
}

/* The server cannot be reached: the note waits in the outbox as the command
 * that saves it, under the id this attempt used, and goes out by itself. */
static bool
queue_note(struct tui *t, struct client *c, const char *edit_id, const char *text, size_t len)
{
	char *argv[4] = { "note", edit_id != NULL ? "edit" : "add",
			  (char *)(edit_id != NULL ? edit_id : c->patient_id), NULL };
	struct error err;

	error_clear(&err);
	if (t->s->store == NULL || t->s->request_id[0] == '\0' ||
	    !outbox_add(t->s->store, 3, argv, text, len, t->s->request_id, &err))
		return false;
	tui_set_message(t, _("The server cannot be reached: the note waits in the outbox and goes out by itself."));
	t->title_dirty = true;
	t->outbox_n++;
	return true;
}

/* Writes a new note, or (edit_id) changes one, through the editor. */
static void
compose(struct tui *t, const char *initial, const char *edit_id)
{
	struct client *c = tui_client(t);
	char *dir, *path, *text = NULL;
	const char *ed = getenv("VISUAL");
	struct new_note nn = { 0 };
	struct note saved;
	struct error err;
	size_t len = 0;
	bool edited;

	if (c == NULL) {
		tui_set_error(t, _("Select an appointment with a client first."));
		return;
	}
	if ((dir = private_dir()) == NULL) {
		tui_set_error(t, _("Cannot make a private folder for the note; set XDG_RUNTIME_DIR."));
		return;
	}
	path = xasprintf("%s/note-%08x.txt", dir, randombytes_random());
	load_draft(t, c->patient_id);
	if (t->draft != NULL && t->draft_patient != NULL && strcmp(t->draft_patient, c->patient_id) == 0)
		initial = t->draft;
	if (!write_file(path, initial)) {
		tui_set_error(t, _("Cannot write the note's file; nothing was changed."));
		free(path);
		free(dir);
		return;
	}
	if (ed == NULL || ed[0] == '\0')
		ed = getenv("EDITOR");
	setenv("EZRIZI_EDITOR", ed != NULL && ed[0] != '\0' ? ed : "vi", 1);
	tui_suspend(t);
	edited = run_editor(path);
	tui_resume(t);
	error_clear(&err);
	text = fs_read_all(path, 1024 * 1024, &len, &err);
	shred(path, len);
	if (strstr(dir, "/tmp/ezrizi-") == dir)
		rmdir(dir);
	free(path);
	free(dir);
	if (text == NULL) {
		tui_set_error(t, err.msg);
		return;
	}
	if (!edited) {
		keep_draft(t, c->patient_id, text);
		tui_set_error(t, _("The editor failed; the draft is kept: press N to go back to it."));
		return;
	}
	if (text[strspn(text, " \t\r\n")] == '\0') {
		sodium_memzero(text, len);
		free(text);
		forget_draft(t);
		tui_set_message(t, _("Nothing was written; no note was saved."));
		return;
	}
	nn.patient_id = c->patient_id;
	nn.text = text;
	t->busy = true;
	tui_set_message(t, _("Saving the note…"));
	tui_render_now(t);
	t->s->request_id[0] = '\0';  /* a new write: a new id */
	if (edit_id != NULL ? !note_update(t->s, edit_id, text, &saved, &err)
			    : !note_create(t->s, &nn, &saved, &err)) {
		t->busy = false;
		if (err.kind == ERR_NETWORK && queue_note(t, c, edit_id, text, len)) {
			forget_draft(t);
			sodium_memzero(text, len);
			free(text);
			return;
		}
		keep_draft(t, c->patient_id, text);
		/* TRANSLATORS: %s says why the note was not saved. */
		{
			char *msg = xasprintf(_("%s The note is kept as a draft: press N to try again."), err.msg);

			tui_set_error(t, msg);
			free(msg);
		}
		return;
	}
	t->busy = false;
	note_finish(&saved);
	sodium_memzero(text, len);
	free(text);
	forget_draft(t);
	tui_set_message(t, edit_id != NULL ? _("Note changed.") : _("Note saved."));
	note_list_finish(&c->notes);
	c->notes_f.state = LOAD_PENDING;
	c->gen = ++t->gen;
	tui_mark(t, PANE_NOTES);
}

void
tui_write_note(struct tui *t)
{
	compose(t, "", NULL);
}

void
tui_edit_note(struct tui *t)
{
	struct client *c = tui_client(t);
	char *id;

	if (c == NULL || c->notes_f.state != LOAD_OK || c->notes.n == 0 || c->notes.v[0].text == NULL) {
		tui_set_error(t, _("There is no note to change."));
		return;
	}
	id = xstrdup(c->notes.v[0].id);
	compose(t, c->notes.v[0].text, id);
	free(id);
}

void
tui_page_note(struct tui *t)
{
	struct client *c = tui_client(t);
	const char *pager = getenv("PAGER");
	FILE *fp;

	if (c == NULL || c->notes_f.state != LOAD_OK || c->notes.n == 0 || c->notes.v[0].text == NULL) {
		tui_set_error(t, _("There is no note to read."));
		return;
	}
	if (pager == NULL || pager[0] == '\0')
		pager = "less";
	tui_suspend(t);
	if ((fp = popen(pager, "w")) != NULL) {
		/* The server's text: sanitised for the terminal, whatever the pager. */
		char *clean = sanitize_display(c->notes.v[0].text, (size_t)-1,
					       SAN_KEEP_NEWLINES | SAN_KEEP_TABS);

		fputs(clean, fp);
		free(clean);
		pclose(fp);
	}
	tui_resume(t);
}
