/* notesign.c - signing, co-signing and addenda of session notes; see
 * include/core/notes.h. */
#include "core/notes.h"
#include "notes_int.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/config.h"
#include "core/date.h"
#include "core/fhir.h"
#include "core/fhirtx.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/seclabel.h"
#include "core/xmalloc.h"

#define SIG_SYSTEM "urn:iso-astm:E1762-95:2013"

/* ---- predicates ---- */

bool
note_is_signed(const struct note *n)
{
	return n != NULL && n->doc_status != NULL &&
	       (strcmp(n->doc_status, "final") == 0 || strcmp(n->doc_status, "amended") == 0);
}

bool
note_is_draft(const struct note *n)
{
	return n != NULL && n->doc_status != NULL && strcmp(n->doc_status, "preliminary") == 0;
}

bool
note_awaits_cosign(const struct note *n)
{
	return note_is_signed(n) && n->cosign_by_id != NULL && n->cosigned_at == 0;
}

bool
note_awaits_cosign_by(const struct note *n, const char *practitioner_id)
{
	return note_awaits_cosign(n) && practitioner_id != NULL &&
	       strcmp(n->cosign_by_id, practitioner_id) == 0;
}

bool
note_is_tampered(const struct note *n)
{
	return n != NULL && n->tampered;
}

void
note_digest_hex(const struct note *n, char out[65])
{
	out[0] = '\0';
	if (n->has_digest)
		sodium_bin2hex(out, 65, n->digest, sizeof n->digest);
}

/* ---- reading Provenances ---- */

static const char *
str_of(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static bool
is_type(const cJSON *res, const char *type)
{
	const char *rt = str_of(res, "resourceType");

	return rt != NULL && strcmp(rt, type) == 0;
}

/* Whether a reference ("DocumentReference/ID", perhaps "/_history/V") names id. */
static bool
names_note(const cJSON *ref, const char *id)
{
	const char *r = str_of(ref, "reference");
	size_t n = strlen("DocumentReference/"), len = strlen(id);

	return r != NULL && strncmp(r, "DocumentReference/", n) == 0 && strncmp(r + n, id, len) == 0 &&
	       (r[n + len] == '\0' || r[n + len] == '/');
}

static bool
targets(const cJSON *prov, const char *id)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(prov, "target")) {
		if (names_note(t, id))
			return true;
	}
	return false;
}

/* A signature of ours, read. */
struct sig {
	const char *code;       /* SIG_AUTHOR, SIG_VERIFY, SIG_ADDENDUM */
	char *who, *on_behalf;  /* Practitioner ids */
	time_t when;
	unsigned char digest[32];
	bool has_digest;
	const char *tag;        /* the write id that made it */
};

static const char *
request_tag(const cJSON *res)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(res, "meta"), "tag")) {
		const char *sys = str_of(t, "system");

		if (sys != NULL && strcmp(sys, FHIR_REQUEST_SYSTEM) == 0)
			return str_of(t, "code");
	}
	return NULL;
}

static bool
sig_read(const cJSON *prov, struct sig *out)
{
	const cJSON *sg = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(prov, "signature"), 0);
	const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sg, "type"), 0);
	const char *sys = str_of(c, "system"), *code = str_of(c, "code"), *when = str_of(sg, "when");
	const char *data = str_of(sg, "data");
	size_t len;

	memset(out, 0, sizeof *out);
	if (sys == NULL || code == NULL || strcmp(sys, SIG_SYSTEM) != 0)
		return false;
	if (strcmp(code, SIG_AUTHOR) == 0)
		out->code = SIG_AUTHOR;
	else if (strcmp(code, SIG_VERIFY) == 0)
		out->code = SIG_VERIFY;
	else if (strcmp(code, SIG_ADDENDUM) == 0)
		out->code = SIG_ADDENDUM;
	else
		return false;
	out->who = reference_id(cJSON_GetObjectItemCaseSensitive(sg, "who"), "Practitioner");
	out->on_behalf = reference_id(cJSON_GetObjectItemCaseSensitive(sg, "onBehalfOf"), "Practitioner");
	if (when == NULL || !instant_parse(when, &out->when))
		out->when = 0;
	if (data != NULL && sodium_base642bin(out->digest, sizeof out->digest, data, strlen(data), NULL,
					      &len, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
	    len == sizeof out->digest)
		out->has_digest = true;
	out->tag = request_tag(prov);
	if (out->who == NULL || out->when == 0) {
		free(out->who);
		free(out->on_behalf);
		return false;
	}
	return true;
}

