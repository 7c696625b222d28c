/* model.c - FHIR resources to C structs; see include/core/model.h. */
#include "core/model.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/date.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/seclabel.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

/* Starts reading a resource: checks its type and id. */
static bool
begin(struct json_ctx *ctx, const cJSON *res, const char *type, char **id, struct error *err)
{
	const cJSON *rt = cJSON_IsObject(res) ? cJSON_GetObjectItemCaseSensitive(res, "resourceType") : NULL;
	const cJSON *jid;

	ctx->type = type;
	ctx->id = NULL;
	ctx->err = err;
	ctx->failed = false;
	if (!cJSON_IsString(rt) || strcmp(rt->valuestring, type) != 0)
		return error_set(err, ERR_FAILED, _("The server sent something other than a %s."), type);
	jid = cJSON_GetObjectItemCaseSensitive(res, "id");
	if (!cJSON_IsString(jid) || jid->valuestring[0] == '\0')
		return error_set(err, ERR_FAILED, _("The server sent a %s without an id."), type);
	ctx->id = jid->valuestring;
	*id = xstrdup(jid->valuestring);
	return true;
}

static bool
instant(struct json_ctx *ctx, const cJSON *obj, const char *key, time_t *out)
{
	const char *s = json_str(ctx, obj, key);

	*out = 0;
	if (s == NULL)
		return !ctx->failed;
	if (!instant_parse(s, out)) {
		ctx->failed = true;
		return error_set(ctx->err, ERR_FAILED,
				 _("%s/%s: the field '%s' is not a valid date and time; the server sent data ezrizi cannot use."),
				 ctx->type, ctx->id, key);
	}
	return true;
}

static const cJSON *
first(struct json_ctx *ctx, const cJSON *obj, const char *key)
{
	const cJSON *arr = json_arr(ctx, obj, key);

	return arr != NULL ? cJSON_GetArrayItem(arr, 0) : NULL;
}

char *
human_name(const cJSON *names)
{
	const cJSON *n = cJSON_IsArray(names) ? cJSON_GetArrayItem(names, 0) : NULL;
	const cJSON *text, *given, *family, *g;
	struct buf b;

	if (!cJSON_IsObject(n))
		return NULL;
	text = cJSON_GetObjectItemCaseSensitive(n, "text");
	if (cJSON_IsString(text) && text->valuestring[0] != '\0')
		return xstrdup(text->valuestring);
	buf_init(&b);
	given = cJSON_GetObjectItemCaseSensitive(n, "given");
	cJSON_ArrayForEach(g, given) {
		if (cJSON_IsString(g)) {
			if (b.len > 0)
				buf_addc(&b, ' ');
			buf_adds(&b, g->valuestring);
		}
	}
	family = cJSON_GetObjectItemCaseSensitive(n, "family");
	if (cJSON_IsString(family)) {
		if (b.len > 0)
			buf_addc(&b, ' ');
		buf_adds(&b, family->valuestring);
	}
	if (b.len == 0) {
		buf_finish(&b);
		return NULL;
	}
	return buf_steal(&b);
}

char *
reference_id(const cJSON *ref, const char *type)
{
	const cJSON *r = cJSON_IsObject(ref) ? cJSON_GetObjectItemCaseSensitive(ref, "reference") : NULL;
	const char *s, *slash;
	size_t tl = strlen(type);

	if (!cJSON_IsString(r))
		return NULL;
	s = r->valuestring;
	/* Absolute references end in ".../Type/id". */
	slash = strrchr(s, '/');
	if (slash == NULL || slash[1] == '\0' || (size_t)(slash - s) < tl)
		return NULL;
	if (memcmp(slash - tl, type, tl) != 0 || (slash - tl != s && slash[-(long)tl - 1] != '/'))
		return NULL;
	return xstrdup(slash + 1);
}

static char *
ref_display(const cJSON *ref)
{
	const cJSON *d = cJSON_IsObject(ref) ? cJSON_GetObjectItemCaseSensitive(ref, "display") : NULL;

	return cJSON_IsString(d) ? xstrdup(d->valuestring) : NULL;
}

