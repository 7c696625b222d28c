/* cmd/notesign.c - signing session notes: note sign, note cosign, note
 * addendum, and the fields note.c shows of a signature. */
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "core/audit.h"
#include "core/cache.h"
#include "core/fhir.h"
#include "core/i18n.h"
#include "core/notes.h"
#include "core/privacy.h"
#include "core/xmalloc.h"

/* v[0..8]: signed_by_id, signed_by, signed_at, cosign, cosign_by_id,
 * appends, amends, addenda, tampered (as note.c's columns). */
void
note_sign_values(const struct cmd_ctx *ctx, const struct note *n, char signed_at[26],
		 char addenda[24], const char *v[9])
{
	bool table = ctx->fmt == FMT_TABLE;

	v[0] = n->signed_by_id;
	v[1] = n->signed_by_name != NULL ? n->signed_by_name : n->signed_by_id;
	v[2] = n->signed_at != 0 ? cmd_time(ctx, n->signed_at, signed_at) : NULL;
	/* TRANSLATORS: a note's co-signature: it waits for the supervisor's. */
	v[3] = note_awaits_cosign(n) ? (table ? _("awaited") : "awaited")
	       /* TRANSLATORS: a note's co-signature: the supervisor gave it. */
	       : n->cosigned_at != 0 ? (table ? _("given") : "given") : NULL;
	v[4] = n->cosigned_by_id != NULL ? n->cosigned_by_id : n->cosign_by_id;
	v[5] = n->appends_id;
	v[6] = n->replaces_id;
	snprintf(addenda, 24, "%zu", n->n_addenda);
	v[7] = addenda;
	/* TRANSLATORS: a signed note whose text is not what was signed. */
	v[8] = n->tampered ? (table ? _("CHANGED AFTER SIGNING") : "true") : (table ? "" : "false");
}

/* One line about a note's signature: "Signed by NAME at TIME", and its
 * co-signature (new string). */
static char *
sign_line(const struct cmd_ctx *ctx, const struct note *n)
{
	char when[26], cwhen[26];
	const char *who = n->signed_by_name != NULL ? n->signed_by_name : n->signed_by_id;
	struct buf b;

	buf_init(&b);
	buf_add(&b, "", 0);
	if (!note_is_signed(n))
		buf_adds(&b, _("Draft: not signed."));
	else if (n->signed_at != 0)
		buf_addf(&b, _("Signed by %s at %s."), who != NULL ? who : "?", cmd_time(ctx, n->signed_at, when));
	else
		buf_addf(&b, _("Signed by %s (no record of when)."), who != NULL ? who : "?");
	if (note_awaits_cosign(n))
		buf_addf(&b, " %s", _("Waits for the supervisor's co-signature."));
	if (n->cosigned_at != 0) {
		buf_adds(&b, " ");
		buf_addf(&b, _("Co-signed by %s at %s."),
			 n->cosigned_by_name != NULL ? n->cosigned_by_name : n->cosigned_by_id,
			 cmd_time(ctx, n->cosigned_at, cwhen));
	}
	if (n->tampered)
		buf_addf(&b, " %s", _("Its text was changed after it was signed: it is not what was signed."));
	return buf_steal(&b);
}

char *
note_chain_text(const struct cmd_ctx *ctx, const struct note *n, const struct note_list *chain)
{
	struct buf b;
	char *line;

	buf_init(&b);
	buf_adds(&b, n->text != NULL ? n->text : "");
	if (ctx->fmt != FMT_TABLE)
		return buf_steal(&b);   /* the addenda are records of their own there */
	line = sign_line(ctx, n);
	buf_addf(&b, "%s\n%s\n", b.len > 0 && b.data[b.len - 1] != '\n' ? "\n" : "", line);
	free(line);
	for (size_t i = 0; chain != NULL && i < chain->n; i++) {
		const struct note *a = &chain->v[i];

		buf_adds(&b, "\n");
		/* TRANSLATORS: above each addendum of a note in 'note ID': "Addendum 1 of 3 (note 42)". */
		buf_addf(&b, _("Addendum %zu of %zu (note %s)"), i + 1, chain->n, a->id);
		buf_addf(&b, "\n%s", a->text != NULL ? a->text : "");
		line = sign_line(ctx, a);
		buf_addf(&b, "%s%s\n", a->text != NULL && a->text[0] != '\0' &&
			 a->text[strlen(a->text) - 1] != '\n' ? "\n" : "", line);
		free(line);
	}
	return buf_steal(&b);
}

/* A front desk signs, co-signs and adds to no note: refused before anything
 * is sent or queued. */
HANDLER(check_note_signing)
{
	(void)e;
	(void)a;
	return privacy_clinical(&ctx->session, PRIVACY_NOTES, err);
}