static void
sig_finish(struct sig *s)
{
	free(s->who);
	free(s->on_behalf);
}

static void
set_str(char **to, const char *v)
{
	free(*to);
	*to = v != NULL ? xstrdup(v) : NULL;
}

static bool
digest_differs(const struct note *n, const struct sig *g)
{
	if (!g->has_digest)
		return true;  /* a signature of ours without its data: not what was signed */
	return !n->has_digest || sodium_memcmp(n->digest, g->digest, sizeof g->digest) != 0;
}

static void
apply_sig(struct note *n, const struct sig *g)
{
	if (strcmp(g->code, SIG_VERIFY) == 0) {
		if (g->when >= n->cosigned_at) {
			set_str(&n->cosigned_by_id, g->who);
			n->cosigned_at = g->when;
		}
	} else if (g->when >= n->signed_at) {
		set_str(&n->signed_by_id, g->who);
		set_str(&n->cosign_by_id, g->on_behalf);
		n->signed_at = g->when;
	}
	if (digest_differs(n, g))
		n->tampered = true;
}

static void
fill_one(struct note *n, const cJSON *resources, const struct names *names)
{
	const cJSON *r;
	const char *name;

	n->tampered = false;
	n->signed_at = n->cosigned_at = 0;
	cJSON_ArrayForEach(r, resources) {
		struct sig g;

		if (!is_type(r, "Provenance") || !targets(r, n->id) || !sig_read(r, &g))
			continue;
		apply_sig(n, &g);
		sig_finish(&g);
	}
	if (n->author_name == NULL && n->author_id != NULL)
		set_str(&n->author_name, names_get(names, "Practitioner", n->author_id));
	if (n->signed_by_id == NULL && note_is_signed(n))
		set_str(&n->signed_by_id, n->authenticator_id);  /* signed before ezrizi recorded it */
	if (n->signed_by_id != NULL) {
		name = names_get(names, "Practitioner", n->signed_by_id);
		if (name == NULL && n->author_id != NULL && strcmp(n->author_id, n->signed_by_id) == 0)
			name = n->author_name;
		set_str(&n->signed_by_name, name);
	}
	if (n->cosigned_by_id != NULL)
		set_str(&n->cosigned_by_name, names_get(names, "Practitioner", n->cosigned_by_id));
}

void
notes_sign_fill(struct note *v, size_t n, const cJSON *resources)
{
	struct names *names = names_create();

	names_add_resources(names, resources);
	for (size_t i = 0; i < n; i++) {
		fill_one(&v[i], resources, names);
		v[i].n_addenda = 0;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < n; k++) {
			if (k == i || v[k].status == NULL || strcmp(v[k].status, "current") != 0)
				continue;
			if (v[k].replaces_id != NULL && strcmp(v[k].replaces_id, v[i].id) == 0)
				set_str(&v[i].replaced_by_id, v[k].id);
			if (v[k].appends_id != NULL && strcmp(v[k].appends_id, v[i].id) == 0)
				v[i].n_addenda++;
		}
	}
	names_destroy(names);
}

/* ---- writing ---- */

/* When the act happened: now. */
static void
now_instant(char out[21])
{
	instant_format_utc(clock_now(), out);
}

static cJSON *
coding_concept(const char *system, const char *code, const char *display)
{
	return fhir_coded(system, code, display);
}

/* The supervisor the logged-in trainee signs on behalf of, or NULL. */
static const char *
supervisor_of_me(struct session *s, const char *me)
{
	const char *sup = s->cfg != NULL ? config_get(s->cfg, "supervisor") : NULL;

	if (sup == NULL || *sup == '\0' || strcmp(sup, me) == 0)
		return NULL;
	return sup;
}