/* A CodeableConcept's text, else its first coding's display, else its code. */
static char *
concept_text(const cJSON *cc)
{
	const cJSON *t, *codings, *c;

	if (!cJSON_IsObject(cc))
		return NULL;
	t = cJSON_GetObjectItemCaseSensitive(cc, "text");
	if (cJSON_IsString(t))
		return xstrdup(t->valuestring);
	codings = cJSON_GetObjectItemCaseSensitive(cc, "coding");
	c = cJSON_IsArray(codings) ? cJSON_GetArrayItem(codings, 0) : NULL;
	if (c == NULL)
		return NULL;
	t = cJSON_GetObjectItemCaseSensitive(c, "display");
	if (!cJSON_IsString(t))
		t = cJSON_GetObjectItemCaseSensitive(c, "code");
	return cJSON_IsString(t) ? xstrdup(t->valuestring) : NULL;
}

static const char *
concept_code(const cJSON *cc)
{
	const cJSON *codings = cJSON_IsObject(cc) ? cJSON_GetObjectItemCaseSensitive(cc, "coding") : NULL;
	const cJSON *c, *code;

	cJSON_ArrayForEach(c, codings) {
		code = cJSON_GetObjectItemCaseSensitive(c, "code");
		if (cJSON_IsString(code))
			return code->valuestring;
	}
	return NULL;
}

bool
patient_from_json(const cJSON *res, struct patient *p, struct error *err)
{
	struct json_ctx ctx;
	const cJSON *comm, *c, *tel, *t, *idf;

	memset(p, 0, sizeof *p);
	if (!begin(&ctx, res, "Patient", &p->id, err))
		return false;
	p->name = human_name(json_arr(&ctx, res, "name"));
	p->gender = xstrdup(json_str(&ctx, res, "gender"));
	p->birth_date = xstrdup(json_str(&ctx, res, "birthDate"));
	comm = json_arr(&ctx, res, "communication");
	cJSON_ArrayForEach(c, comm) {
		const char *code = concept_code(cJSON_GetObjectItemCaseSensitive(c, "language"));
		const cJSON *pref = cJSON_GetObjectItemCaseSensitive(c, "preferred");

		if (code != NULL && (p->language == NULL || cJSON_IsTrue(pref))) {
			free(p->language);
			p->language = xstrdup(code);
		}
	}
	idf = first(&ctx, res, "identifier");
	if (cJSON_IsObject(idf))
		p->mrn = xstrdup(json_str(&ctx, idf, "value"));
	tel = json_arr(&ctx, res, "telecom");
	cJSON_ArrayForEach(t, tel) {
		const cJSON *sys = cJSON_GetObjectItemCaseSensitive(t, "system");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, "value");

		if (p->phone == NULL && cJSON_IsString(sys) && strcmp(sys->valuestring, "phone") == 0 &&
		    cJSON_IsString(v))
			p->phone = xstrdup(v->valuestring);
	}
	if (ctx.failed) {
		patient_finish(p);
		return false;
	}
	return true;
}

bool
practitioner_from_json(const cJSON *res, struct practitioner *p, struct error *err)
{
	struct json_ctx ctx;
	const cJSON *comm, *c;
	struct buf b;

	memset(p, 0, sizeof *p);
	if (!begin(&ctx, res, "Practitioner", &p->id, err))
		return false;
	p->name = human_name(json_arr(&ctx, res, "name"));
	buf_init(&b);
	comm = json_arr(&ctx, res, "communication");
	cJSON_ArrayForEach(c, comm) {
		const char *code = concept_code(c);

		if (code != NULL) {
			if (b.len > 0)
				buf_addc(&b, ',');
			buf_adds(&b, code);
		}
	}
	p->languages = b.len > 0 ? buf_steal(&b) : (buf_finish(&b), NULL);
	if (ctx.failed) {
		practitioner_finish(p);
		return false;
	}
	return true;
}

bool
slot_from_json(const cJSON *res, struct slot *s, struct error *err)
{
	struct json_ctx ctx;

	memset(s, 0, sizeof *s);
	if (!begin(&ctx, res, "Slot", &s->id, err))
		return false;
	s->schedule_id = reference_id(json_obj(&ctx, res, "schedule"), "Schedule");
	s->status = xstrdup(json_str(&ctx, res, "status"));
	instant(&ctx, res, "start", &s->start);
	instant(&ctx, res, "end", &s->end);
	if (ctx.failed) {
		slot_finish(s);
		return false;
	}
	return true;
}