/* Offline, a sign waits in the outbox; one the cache already shows signed
 * would only be refused later, so it is refused now (offline_sign_of_a_signed_note). */
HANDLER(check_note_sign)
{
	cJSON *doc;
	const cJSON *ds;
	bool is_signed;

	if (!check_note_signing(ctx, e, a, err))
		return false;
	if (!fhir_reads_cached(&ctx->session) ||
	    (doc = cache_get(ctx->session.store, "DocumentReference", a->argv[0])) == NULL)
		return true;
	ds = cJSON_GetObjectItemCaseSensitive(doc, "docStatus");
	is_signed = cJSON_IsString(ds) && (strcmp(ds->valuestring, "final") == 0 || strcmp(ds->valuestring, "amended") == 0);
	cJSON_Delete(doc);
	if (is_signed)
		return error_set(err, ERR_USAGE, _("Note %s is signed already, and locked: add to it with 'ezrizi note addendum %s', or correct it with 'ezrizi note edit %s'."),
				 a->argv[0], a->argv[0], a->argv[0]);
	return true;
}

/* The act on the note, in the audit trail. */
static void
audit_signing(struct cmd_ctx *ctx, enum audit_act act, const struct note *n)
{
	char *ref = xasprintf("DocumentReference/%s", n->id);

	(void)audit_record(&ctx->session, act, ref, n->patient_id, NULL);
	free(ref);
}

HANDLER(cmd_note_sign)
{
	struct note n;

	(void)e;
	if (!note_sign(&ctx->session, a->argv[0], &n, err))
		return false;
	audit_signing(ctx, AUDIT_SIGN, &n);
	if (ctx->fmt == FMT_TABLE)
		result_say(ctx->result, "%s", note_awaits_cosign(&n)
			   ? _("Note signed; it is locked, and waits for your supervisor's co-signature.")
			   : _("Note signed; it is locked now."));
	print_note_chain(ctx, &n, NULL);
	note_finish(&n);
	return true;
}

const struct cmd_entry cmd_entry_note_sign = {
	.name = "note sign",
	.usage = N_("ID"),
	.summary = N_("Sign a draft note: it becomes final and locked, with a record of who signed it and when."),
	.args = { 1, 1, { { KIND_NOTE } } },
	.flags = CMD_SESSION | CMD_QUEUES | CMD_NOTES,
	.exec = cmd_note_sign,
	.check = check_note_sign,
};

HANDLER(cmd_note_cosign)
{
	struct note n;

	(void)e;
	if (!note_cosign(&ctx->session, a->argv[0], &n, err))
		return false;
	audit_signing(ctx, AUDIT_COSIGN, &n);
	if (ctx->fmt == FMT_TABLE)
		result_say(ctx->result, "%s", _("Note co-signed."));
	print_note_chain(ctx, &n, NULL);
	note_finish(&n);
	return true;
}

const struct cmd_entry cmd_entry_note_cosign = {
	.name = "note cosign",
	.usage = N_("ID"),
	.summary = N_("Co-sign a note a trainee you supervise signed on your behalf."),
	.args = { 1, 1, { { KIND_NOTE } } },
	.flags = CMD_SESSION | CMD_QUEUES | CMD_NOTES,
	.exec = cmd_note_cosign,
	.check = check_note_signing,
};

static const struct cmd_option note_addendum_opts[] = {
	{ .name = "file", .metavar = N_("FILE"), .flags = OPT_VALUE, .kind = KIND_FILE,
	  .help = N_("read the addendum from FILE instead of standard input") },
	{ NULL },
};

HANDLER(cmd_note_addendum)
{
	const char *file = cmd_opt(e, a, "file"), *text;
	struct note n;
	size_t len;

	if ((text = cmd_read_input(ctx, file, 1024 * 1024 + 1, &len, err)) == NULL)
		return false;
	if (!note_addendum(&ctx->session, a->argv[0], text, &n, err))
		return false;
	audit_signing(ctx, AUDIT_ADDENDUM, &n);
	if (ctx->fmt == FMT_TABLE)
		result_say(ctx->result, "%s", _("Addendum saved and signed."));
	print_note_chain(ctx, &n, NULL);
	note_finish(&n);
	return true;
}

const struct cmd_entry cmd_entry_note_addendum = {
	.name = "note addendum",
	.usage = N_("ID"),
	.summary = N_("Add a signed addendum to a signed note; the note itself is not changed."),
	.args = { 1, 1, { { KIND_NOTE } } },
	.opts = note_addendum_opts,
	.flags = CMD_SESSION | CMD_QUEUES | CMD_INPUT | CMD_NOTES,
	.instead = N_("Write an addendum with the add-addendum command (key +), or give --file."),
	.exec = cmd_note_addendum,
	.check = check_note_signing,
};