/* The display of an ASTM E1762 signature type of ours. */
static const char *
sig_display(const char *sig)
{
	bool addendum = strcmp(sig, SIG_ADDENDUM) == 0, verify = strcmp(sig, SIG_VERIFY) == 0;

	if (verify)
		return "Verification Signature";
	return addendum ? "Addendum Signature" : "Author's Signature";
}

/* The Provenance of a signature of `target` ("DocumentReference/ID" or the
 * transaction's "urn:uuid:..."), from `revision` (the version signed, or
 * NULL), by me, of content whose SHA-256 is digest. */
static cJSON *
provenance(const char *target, const char *revision, const char *me, const char *on_behalf,
	   const char *sig, const unsigned char digest[32], const char *request_id)
{
	bool cosign = strcmp(sig, SIG_VERIFY) == 0;
	cJSON *p = cJSON_CreateObject(), *arr, *o, *meta, *tag;
	char now[21], b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];

	now_instant(now);
	json_put_str(p, "resourceType", "Provenance");
	meta = cJSON_CreateObject();
	tag = cJSON_CreateObject();
	json_put_str(tag, "system", FHIR_REQUEST_SYSTEM);
	json_put_str(tag, "code", request_id);
	arr = cJSON_CreateArray();
	cJSON_AddItemToArray(arr, tag);
	json_put(meta, "tag", arr);
	json_put(p, "meta", meta);
	arr = cJSON_CreateArray();
	o = cJSON_CreateObject();
	json_put_str(o, "reference", target);
	cJSON_AddItemToArray(arr, o);
	json_put(p, "target", arr);
	json_put_str(p, "recorded", now);
	json_put(p, "activity", cosign
		 ? coding_concept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "VRF", "verifier")
		 : coding_concept("http://terminology.hl7.org/CodeSystem/v3-DocumentCompletion", "LA",
				  "legally authenticated"));
	arr = cJSON_CreateArray();
	o = cJSON_CreateObject();
	json_put(o, "type", coding_concept("http://terminology.hl7.org/CodeSystem/provenance-participant-type",
					   cosign ? "verifier" : "author", cosign ? "Verifier" : "Author"));
	json_put(o, "who", fhir_reference("Practitioner", me, NULL));
	if (on_behalf != NULL)
		json_put(o, "onBehalfOf", fhir_reference("Practitioner", on_behalf, NULL));
	cJSON_AddItemToArray(arr, o);
	json_put(p, "agent", arr);
	if (revision != NULL) {
		arr = cJSON_CreateArray();
		o = cJSON_CreateObject();
		json_put_str(o, "role", "revision");
		json_put(o, "what", cJSON_CreateObject());
		json_put_str(cJSON_GetObjectItemCaseSensitive(o, "what"), "reference", revision);
		cJSON_AddItemToArray(arr, o);
		json_put(p, "entity", arr);
	}
	arr = cJSON_CreateArray();
	o = cJSON_CreateObject();
	{
		cJSON *types = cJSON_CreateArray(), *c = cJSON_CreateObject();

		json_put_str(c, "system", SIG_SYSTEM);
		json_put_str(c, "code", sig);
		json_put_str(c, "display", sig_display(sig));
		cJSON_AddItemToArray(types, c);
		json_put(o, "type", types);
	}
	json_put_str(o, "when", now);
	json_put(o, "who", fhir_reference("Practitioner", me, NULL));
	if (on_behalf != NULL)
		json_put(o, "onBehalfOf", fhir_reference("Practitioner", on_behalf, NULL));
	/* The data is the SHA-256 of the attachment's bytes: it shows a change
	 * of content; it is no cryptographic signature. */
	json_put_str(o, "targetFormat", "text/plain; charset=utf-8");
	sodium_bin2base64(b64, sizeof b64, digest, 32, sodium_base64_VARIANT_ORIGINAL);
	json_put_str(o, "data", b64);
	cJSON_AddItemToArray(arr, o);
	json_put(p, "signature", arr);
	return p;
}

static char *
tag_query(const char *request_id)
{
	return xasprintf("_tag=%s|%s", FHIR_REQUEST_SYSTEM, request_id);
}