static void
appointment_participants(struct json_ctx *ctx, const cJSON *res, struct appointment *a)
{
	const cJSON *parts = json_arr(ctx, res, "participant"), *p;

	cJSON_ArrayForEach(p, parts) {
		const cJSON *actor = cJSON_GetObjectItemCaseSensitive(p, "actor");
		char *id;

		if ((id = reference_id(actor, "Patient")) != NULL) {
			if (a->patient_id == NULL) {
				a->patient_id = id;
				a->patient_name = ref_display(actor);
			} else {
				free(id);
			}
			a->n_patients++;
		} else if ((id = reference_id(actor, "Practitioner")) != NULL) {
			if (a->practitioner_id == NULL) {
				a->practitioner_id = id;
				a->practitioner_name = ref_display(actor);
			} else {
				free(id);
			}
		} else if ((id = reference_id(actor, "Group")) != NULL) {
			free(a->group_id);
			a->group_id = id;
		}
	}
}

bool
appointment_from_json(const cJSON *res, struct appointment *a, struct error *err)
{
	struct json_ctx ctx;
	const cJSON *cr;

	memset(a, 0, sizeof *a);
	if (!begin(&ctx, res, "Appointment", &a->id, err))
		return false;
	a->status = xstrdup(json_str(&ctx, res, "status"));
	instant(&ctx, res, "start", &a->start);
	instant(&ctx, res, "end", &a->end);
	appointment_participants(&ctx, res, a);
	a->slot_id = reference_id(first(&ctx, res, "slot"), "Slot");
	a->service = concept_text(first(&ctx, res, "serviceType"));
	a->comment = xstrdup(json_str(&ctx, res, "comment"));
	cr = json_obj(&ctx, res, "cancelationReason");
	a->cancel_reason = concept_text(cr);
	if (a->status == NULL && !ctx.failed)
		error_set(err, ERR_FAILED, _("%s/%s: the field '%s' is missing; the server sent data ezrizi cannot use."),
			  "Appointment", a->id, "status"), ctx.failed = true;
	if (ctx.failed) {
		appointment_finish(a);
		return false;
	}
	return true;
}

