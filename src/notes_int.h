/* notes_int.h - what notes.c and notesign.c share; not a module's contract. */
#ifndef EZRIZI_NOTES_INT_H
#define EZRIZI_NOTES_INT_H

#include <stdbool.h>
#include <cjson/cJSON.h>

#include "core/fhirtx.h"
#include "core/notes.h"

/* ASTM E1762 signature types (urn:iso-astm:E1762-95:2013). */
#define SIG_AUTHOR "1.2.840.10065.1.12.1.1"    /* Author's Signature */
#define SIG_VERIFY "1.2.840.10065.1.12.1.5"    /* Verification Signature: a countersignature */
#define SIG_ADDENDUM "1.2.840.10065.1.12.1.15" /* Addendum Signature: a correction or addendum */

/* Creates doc (taken: a DocumentReference, docStatus final or amended, its
 * identifier the write id) and its signing Provenance (signature type sig)
 * in one transaction, each conditional on the write id. */
bool notes_create_signed(struct session *s, cJSON *doc, const char *request_id, const char *sig,
			 struct note *out, struct error *err);

/* Adds the n notes of one text (docs taken, each with its write id ids[i],
 * as for notes_create_signed) and one Provenance signing them all (its
 * targets the n notes; the one text's digest) to tx, each conditional on
 * its write id: the group's notes (notes_session.c), in one transaction of
 * n + 1 entries. */
void notes_tx_add_group(struct session *s, struct fhir_tx *tx, cJSON *const *docs, const char *const *ids,
			size_t n, const char *request_id, const char *me);

/* The current note that replaces id, if one does (new string, free()), or
 * NULL; false with err when the server could not say. */
bool notes_replaced_by(struct session *s, const char *id, char **by, struct error *err);

/* The note read as notes_sign_fill sees it (its Provenances searched), with
 * its version tag in *etag (free()) and the resource in *res (cJSON_Delete()). */
bool notes_read_signed(struct session *s, const char *id, struct note *out, char **etag,
		       cJSON **res, struct error *err);

/* notes.c's: the text a note may hold; the text as a resource's attachment,
 * dated now. */
bool notes_text_ok(const char *text, struct error *err);
void notes_set_content(cJSON *doc, const char *text);
/* doc authored and signed by me (Practitioner), relating to note id with code
 * ("replaces", "appends"). */
void notes_signed_relating(cJSON *doc, const char *me, const char *code, const char *id);

#endif