/* The resource an entry of a transaction's answer holds (borrowed), or NULL. */
static const cJSON *
entry_resource(const cJSON *resp, int i)
{
	const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(resp, "entry"), i);

	return e != NULL ? cJSON_GetObjectItemCaseSensitive(e, "resource") : NULL;
}

/* The note of entry 0 of the answer, signed by the Provenance of entry 1. */
static bool
note_from_answer(const cJSON *resp, struct note *out, struct error *err)
{
	const cJSON *doc = entry_resource(resp, 0), *prov = entry_resource(resp, 1);
	cJSON *both;

	if (doc == NULL)
		return error_set(err, ERR_FAILED, _("The server did not send the note back; look with 'ezrizi notes'."));
	if (!note_from_json(doc, out, err))
		return false;
	both = cJSON_CreateArray();
	if (prov != NULL)
		cJSON_AddItemToArray(both, cJSON_Duplicate(prov, true));
	notes_sign_fill(out, 1, both);
	cJSON_Delete(both);
	return true;
}

/* The SHA-256 of the attachment's bytes of a resource about to be sent. */
static void
doc_digest(const cJSON *doc, unsigned char out[32])
{
	const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "content"), 0);
	const char *data = str_of(cJSON_GetObjectItemCaseSensitive(c, "attachment"), "data");
	size_t len, out_len;
	unsigned char *bin;

	memset(out, 0, 32);
	if (data == NULL)
		return;
	len = strlen(data);
	bin = xmalloc(len / 4 * 3 + 4);
	if (sodium_base642bin(bin, len / 4 * 3 + 3, data, len, NULL, &out_len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) == 0)
		crypto_hash_sha256(out, bin, out_len);
	sodium_memzero(bin, len / 4 * 3 + 4);
	free(bin);
}

void
notes_tx_add_group(struct session *s, struct fhir_tx *tx, cJSON *const *docs, const char *const *ids,
		   size_t n, const char *request_id, const char *me)
{
	unsigned char digest[32];
	cJSON *prov = NULL, *targets = NULL;
	char *tq = tag_query(request_id);

	doc_digest(docs[0], digest);   /* one text: the same digest for every note */
	for (size_t i = 0; i < n; i++) {
		char *full = xasprintf("urn:uuid:%s", ids[i]), *ine = fhir_if_none_exist(ids[i]);

		fhir_tx_create(tx, docs[i], full, ine);
		if (i == 0) {
			prov = provenance(full, NULL, me, supervisor_of_me(s, me), SIG_AUTHOR, digest, request_id);
			targets = cJSON_GetObjectItemCaseSensitive(prov, "target");
		} else {
			cJSON *o = cJSON_CreateObject();

			json_put_str(o, "reference", full);
			cJSON_AddItemToArray(targets, o);
		}
		free(full);
		free(ine);
	}
	fhir_tx_create(tx, prov, NULL, tq);
	free(tq);
}

bool
notes_create_signed(struct session *s, cJSON *doc, const char *request_id, const char *sig,
		    struct note *out, struct error *err)
{
	const char *me = session_practitioner(s, NULL, err);
	char *full, *ine, *tq;
	unsigned char digest[32];
	struct fhir_tx tx;
	cJSON *resp;
	bool ok = false;

	if (me == NULL) {
		cJSON_Delete(doc);
		return false;
	}
	full = xasprintf("urn:uuid:%s", request_id);
	ine = fhir_if_none_exist(request_id);
	tq = tag_query(request_id);
	fhir_tx_init(&tx);
	doc_digest(doc, digest);
	fhir_tx_create(&tx, doc, full, ine);
	fhir_tx_create(&tx, provenance(full, NULL, me, supervisor_of_me(s, me), sig, digest, request_id),
		       NULL, tq);
	resp = fhir_tx_commit(s, &tx, err);
	if (resp != NULL) {
		ok = note_from_answer(resp, out, err);
		cJSON_Delete(resp);
	}
	fhir_tx_finish(&tx);
	free(full);
	free(ine);
	free(tq);
	return ok;
}

/* The Provenances of a note, and the notes that replace or append it, with
 * the people they name: the resources notes_sign_fill reads (cJSON_Delete()). */