/* Decodes a base64 attachment that must be valid UTF-8 text. */
static char *
attachment_text(struct json_ctx *ctx, const cJSON *att)
{
	const char *data = json_str_big(ctx, att, "data");
	const char *ct = json_str(ctx, att, "contentType");
	size_t len, out_len;
	char *out;

	if (data == NULL || (ct != NULL && !ascii_prefix_nocase(ct, "text/")))
		return NULL;
	len = strlen(data);
	out = xmalloc(len / 4 * 3 + 4);
	if (sodium_base642bin((unsigned char *)out, len / 4 * 3 + 3, data, len, " \r\n", &out_len,
			      NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    !utf8_valid(out, out_len) || memchr(out, '\0', out_len) != NULL) {
		free(out);
		ctx->failed = true;
		error_set(ctx->err, ERR_FAILED,
			  _("%s/%s: the note's text is not valid base64 UTF-8; the server sent data ezrizi cannot use."),
			  ctx->type, ctx->id);
		return NULL;
	}
	out[out_len] = '\0';
	return out;
}

static char *
note_kind(const cJSON *type)
{
	const char *code = concept_code(type);

	if (code != NULL && strcmp(code, "11506-3") == 0)
		return xstrdup("progress");
	if (code != NULL && strcmp(code, "11488-4") == 0)
		return xstrdup("consult");
	return concept_text(type);
}

/* The session a note is of (context.related, context.period) and the
 * template it was written from. */
static void
note_session(struct json_ctx *ctx, const cJSON *res, struct note *n)
{
	const cJSON *context = json_obj(ctx, res, "context"), *period, *r, *e;
	const cJSON *related = context != NULL ? json_arr(ctx, context, "related") : NULL;

	cJSON_ArrayForEach(r, related) {
		if (n->appointment_id == NULL)
			n->appointment_id = reference_id(r, "Appointment");
	}
	if (context != NULL && (period = json_obj(ctx, context, "period")) != NULL) {
		instant(ctx, period, "start", &n->period_start);
		instant(ctx, period, "end", &n->period_end);
	}
	cJSON_ArrayForEach(e, json_arr(ctx, res, "extension")) {
		const char *u = json_str(ctx, e, "url"), *v = json_str(ctx, e, "valueCode");

		if (u != NULL && v != NULL && n->template_name == NULL && strcmp(u, "urn:ezrizi:note-template") == 0)
			n->template_name = xstrdup(v);
	}
}

/* What signing reads of the note itself: its version, who it names as having
 * signed it, what it corrects or appends, and the SHA-256 of its attachment's
 * bytes (what a signature's data is compared with). */
static void
note_signing(struct json_ctx *ctx, const cJSON *res, const cJSON *att, struct note *n)
{
	const cJSON *meta = json_obj(ctx, res, "meta"), *rel;
	const char *data = att != NULL ? json_str_big(ctx, att, "data") : NULL;

	if (meta != NULL)
		n->version = xstrdup(json_str(ctx, meta, "versionId"));
	n->authenticator_id = reference_id(json_obj(ctx, res, "authenticator"), "Practitioner");
	cJSON_ArrayForEach(rel, json_arr(ctx, res, "relatesTo")) {
		const char *code = json_str(ctx, rel, "code");
		char **to = code == NULL ? NULL : strcmp(code, "replaces") == 0 ? &n->replaces_id
					  : strcmp(code, "appends") == 0 ? &n->appends_id : NULL;

		if (to != NULL && *to == NULL)
			*to = reference_id(json_obj(ctx, rel, "target"), "DocumentReference");
	}
	if (data != NULL) {
		size_t len = strlen(data), out_len;
		unsigned char *bin = xmalloc(len / 4 * 3 + 4);

		if (sodium_base642bin(bin, len / 4 * 3 + 3, data, len, " \r\n", &out_len, NULL,
				      sodium_base64_VARIANT_ORIGINAL) == 0) {
			crypto_hash_sha256(n->digest, bin, out_len);
			n->has_digest = true;
		}
		sodium_memzero(bin, len / 4 * 3 + 4);
		free(bin);
	}
}

bool
note_from_json(const cJSON *res, struct note *n, struct error *err)
{
	struct json_ctx ctx;
	const cJSON *content, *att, *author;

	memset(n, 0, sizeof *n);
	if (!begin(&ctx, res, "DocumentReference", &n->id, err))
		return false;
	n->status = xstrdup(json_str(&ctx, res, "status"));
	n->doc_status = xstrdup(json_str(&ctx, res, "docStatus"));
	n->kind = note_kind(json_obj(&ctx, res, "type"));
	n->process = seclabel_is_process(res);
	n->patient_id = reference_id(json_obj(&ctx, res, "subject"), "Patient");
	author = first(&ctx, res, "author");
	n->author_id = reference_id(author, "Practitioner");
	n->author_name = ref_display(author);
	instant(&ctx, res, "date", &n->date);
	content = first(&ctx, res, "content");
	att = cJSON_IsObject(content) ? json_obj(&ctx, content, "attachment") : NULL;
	if (att != NULL) {
		n->language = xstrdup(json_str(&ctx, att, "language"));
		n->text = attachment_text(&ctx, att);
	}
	note_session(&ctx, res, n);
	note_signing(&ctx, res, att, n);
	if (ctx.failed) {
		note_finish(n);
		return false;
	}
	return true;
}

bool
message_from_json(const cJSON *res, struct message *m, struct error *err)
{
	struct json_ctx ctx;
	const cJSON *payload, *p, *sender;
	struct buf b;
	bool has_text = false;

	memset(m, 0, sizeof *m);
	if (!begin(&ctx, res, "Communication", &m->id, err))
		return false;
	m->thread_id = reference_id(first(&ctx, res, "partOf"), "Communication");
	m->patient_id = reference_id(json_obj(&ctx, res, "subject"), "Patient");
	sender = json_obj(&ctx, res, "sender");
	if (sender != NULL) {
		const char *r = json_str(&ctx, sender, "reference");

		m->sender_ref = xstrdup(r);
		m->sender_name = ref_display(sender);
	}
	instant(&ctx, res, "sent", &m->sent);
	m->status = xstrdup(json_str(&ctx, res, "status"));
	payload = json_arr(&ctx, res, "payload");
	buf_init(&b);
	cJSON_ArrayForEach(p, payload) {
		const char *s = json_str(&ctx, p, "contentString");

		if (s != NULL) {
			if (has_text)
				buf_addc(&b, '\n');
			buf_adds(&b, s);
			has_text = true;
		}
	}
	/* A thread header has no text at all: NULL, never "" (an empty message
	 * is still a message). */
	if (has_text)
		m->text = buf_steal(&b);
	else
		buf_finish(&b);
	if (ctx.failed) {
		message_finish(m);
		return false;
	}
	return true;
}

/* The sub-extension url of an extension (by, at, reason). */
static const cJSON *
sub_extension(struct json_ctx *ctx, const cJSON *ext, const char *url)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, json_arr(ctx, ext, "extension")) {
		const char *u = json_str(ctx, e, "url");

		if (u != NULL && strcmp(u, url) == 0)
			return e;
	}
	return NULL;
}