static cJSON *
signing_of(struct session *s, const char *id, struct error *err)
{
	char *ref = xasprintf("DocumentReference/%s", id), *e = http_escape(ref);
	char *q = xasprintf("Provenance?target=%s&_count=100&_include=Provenance:agent", e);
	cJSON *all = fhir_search(s, q, 500, err), *rel, *x;

	free(q);
	if (all != NULL) {
		q = xasprintf("DocumentReference?relatesto=%s&_count=100&_include=DocumentReference:author"
			      "&_revinclude=Provenance:target", e);
		rel = fhir_search(s, q, 500, err);
		free(q);
		if (rel == NULL) {
			cJSON_Delete(all);
			all = NULL;
		} else {
			while ((x = cJSON_DetachItemFromArray(rel, 0)) != NULL)
				cJSON_AddItemToArray(all, x);
			cJSON_Delete(rel);
		}
	}
	free(ref);
	free(e);
	return all;
}

/* Fills one note from the resources; the replacing and appending notes are
 * among them. */
static void
fill_from(struct note *n, const cJSON *all)
{
	struct note_list l = { 0 };
	const cJSON *r;
	struct error e;

	l.v = xcalloc((size_t)cJSON_GetArraySize(all) + 2, sizeof *l.v);
	l.v[l.n++] = *n;
	cJSON_ArrayForEach(r, all) {
		error_clear(&e);
		if (is_type(r, "DocumentReference") && note_from_json(r, &l.v[l.n], &e))
			l.n++;
	}
	notes_sign_fill(l.v, l.n, all);
	*n = l.v[0];
	for (size_t i = 1; i < l.n; i++)
		note_finish(&l.v[i]);
	free(l.v);
}

bool
notes_read_signed(struct session *s, const char *id, struct note *out, char **etag, cJSON **res,
		  struct error *err)
{
	cJSON *doc = fhir_read(s, "DocumentReference", id, etag, err), *all;

	memset(out, 0, sizeof *out);
	if (doc == NULL)
		return false;
	if (!note_from_json(doc, out, err) || (all = signing_of(s, id, err)) == NULL) {
		note_finish(out);
		cJSON_Delete(doc);
		if (etag != NULL) {
			free(*etag);
			*etag = NULL;
		}
		return false;
	}
	fill_from(out, all);
	cJSON_Delete(all);
	if (res != NULL)
		*res = doc;
	else
		cJSON_Delete(doc);
	return true;
}

bool
notes_replaced_by(struct session *s, const char *id, char **by, struct error *err)
{
	struct note n;

	*by = NULL;
	if (!notes_read_signed(s, id, &n, NULL, NULL, err))
		return false;
	*by = n.replaced_by_id != NULL ? xstrdup(n.replaced_by_id) : NULL;
	note_finish(&n);
	return true;
}

/* Whether a signature of the note was made by this write (a replay). */
static bool
signed_by_this_write(struct session *s, const char *id, const char *sig, const char *request_id)
{
	char *ref = xasprintf("DocumentReference/%s", id), *e = http_escape(ref);
	char *q = xasprintf("Provenance?target=%s&%s", e, "_count=100");
	struct error ignored;
	const cJSON *r;
	cJSON *all;
	bool found = false;

	error_clear(&ignored);
	all = fhir_search(s, q, 500, &ignored);
	cJSON_ArrayForEach(r, all) {
		struct sig g;

		if (!is_type(r, "Provenance") || !sig_read(r, &g))
			continue;
		found = found || (g.tag != NULL && strcmp(g.tag, request_id) == 0 &&
				  (strcmp(sig, SIG_VERIFY) == 0) == (strcmp(g.code, SIG_VERIFY) == 0));
		sig_finish(&g);
	}
	cJSON_Delete(all);
	free(q);
	free(ref);
	free(e);
	return found;
}

static bool
conflict_said(const char *id, struct error *err)
{
	if (err->kind == ERR_CONFLICT && err->http_status != 0) {
		error_clear(err);
		error_set(err, ERR_CONFLICT,
			  _("Note %s was changed by someone else meanwhile; nothing was overwritten. Read it again, then make your change."),
			  id);
	}
	return false;
}