/* Flag.extension: what raised it, its acknowledgement and its closure. */
static void
flag_extensions(struct json_ctx *ctx, const cJSON *res, struct flag *f)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, json_arr(ctx, res, "extension")) {
		const char *url = json_str(ctx, e, "url");
		const cJSON *by, *at, *why;
		time_t when = 0;

		if (url == NULL)
			continue;
		if (strcmp(url, FLAG_DETAIL_URL) == 0) {
			const cJSON *ref = json_obj(ctx, e, "valueReference");

			free(f->detail_ref);
			f->detail_ref = xstrdup(ref != NULL ? json_str(ctx, ref, "reference") : NULL);
			continue;
		}
		if (strcmp(url, FLAG_ACK_URL) != 0 && strcmp(url, FLAG_CLOSE_URL) != 0)
			continue;
		by = sub_extension(ctx, e, "by");
		at = sub_extension(ctx, e, "at");
		if (at != NULL)
			instant(ctx, at, "valueDateTime", &when);
		by = by != NULL ? json_obj(ctx, by, "valueReference") : NULL;
		if (strcmp(url, FLAG_ACK_URL) == 0) {
			free(f->ack_by);
			f->ack_by = xstrdup(by != NULL ? json_str(ctx, by, "reference") : NULL);
			f->ack_at = when;
			continue;
		}
		why = sub_extension(ctx, e, "reason");
		free(f->closed_by);
		free(f->close_reason);
		f->closed_by = xstrdup(by != NULL ? json_str(ctx, by, "reference") : NULL);
		f->close_reason = xstrdup(why != NULL ? json_str(ctx, why, "valueString") : NULL);
	}
}

static bool
flag_is_safety(struct json_ctx *ctx, const cJSON *res)
{
	const cJSON *cat, *c;

	cJSON_ArrayForEach(cat, json_arr(ctx, res, "category")) {
		cJSON_ArrayForEach(c, json_arr(ctx, cat, "coding")) {
			const char *code = json_str(ctx, c, "code");

			if (code != NULL && strcmp(code, "safety") == 0)
				return true;
		}
	}
	return false;
}

bool
flag_from_json(const cJSON *res, struct flag *f, struct error *err)
{
	struct json_ctx ctx;
	const cJSON *meta, *code, *coding, *author, *period;

	memset(f, 0, sizeof *f);
	if (!begin(&ctx, res, "Flag", &f->id, err))
		return false;
	meta = json_obj(&ctx, res, "meta");
	f->version = xstrdup(meta != NULL ? json_str(&ctx, meta, "versionId") : NULL);
	f->updated = xstrdup(meta != NULL ? json_str(&ctx, meta, "lastUpdated") : NULL);
	f->status = xstrdup(json_str(&ctx, res, "status"));
	f->safety = flag_is_safety(&ctx, res);
	code = json_obj(&ctx, res, "code");
	coding = code != NULL ? first(&ctx, code, "coding") : NULL;
	f->code = xstrdup(coding != NULL ? json_str(&ctx, coding, "code") : NULL);
	f->text = xstrdup(code != NULL ? json_str(&ctx, code, "text") : NULL);
	if (f->text == NULL && coding != NULL)
		f->text = xstrdup(json_str(&ctx, coding, "display"));
	f->patient_id = reference_id(json_obj(&ctx, res, "subject"), "Patient");
	if ((author = json_obj(&ctx, res, "author")) != NULL) {
		f->author_ref = xstrdup(json_str(&ctx, author, "reference"));
		f->author_name = ref_display(author);
	}
	if ((period = json_obj(&ctx, res, "period")) != NULL) {
		instant(&ctx, period, "start", &f->start);
		instant(&ctx, period, "end", &f->end);
	}
	flag_extensions(&ctx, res, f);
	if (ctx.failed || f->status == NULL) {
		if (!ctx.failed)
			error_set(err, ERR_FAILED, _("Flag/%s has no status; the server sent data ezrizi cannot use."), f->id);
		flag_finish(f);
		return false;
	}
	return true;
}