/* A note that cannot take a signature, an addendum or a co-signature says why. */
static bool
usable(const struct note *n, const char *id, struct error *err)
{
	if (n->status != NULL && strcmp(n->status, "current") != 0)
		return error_set(err, ERR_CONFLICT, _("Note %s is %s: change the note that replaced it."), id, n->status);
	if (n->replaced_by_id != NULL)
		return error_set(err, ERR_CONFLICT, _("Note %s was replaced by note %s: use that one."), id, n->replaced_by_id);
	return true;
}

/* The sign itself: the draft final with its authenticator, and its
 * Provenance, in one transaction pinned to the version read. */
static bool
sign_tx(struct session *s, const cJSON *old, const char *etag, const struct note *cur,
	const char *me, const char *request_id, struct note *out, struct error *err)
{
	cJSON *doc = cJSON_Duplicate(old, true), *resp;
	char *url = xasprintf("DocumentReference/%s", cur->id), *tq = tag_query(request_id);
	char *rev = xasprintf("DocumentReference/%s/_history/%s", cur->id, cur->version != NULL ? cur->version : "");
	unsigned char digest[32] = { 0 };
	struct fhir_tx tx;
	bool ok = false;

	cJSON_DeleteItemFromObjectCaseSensitive(doc, "meta");
	seclabel_copy(doc, old);   /* a process note stays one */
	json_put_str(doc, "docStatus", "final");
	json_put(doc, "authenticator", fhir_reference("Practitioner", me, NULL));
	if (cur->has_digest)
		memcpy(digest, cur->digest, sizeof digest);
	fhir_tx_init(&tx);
	fhir_tx_update(&tx, url, doc, old, etag);
	fhir_tx_create(&tx, provenance(url, cur->version != NULL ? rev : NULL, me, supervisor_of_me(s, me),
				       cur->appends_id != NULL || cur->replaces_id != NULL ? SIG_ADDENDUM : SIG_AUTHOR,
				       digest, request_id), NULL, tq);
	resp = fhir_tx_commit(s, &tx, err);
	if (resp != NULL) {
		ok = note_from_answer(resp, out, err);
		cJSON_Delete(resp);
	}
	fhir_tx_finish(&tx);
	free(url);
	free(tq);
	free(rev);
	return ok;
}

bool
note_sign(struct session *s, const char *id, struct note *out, struct error *err)
{
	const char *me = session_practitioner(s, NULL, err);
	char request_id[37], *etag = NULL;
	struct note cur;
	cJSON *old = NULL;
	bool ok = false;

	if (me == NULL || !notes_read_signed(s, id, &cur, &etag, &old, err))
		return false;
	session_request_id(s, request_id);
	if (!usable(&cur, id, err)) {
		;
	} else if (note_is_signed(&cur)) {
		if (signed_by_this_write(s, id, SIG_AUTHOR, request_id)) {
			*out = cur;  /* this very write, replayed: done already */
			memset(&cur, 0, sizeof cur);
			ok = true;
		} else {
			error_set(err, ERR_USAGE, _("Note %s is signed already, and locked: add to it with 'ezrizi note addendum %s', or correct it with 'ezrizi note edit %s'."),
				  id, id, id);
		}
	} else if (!note_is_draft(&cur)) {
		error_set(err, ERR_USAGE, _("Note %s is neither a draft nor signed (%s); ezrizi does not sign it."), id,
			  cur.doc_status != NULL ? cur.doc_status : "-");
	} else if (cur.author_id == NULL || strcmp(cur.author_id, me) != 0) {
		error_set(err, ERR_USAGE, _("Note %s is another counsellor's draft: only its author signs it."), id);
	} else if (!(ok = sign_tx(s, old, etag, &cur, me, request_id, out, err))) {
		conflict_said(id, err);
	}
	note_finish(&cur);
	cJSON_Delete(old);
	free(etag);
	return ok;
}