#define FREE_ALL(...) do { \
	char **ptrs_[] = { __VA_ARGS__ }; \
	for (size_t i_ = 0; i_ < sizeof ptrs_ / sizeof ptrs_[0]; i_++) { \
		free(*ptrs_[i_]); \
		*ptrs_[i_] = NULL; \
	} \
} while (0)

void
patient_finish(struct patient *p)
{
	FREE_ALL(&p->id, &p->name, &p->gender, &p->birth_date, &p->language, &p->mrn, &p->phone);
}

void
practitioner_finish(struct practitioner *p)
{
	FREE_ALL(&p->id, &p->name, &p->languages);
}

void
slot_finish(struct slot *s)
{
	FREE_ALL(&s->id, &s->schedule_id, &s->status);
}

void
appointment_finish(struct appointment *a)
{
	FREE_ALL(&a->id, &a->status, &a->patient_id, &a->patient_name, &a->group_id,
		 &a->practitioner_id, &a->practitioner_name, &a->slot_id, &a->service, &a->comment,
		 &a->cancel_reason);
}

void
note_finish(struct note *n)
{
	FREE_ALL(&n->id, &n->status, &n->doc_status, &n->kind, &n->patient_id, &n->author_id,
		 &n->author_name, &n->language, &n->version, &n->authenticator_id, &n->replaces_id,
		 &n->appends_id, &n->signed_by_id, &n->signed_by_name, &n->cosign_by_id,
		 &n->cosigned_by_id, &n->cosigned_by_name, &n->replaced_by_id, &n->appointment_id,
		 &n->template_name);
	if (n->text != NULL)
		sodium_memzero(n->text, strlen(n->text));
	free(n->text);
	n->text = NULL;
}

void
message_finish(struct message *m)
{
	FREE_ALL(&m->id, &m->thread_id, &m->patient_id, &m->sender_ref, &m->sender_name,
		 &m->status, &m->text);
}

void
flag_finish(struct flag *f)
{
	FREE_ALL(&f->id, &f->version, &f->updated, &f->status, &f->code, &f->text, &f->patient_id,
		 &f->patient_name, &f->author_ref, &f->author_name, &f->detail_ref, &f->ack_by, &f->closed_by,
		 &f->close_reason);
}

/* ---- names ---- */

struct name_entry {
	char *key;   /* "Patient/1" */
	char *name;
};

struct names {
	struct name_entry *v;
	size_t n, cap;
};

struct names *
names_create(void)
{
	return xcalloc(1, sizeof(struct names));
}

void
names_destroy(struct names *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->n; i++) {
		free(n->v[i].key);
		free(n->v[i].name);
	}
	free(n->v);
	free(n);
}

void
names_add_resources(struct names *n, const cJSON *resources)
{
	const cJSON *res;

	cJSON_ArrayForEach(res, resources) {
		const cJSON *rt = cJSON_GetObjectItemCaseSensitive(res, "resourceType");
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(res, "id");
		char *name;

		if (!cJSON_IsString(rt) || !cJSON_IsString(id))
			continue;
		if (strcmp(rt->valuestring, "Group") == 0) {
			const cJSON *gn = cJSON_GetObjectItemCaseSensitive(res, "name");

			name = cJSON_IsString(gn) ? xstrdup(gn->valuestring) : NULL;
		} else if (strcmp(rt->valuestring, "Patient") == 0 ||
			   strcmp(rt->valuestring, "Practitioner") == 0) {
			name = human_name(cJSON_GetObjectItemCaseSensitive(res, "name"));
		} else {
			continue;
		}
		if (name == NULL)
			continue;
		if (n->n == n->cap) {
			n->cap = n->cap ? n->cap * 2 : 32;
			n->v = xreallocarray(n->v, n->cap, sizeof *n->v);
		}
		n->v[n->n].key = xasprintf("%s/%s", rt->valuestring, id->valuestring);
		n->v[n->n].name = name;
		n->n++;
	}
}

const char *
names_get(const struct names *n, const char *type, const char *id)
{
	size_t tl;

	if (id == NULL)
		return NULL;
	tl = strlen(type);
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->v[i].key;

		if (strncmp(k, type, tl) == 0 && k[tl] == '/' && strcmp(k + tl + 1, id) == 0)
			return n->v[i].name;
	}
	return NULL;
}