bool
note_cosign(struct session *s, const char *id, struct note *out, struct error *err)
{
	const char *me = session_practitioner(s, NULL, err);
	char request_id[37], *etag = NULL, *url, *rev, *tq;
	struct fhir_opts o = { .idempotent = true };
	struct fhir_result r;
	struct note cur;
	cJSON *prov;
	bool ok = false;

	if (me == NULL || !notes_read_signed(s, id, &cur, &etag, NULL, err))
		return false;
	free(etag);
	session_request_id(s, request_id);
	if (!usable(&cur, id, err)) {
		note_finish(&cur);
		return false;
	}
	if (cur.cosigned_at != 0 && signed_by_this_write(s, id, SIG_VERIFY, request_id)) {
		*out = cur;  /* this very write, replayed */
		return true;
	}
	if (!note_is_signed(&cur))
		error_set(err, ERR_USAGE, _("Note %s is a draft: its author signs it first."), id);
	else if (cur.tampered)
		error_set(err, ERR_CONFLICT, _("Note %s was changed on the server after it was signed; it is not co-signed. Ask the clinic to look at its history."), id);
	else if (cur.cosigned_at != 0)
		error_set(err, ERR_USAGE, _("Note %s is co-signed already."), id);
	else if (!note_awaits_cosign(&cur))
		error_set(err, ERR_USAGE, _("Note %s does not wait for a co-signature."), id);
	else if (!note_awaits_cosign_by(&cur, me))
		error_set(err, ERR_USAGE, _("Only the supervisor the signature names (Practitioner %s) co-signs note %s."),
			  cur.cosign_by_id, id);
	else
		ok = true;
	if (!ok) {
		note_finish(&cur);
		return false;
	}
	url = xasprintf("DocumentReference/%s", id);
	rev = xasprintf("DocumentReference/%s/_history/%s", id, cur.version != NULL ? cur.version : "");
	tq = tag_query(request_id);
	prov = provenance(url, cur.version != NULL ? rev : NULL, me, NULL, SIG_VERIFY, cur.digest, request_id);
	o.if_none_exist = tq;
	ok = fhir_call(s, "POST", "Provenance", prov, &o, &r, err);
	cJSON_Delete(prov);
	if (ok) {
		cJSON *one = cJSON_CreateArray();

		if (r.json != NULL)
			cJSON_AddItemToArray(one, r.json);
		r.json = NULL;
		set_str(&cur.cosigned_by_id, me);
		cur.cosigned_at = clock_now();
		fhir_result_finish(&r);
		cJSON_Delete(one);
		*out = cur;
	} else {
		note_finish(&cur);
	}
	free(url);
	free(rev);
	free(tq);
	return ok;
}

/* The addendum: the original's kind and client, my text, appending it. */
static cJSON *
addendum_doc(const cJSON *orig, const char *id, const char *me, const char *text, const char *request_id)
{
	cJSON *d = cJSON_CreateObject(), *x;
	static const char *const keep[] = { "type", "category", "subject", "context", NULL };

	json_put_str(d, "resourceType", "DocumentReference");
	fhir_set_request_identifier(d, request_id);
	json_put_str(d, "status", "current");
	json_put_str(d, "docStatus", "final");
	for (size_t i = 0; keep[i] != NULL; i++) {
		if ((x = cJSON_GetObjectItemCaseSensitive(orig, keep[i])) != NULL)
			json_put(d, keep[i], cJSON_Duplicate(x, true));
	}
	notes_signed_relating(d, me, "appends", id);
	notes_set_content(d, text);
	seclabel_copy(d, orig);   /* an addendum to a process note is one too */
	return d;
}

bool
note_addendum(struct session *s, const char *id, const char *text, struct note *out,
	      struct error *err)
{
	const char *me;
	char request_id[37];
	struct note cur;
	cJSON *old = NULL;
	bool ok = false;

	if (!notes_text_ok(text, err) || (me = session_practitioner(s, NULL, err)) == NULL)
		return false;
	if (!notes_read_signed(s, id, &cur, NULL, &old, err))
		return false;
	session_request_id(s, request_id);
	if (!usable(&cur, id, err))
		;
	else if (!note_is_signed(&cur))
		error_set(err, ERR_USAGE, _("Note %s is a draft: sign it first ('ezrizi note sign %s'), or change it with 'ezrizi note edit %s'."),
			  id, id, id);
	else
		ok = notes_create_signed(s, addendum_doc(old, id, me, text, request_id), request_id,
					 SIG_ADDENDUM, out, err);
	note_finish(&cur);
	cJSON_Delete(old);
	return ok;
}

static int
chain_cmp(const void *pa, const void *pb)
{
	const struct note *a = pa, *b = pb;

	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;  /* oldest first */
	return strcmp(a->id, b->id);
}

bool
note_get_chain(struct session *s, const char *id, struct note *out, struct note_list *chain,
	       struct error *err)
{
	char *ref, *e, *q;
	cJSON *all;
	const cJSON *r;

	memset(chain, 0, sizeof *chain);
	if (!notes_read_signed(s, id, out, NULL, NULL, err))
		return false;
	ref = xasprintf("DocumentReference/%s", id);
	e = http_escape(ref);
	q = xasprintf("DocumentReference?relatesto=%s&_count=100&_include=DocumentReference:author"
		      "&_revinclude=Provenance:target", e);
	all = fhir_search(s, q, 500, err);
	free(q);
	free(ref);
	free(e);
	if (all == NULL) {
		note_finish(out);
		return false;
	}
	chain->v = xcalloc((size_t)cJSON_GetArraySize(all) + 1, sizeof *chain->v);
	cJSON_ArrayForEach(r, all) {
		struct note *n = &chain->v[chain->n];
		struct error ignored;

		error_clear(&ignored);
		if (!is_type(r, "DocumentReference") || !note_from_json(r, n, &ignored))
			continue;
		if (n->appends_id == NULL || strcmp(n->appends_id, id) != 0 ||
		    (n->status != NULL && strcmp(n->status, "current") != 0)) {
			note_finish(n);
			continue;
		}
		chain->n++;
	}
	notes_sign_fill(chain->v, chain->n, all);
	/* Authors' names: the search's includes. */
	{
		struct names *names = names_create();

		names_add_resources(names, all);
		for (size_t i = 0; i < chain->n; i++) {
			const char *nm = names_get(names, "Practitioner", chain->v[i].author_id);

			if (nm != NULL)
				set_str(&chain->v[i].author_name, nm);
		}
		names_destroy(names);
	}
	qsort(chain->v, chain->n, sizeof *chain->v, chain_cmp);
	cJSON_Delete(all);
	return true;
}

char *
notes_trainee_refs(const char *supervises)
{
	struct buf refs;
	char *e;

	buf_init(&refs);
	for (const char *p = supervises != NULL ? supervises : ""; *p != '\0';) {
		size_t n = strcspn(p, ", ");

		if (n > 0)
			buf_addf(&refs, "%sPractitioner/%.*s", refs.len > 0 ? "," : "", (int)n, p);
		p += n;
		p += strspn(p, ", ");
	}
	e = http_escape(refs.data != NULL ? refs.data : "");
	buf_finish(&refs);
	return e;
}

bool
notes_awaiting_cosign(struct session *s, size_t max, struct note_list *out, struct error *err)
{
	const char *me = session_practitioner(s, NULL, err);
	const char *who = s->cfg != NULL ? config_get(s->cfg, "supervises") : NULL;
	char *e, *q;
	cJSON *all;
	struct note_list l;
	bool ok;

	memset(out, 0, sizeof *out);
	if (me == NULL)
		return false;
	if (who == NULL || *who == '\0')
		return error_set(err, ERR_USAGE, _("No trainees are named: set 'supervises' in the config to the Practitioner ids of those you supervise, separated by commas."));
	e = notes_trainee_refs(who);
	q = xasprintf("DocumentReference?authenticator=%s&_count=100&_include=DocumentReference:author"
		      "&_revinclude=Provenance:target", e);
	all = fhir_search(s, q, 1000, err);
	free(q);
	free(e);
	if (all == NULL)
		return false;
	ok = notes_from_resources(all, 1000, &l, err);
	cJSON_Delete(all);
	if (!ok)
		return false;
	out->v = xcalloc(l.n + 1, sizeof *out->v);
	for (size_t i = 0; i < l.n; i++) {
		if (out->n < max && note_awaits_cosign_by(&l.v[i], me))
			out->v[out->n++] = l.v[i];
		else
			note_finish(&l.v[i]);
	}
	free(l.v);
	qsort(out->v, out->n, sizeof *out->v, chain_cmp);
	return true;
}
