/* questionnaire.c - a Questionnaire read, asked and answered: see
 * include/core/questionnaire.h. */
#include "core/questionnaire.h"

#include <errno.h>
#include <math.h>   /* isfinite, a macro: no libm */
#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/fhir.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/session.h"
#include "core/store.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

#define ORDINAL_VALUE "http://hl7.org/fhir/StructureDefinition/ordinalValue"
#define ITEM_WEIGHT "http://hl7.org/fhir/StructureDefinition/itemWeight"

/* ---- reading ---- */

/* A whole number (without floor(), which would need libm). */
static bool
whole(double v)
{
	return v >= -9e15 && v <= 9e15 && v == (double)(long long)v;
}

struct reader {
	const cJSON *res;              /* the Questionnaire, for its contained ValueSets */
	struct questionnaire *q;
	size_t cap;
	struct json_ctx ctx;
	struct error *err;
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
value_finish(struct qn_value *v)
{
	free(v->system);
	free(v->code);
	free(v->display);
	free(v->str);
	memset(v, 0, sizeof *v);
}

/* The weight an option or a concept carries in its extensions (or its
 * coding's): R4's ordinalValue, R5's itemWeight. */
static bool
weight_of(const cJSON *obj, double *w)
{
	const cJSON *ext;

	cJSON_ArrayForEach(ext, cJSON_GetObjectItemCaseSensitive(obj, "extension")) {
		const cJSON *url = cJSON_GetObjectItemCaseSensitive(ext, "url");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(ext, "valueDecimal");

		if (!cJSON_IsString(url) || !cJSON_IsNumber(v) || !isfinite(v->valuedouble))
			continue;
		if (strcmp(url->valuestring, ORDINAL_VALUE) == 0 || strcmp(url->valuestring, ITEM_WEIGHT) == 0) {
			*w = v->valuedouble;
			return true;
		}
	}
	return false;
}

/* value[x] (prefix "value") or answer[x] (prefix "answer") of obj. False
 * when it has none of the kinds ezrizi reads; *kind_name then names what it
 * has, for the error. */
static bool
read_value(struct reader *r, const cJSON *obj, const char *prefix, struct qn_value *v,
	   const char **kind_name)
{
	static const char *const kinds[] = { "Coding", "String", "Integer", "Decimal", "Boolean" };
	char key[32];

	memset(v, 0, sizeof *v);
	*kind_name = NULL;
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		const cJSON *m;

		snprintf(key, sizeof key, "%s%s", prefix, kinds[k]);
		if ((m = cJSON_GetObjectItemCaseSensitive(obj, key)) == NULL)
			continue;
		switch (k) {
		case 0:
			if (!cJSON_IsObject(m))
				break;
			v->kind = QV_CODING;
			v->system = dup_or_null(json_str(&r->ctx, m, "system"));
			v->code = dup_or_null(json_str(&r->ctx, m, "code"));
			v->display = dup_or_null(json_str(&r->ctx, m, "display"));
			if (v->code == NULL && !r->ctx.failed)
				break;
			return !r->ctx.failed;
		case 1:
			if (!cJSON_IsString(m) || strlen(m->valuestring) > JSON_FIELD_MAX)
				break;
			v->kind = QV_STRING;
			v->str = xstrdup(m->valuestring);
			return true;
		case 2:
		case 3:
			if (!cJSON_IsNumber(m) || !isfinite(m->valuedouble) ||
			    (k == 2 && !whole(m->valuedouble)))
				break;
			v->kind = k == 2 ? QV_INTEGER : QV_DECIMAL;
			v->num = m->valuedouble;
			return true;
		default:
			if (!cJSON_IsBool(m))
				break;
			v->kind = QV_BOOLEAN;
			v->b = cJSON_IsTrue(m);
			return true;
		}
		value_finish(v);
		*kind_name = kinds[k];
		return false;
	}
	/* Which other kind it is, for the error. */
	for (const cJSON *m = obj->child; m != NULL; m = m->next) {
		if (m->string != NULL && strncmp(m->string, prefix, strlen(prefix)) == 0 &&
		    m->string[strlen(prefix)] >= 'A' && m->string[strlen(prefix)] <= 'Z') {
			*kind_name = m->string + strlen(prefix);
			break;
		}
	}
	return false;
}

/* Fails the reading with the first reason only. */
#define refuse(r, ...) ((r)->ctx.failed ? false \
	: ((r)->ctx.failed = true, error_set((r)->err, ERR_FAILED, __VA_ARGS__)))

static void
add_option(struct qn_item *it, struct qn_value *v, bool weighted, double w)
{
	it->options = xreallocarray(it->options, it->n_options + 1, sizeof *it->options);
	it->options[it->n_options].v = *v;
	it->options[it->n_options].weighted = weighted;
	it->options[it->n_options].weight = w;
	it->n_options++;
}

/* The options of a contained ValueSet ("#id"): its expansion, or the
 * concepts its compose lists. */
static bool
read_value_set(struct reader *r, struct qn_item *it, const char *ref)
{
	const cJSON *vs = NULL, *c;

	if (ref[0] == '#') {
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(r->res, "contained")) {
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(c, "id");
			const cJSON *type = cJSON_GetObjectItemCaseSensitive(c, "resourceType");

			if (cJSON_IsString(id) && cJSON_IsString(type) && strcmp(type->valuestring, "ValueSet") == 0 &&
			    strcmp(id->valuestring, ref + 1) == 0)
				vs = c;
		}
	}
	if (vs == NULL)
		return refuse(r, _("Item %s takes its answers from the ValueSet %s, which ezrizi cannot read (only one contained in the form); give this form on the platform."),
			      it->link_id, ref);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(vs, "expansion"), "contains")) {
		struct qn_value v = { .kind = QV_CODING };
		double w = 0;
		bool weighted = weight_of(c, &w);

		v.system = dup_or_null(json_str(&r->ctx, c, "system"));
		v.code = dup_or_null(json_str(&r->ctx, c, "code"));
		v.display = dup_or_null(json_str(&r->ctx, c, "display"));
		if (v.code == NULL || it->n_options == QN_MAX_OPTIONS) {
			value_finish(&v);
			continue;
		}
		add_option(it, &v, weighted, w);
	}
	if (it->n_options == 0) {
		const cJSON *inc;

		cJSON_ArrayForEach(inc, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(vs, "compose"), "include")) {
			const char *system = json_str(&r->ctx, inc, "system");

			cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(inc, "concept")) {
				struct qn_value v = { .kind = QV_CODING };
				double w = 0;
				bool weighted = weight_of(c, &w);

				v.system = dup_or_null(system);
				v.code = dup_or_null(json_str(&r->ctx, c, "code"));
				v.display = dup_or_null(json_str(&r->ctx, c, "display"));
				if (v.code == NULL || it->n_options == QN_MAX_OPTIONS) {
					value_finish(&v);
					continue;
				}
				add_option(it, &v, weighted, w);
			}
		}
	}
	if (it->n_options == 0)
		return refuse(r, _("Item %s takes its answers from the ValueSet %s, which lists none; give this form on the platform."),
			      it->link_id, ref);
	return !r->ctx.failed;
}

static bool
read_options(struct reader *r, struct qn_item *it, const cJSON *item)
{
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(item, "answerOption"), *o;
	const char *vs = json_str(&r->ctx, item, "answerValueSet");

	if (vs != NULL && opts == NULL)
		return read_value_set(r, it, vs);
	cJSON_ArrayForEach(o, opts) {
		struct qn_value v;
		const char *kind;
		double w = 0;
		bool weighted;

		if (it->n_options == QN_MAX_OPTIONS)
			return refuse(r, _("Item %s offers more than %d answers, more than ezrizi can show; give this form on the platform."),
				      it->link_id, QN_MAX_OPTIONS);
		if (!read_value(r, o, "value", &v, &kind) || v.kind == QV_BOOLEAN || v.kind == QV_DECIMAL) {
			value_finish(&v);
			return refuse(r, _("Item %s offers an answer of a kind ezrizi cannot ask (%s); give this form on the platform."),
				      it->link_id, kind != NULL ? kind : "?");
		}
		weighted = weight_of(o, &w) ||
			   (v.kind == QV_CODING && weight_of(cJSON_GetObjectItemCaseSensitive(o, "valueCoding"), &w));
		add_option(it, &v, weighted, w);
	}
	if (it->n_options == 0)
		return refuse(r, _("Item %s is a choice with no answers to choose from; give this form on the platform."),
			      it->link_id);
	return true;
}

static bool
read_when(struct reader *r, struct qn_item *it, const cJSON *item)
{
	static const struct { const char *name; enum qn_op op; } ops[] = {
		{ "exists", QN_EXISTS }, { "=", QN_EQ }, { "!=", QN_NE }, { ">", QN_GT },
		{ "<", QN_LT }, { ">=", QN_GE }, { "<=", QN_LE },
	};
	const cJSON *w;
	const char *behaviour = json_str(&r->ctx, item, "enableBehavior");

	it->when_any = behaviour != NULL && strcmp(behaviour, "any") == 0;
	cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(item, "enableWhen")) {
		const char *question = json_str(&r->ctx, w, "question");
		const char *op = json_str(&r->ctx, w, "operator"), *kind;
		struct qn_cond c = { 0 };
		size_t k;

		for (k = 0; op != NULL && k < sizeof ops / sizeof ops[0]; k++) {
			if (strcmp(op, ops[k].name) == 0)
				break;
		}
		if (question == NULL || op == NULL || k == sizeof ops / sizeof ops[0])
			return refuse(r, _("Item %s has a condition ezrizi cannot read (%s); give this form on the platform."),
				      it->link_id, op != NULL ? op : "enableWhen");
		if (!read_value(r, w, "answer", &c.answer, &kind) ||
		    (ops[k].op == QN_EXISTS && c.answer.kind != QV_BOOLEAN)) {
			value_finish(&c.answer);
			return refuse(r, _("Item %s has a condition ezrizi cannot read (%s); give this form on the platform."),
				      it->link_id, kind != NULL ? kind : op);
		}
		c.question = xstrdup(question);
		c.op = ops[k].op;
		it->when = xreallocarray(it->when, it->n_when + 1, sizeof *it->when);
		it->when[it->n_when++] = c;
	}
	return !r->ctx.failed;
}

static bool read_items(struct reader *r, const cJSON *items, int depth, int parent);

static bool
read_item(struct reader *r, const cJSON *item, int depth, int parent)
{
	static const struct { const char *name; enum qn_type type; } types[] = {
		{ "group", QN_GROUP }, { "display", QN_DISPLAY }, { "choice", QN_CHOICE },
		{ "open-choice", QN_CHOICE }, { "integer", QN_INTEGER }, { "decimal", QN_DECIMAL },
		{ "boolean", QN_BOOLEAN }, { "string", QN_STRING }, { "text", QN_STRING },
	};
	struct questionnaire *q = r->q;
	const char *link_id = json_str(&r->ctx, item, "linkId"), *type = json_str(&r->ctx, item, "type");
	const cJSON *code = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(item, "code"), 0);
	const cJSON *repeats = cJSON_GetObjectItemCaseSensitive(item, "repeats");
	struct qn_item *it;
	size_t k, at;

	if (r->ctx.failed)
		return false;
	if (link_id == NULL || type == NULL || !cJSON_IsObject(item))
		return refuse(r, _("An item of the form has no %s; give this form on the platform."),
			      link_id == NULL ? "linkId" : "type");
	if (q->n_items == QN_MAX_ITEMS)
		return refuse(r, _("The form has more than %d items, more than ezrizi gives; give it on the platform."),
			      QN_MAX_ITEMS);
	if (depth >= QN_MAX_DEPTH)
		return refuse(r, _("Item %s is nested deeper than ezrizi gives (%d levels); give this form on the platform."),
			      link_id, QN_MAX_DEPTH);
	for (k = 0; k < sizeof types / sizeof types[0]; k++) {
		if (strcmp(type, types[k].name) == 0)
			break;
	}
	if (k == sizeof types / sizeof types[0])
		return refuse(r, _("Item %s asks for a %s, which ezrizi cannot ask yet; give this form on the platform."),
			      link_id, type);
	if (q->n_items == r->cap) {
		r->cap = r->cap != 0 ? 2 * r->cap : 16;
		q->items = xreallocarray(q->items, r->cap, sizeof *q->items);
	}
	at = q->n_items++;
	it = &q->items[at];
	memset(it, 0, sizeof *it);
	it->link_id = xstrdup(link_id);
	it->prefix = dup_or_null(json_str(&r->ctx, item, "prefix"));
	it->text = dup_or_null(json_str(&r->ctx, item, "text"));
	it->code_system = dup_or_null(json_str(&r->ctx, code, "system"));
	it->code = dup_or_null(json_str(&r->ctx, code, "code"));
	it->type = types[k].type;
	it->depth = depth;
	it->parent = parent;
	it->required = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "required"));
	for (size_t i = 0; i < at; i++) {
		if (strcmp(q->items[i].link_id, link_id) == 0)
			return refuse(r, _("Item %s appears twice in the form; give this form on the platform."),
				      link_id);
	}
	if (it->type != QN_GROUP && it->type != QN_DISPLAY && cJSON_IsTrue(repeats))
		return refuse(r, _("Item %s takes more than one answer, which ezrizi cannot ask yet; give this form on the platform."),
			      link_id);
	if (it->type == QN_CHOICE && !read_options(r, it, item))
		return false;
	if (!read_when(r, it, item))
		return false;
	if (it->type != QN_GROUP && it->type != QN_DISPLAY)
		q->n_asked++;
	/* it may move as the children are added: by index from here. */
	return read_items(r, cJSON_GetObjectItemCaseSensitive(item, "item"), depth + 1, (int)at);
}

static bool
read_items(struct reader *r, const cJSON *items, int depth, int parent)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, items) {
		if (!read_item(r, item, depth, parent))
			return false;
	}
	return !r->ctx.failed;
}

bool
questionnaire_from_json(const cJSON *res, struct questionnaire *q, struct error *err)
{
	struct reader r = { .res = res, .q = q, .err = err };
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(res, "resourceType");

	memset(q, 0, sizeof *q);
	r.ctx.type = "Questionnaire";
	r.ctx.err = err;
	if (!cJSON_IsString(type) || strcmp(type->valuestring, "Questionnaire") != 0)
		return error_set(err, ERR_FAILED, _("The server sent something else where a %s was expected."), "Questionnaire");
	q->id = dup_or_null(json_str(&r.ctx, res, "id"));
	r.ctx.id = q->id;
	q->url = dup_or_null(json_str(&r.ctx, res, "url"));
	q->version = dup_or_null(json_str(&r.ctx, res, "version"));
	q->title = dup_or_null(json_str(&r.ctx, res, "title"));
	if (q->title == NULL)
		q->title = dup_or_null(json_str(&r.ctx, res, "name"));
	q->language = dup_or_null(json_str(&r.ctx, res, "language"));
	if (q->id == NULL && !r.ctx.failed)
		return error_set(err, ERR_FAILED, _("The server sent a %s without an id."), "Questionnaire");
	if (!read_items(&r, cJSON_GetObjectItemCaseSensitive(res, "item"), 0, -1))
		return false;
	for (size_t i = 0; i < q->n_items; i++) {
		for (size_t o = 0; o < q->items[i].n_options; o++)
			q->weighted |= q->items[i].options[o].weighted;
	}
	if (q->n_asked == 0)
		return error_set(err, ERR_FAILED, _("The form %s asks nothing; there is nothing to give."), q->id);
	return true;
}

void
questionnaire_finish(struct questionnaire *q)
{
	for (size_t i = 0; i < q->n_items; i++) {
		struct qn_item *it = &q->items[i];

		free(it->link_id);
		free(it->prefix);
		free(it->text);
		free(it->code_system);
		free(it->code);
		for (size_t o = 0; o < it->n_options; o++)
			value_finish(&it->options[o].v);
		free(it->options);
		for (size_t c = 0; c < it->n_when; c++) {
			free(it->when[c].question);
			value_finish(&it->when[c].answer);
		}
		free(it->when);
	}
	free(q->items);
	free(q->id);
	free(q->url);
	free(q->version);
	free(q->title);
	free(q->language);
	memset(q, 0, sizeof *q);
}

/* ---- a known instrument as a form ---- */

/* FHIR-NOTES.md, assessments: answer list LL358-3. */
static const char *const ll358_3[][2] = {
	{ "LA6568-5", "Not at all" },
	{ "LA6569-3", "Several days" },
	{ "LA6570-1", "More than half the days" },
	{ "LA6571-9", "Nearly every day" },
};

static const struct qn_item *
server_item(const struct questionnaire *server, const struct instr_item *ii)
{
	if (server == NULL)
		return NULL;
	for (size_t i = 0; i < server->n_items; i++) {
		const struct qn_item *it = &server->items[i];

		if (ii->code != NULL ? it->code != NULL && strcmp(it->code, ii->code) == 0
				     : strcmp(it->link_id, ii->link_id) == 0)
			return it;
	}
	return NULL;
}

/* The server's display for answer v: the option weighted v, or else the
 * v-th, when the server's item has the instrument's count of answers. */
static const char *
server_display(const struct qn_item *it, int v, int max)
{
	if (it == NULL || it->type != QN_CHOICE)
		return NULL;
	for (size_t o = 0; o < it->n_options; o++) {
		if (it->options[o].weighted && it->options[o].weight == v)
			return it->options[o].v.kind == QV_CODING ? it->options[o].v.display : it->options[o].v.str;
	}
	if (it->n_options == (size_t)max + 1)
		return it->options[v].v.kind == QV_CODING ? it->options[v].v.display : it->options[v].v.str;
	return NULL;
}

void
questionnaire_of_instrument(const struct instrument *in, const struct questionnaire *server,
			    struct questionnaire *q)
{
	memset(q, 0, sizeof *q);
	q->id = xstrdup(in->id);
	q->title = xstrdup(in->name);
	if (server != NULL) {
		q->url = dup_or_null(server->url);
		q->version = dup_or_null(server->version);
		q->language = dup_or_null(server->language);
	}
	q->items = xcalloc((size_t)in->n_items, sizeof *q->items);
	q->n_items = q->n_asked = (size_t)in->n_items;
	q->weighted = true;
	for (int i = 0; i < in->n_items; i++) {
		const struct instr_item *ii = &in->items[i];
		const struct qn_item *si = server_item(server, ii);
		struct qn_item *it = &q->items[i];

		it->link_id = xstrdup(ii->link_id);
		it->code = dup_or_null(ii->code);
		it->code_system = ii->code != NULL ? xstrdup("http://loinc.org") : NULL;
		it->text = si != NULL ? dup_or_null(si->text) : NULL;
		it->prefix = si != NULL ? dup_or_null(si->prefix) : NULL;
		it->type = QN_CHOICE;
		it->parent = -1;
		/* The C-SSRS screener asks its third to fifth only after a yes
		 * to the second (instrument.h). */
		if (in->rule == RULE_CSSRS && i >= 2 && i <= 4) {
			it->when = xcalloc(1, sizeof *it->when);
			it->when[0].question = xstrdup(in->items[1].link_id);
			it->when[0].op = QN_EQ;
			it->when[0].answer.kind = QV_INTEGER;
			it->when[0].answer.num = 1;
			it->n_when = 1;
		}
		it->n_options = (size_t)ii->max + 1;
		it->options = xcalloc(it->n_options, sizeof *it->options);
		for (int v = 0; v <= ii->max; v++) {
			struct qn_option *o = &it->options[v];
			const char *display = server_display(si, v, ii->max);

			o->weighted = true;
			o->weight = v;
			if (in->rule == RULE_SUM && ii->max == 3) {
				o->v.kind = QV_CODING;
				o->v.system = xstrdup("http://loinc.org");
				o->v.code = xstrdup(ll358_3[v][0]);
				o->v.display = xstrdup(display != NULL ? display : ll358_3[v][1]);
			} else {
				o->v.kind = QV_INTEGER;
				o->v.num = v;
				o->v.display = dup_or_null(display);
			}
		}
	}
}

/* ---- asking ---- */

static const struct qn_item *
by_link(const struct questionnaire *q, const char *link_id, size_t *at)
{
	for (size_t i = 0; i < q->n_items; i++) {
		if (strcmp(q->items[i].link_id, link_id) == 0) {
			*at = i;
			return &q->items[i];
		}
	}
	return NULL;
}

/* The answer to item i as a value to compare. */
static struct qn_value
answered(const struct qn_item *it, const struct qn_answer *a)
{
	if (it->type == QN_CHOICE)
		return it->options[a->option].v;
	return a->v;
}

static int
compare(const struct qn_value *x, const struct qn_value *y, bool *comparable)
{
	*comparable = true;
	if ((x->kind == QV_INTEGER || x->kind == QV_DECIMAL) && (y->kind == QV_INTEGER || y->kind == QV_DECIMAL))
		return x->num < y->num ? -1 : x->num > y->num;
	if (x->kind != y->kind) {
		*comparable = false;
		return 1;
	}
	switch (x->kind) {
	case QV_CODING:
		if (x->system != NULL && y->system != NULL && strcmp(x->system, y->system) != 0)
			return 1;
		return strcmp(x->code, y->code);
	case QV_STRING:
		return strcmp(x->str, y->str);
	case QV_BOOLEAN:
		return x->b != y->b;
	default:
		*comparable = false;
		return 1;
	}
}

static bool
cond_holds(const struct questionnaire *q, const struct qn_answer *ans, const struct qn_cond *c)
{
	size_t at;
	const struct qn_item *it = by_link(q, c->question, &at);
	struct qn_value v;
	bool comparable;
	int cmp;

	if (it == NULL)
		return false;
	if (c->op == QN_EXISTS)
		return ans[at].given == c->answer.b;
	if (!ans[at].given)
		return c->op == QN_NE;
	v = answered(it, &ans[at]);
	cmp = compare(&v, &c->answer, &comparable);
	switch (c->op) {
	case QN_EQ: return comparable && cmp == 0;
	case QN_NE: return !comparable || cmp != 0;
	case QN_GT: return comparable && cmp > 0 && v.kind != QV_CODING;
	case QN_LT: return comparable && cmp < 0 && v.kind != QV_CODING;
	case QN_GE: return comparable && cmp >= 0 && v.kind != QV_CODING;
	default: return comparable && cmp <= 0 && v.kind != QV_CODING;
	}
}

bool
questionnaire_enabled(const struct questionnaire *q, const struct qn_answer *ans, size_t i)
{
	/* Each item's own conditions, then its group's, up to the top. */
	for (int at = (int)i; at >= 0; at = q->items[at].parent) {
		const struct qn_item *it = &q->items[at];
		bool all = true, any = false;

		if (it->n_when == 0)
			continue;
		for (size_t c = 0; c < it->n_when; c++) {
			bool h = cond_holds(q, ans, &it->when[c]);

			all &= h;
			any |= h;
		}
		if (!(it->when_any ? any : all))
			return false;
	}
	return true;
}

static bool
asks(const struct qn_item *it)
{
	return it->type != QN_GROUP && it->type != QN_DISPLAY;
}

/* One answer's text, as typed, into a; false with err. */
static bool
parse_one(const struct qn_item *it, const char *s, struct qn_answer *a, struct error *err)
{
	char *end;

	if (*s == '\0' || strcmp(s, "-") == 0)
		return true;
	a->given = true;
	switch (it->type) {
	case QN_CHOICE: {
		long n;

		errno = 0;
		n = strtol(s, &end, 10);
		if (*end == '\0' && errno == 0 && n >= 1 && (size_t)n <= it->n_options) {
			a->option = (int)n - 1;
			return true;
		}
		for (size_t o = 0; o < it->n_options; o++) {
			const struct qn_value *v = &it->options[o].v;

			if ((v->kind == QV_CODING && strcmp(v->code, s) == 0) ||
			    (v->kind == QV_STRING && strcmp(v->str, s) == 0)) {
				a->option = (int)o;
				return true;
			}
		}
		return error_set(err, ERR_USAGE, _("Item %s takes the number of an answer, 1 to %zu, or its code; '%s' is neither."),
				 it->link_id, it->n_options, s);
	}
	case QN_BOOLEAN:
		a->v.kind = QV_BOOLEAN;
		if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0 || strcmp(s, "y") == 0) {
			a->v.b = true;
			return true;
		}
		if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0 || strcmp(s, "n") == 0)
			return true;
		return error_set(err, ERR_USAGE, _("Item %s takes yes or no; '%s' is neither."), it->link_id, s);
	case QN_INTEGER:
	case QN_DECIMAL:
		errno = 0;
		a->v.kind = it->type == QN_INTEGER ? QV_INTEGER : QV_DECIMAL;
		a->v.num = it->type == QN_INTEGER ? (double)strtol(s, &end, 10) : strtod(s, &end);
		if (*end == '\0' && errno == 0 && end != s && isfinite(a->v.num) &&
		    (it->type == QN_DECIMAL || (a->v.num > -1e9 && a->v.num < 1e9)))
			return true;
		return error_set(err, ERR_USAGE, it->type == QN_INTEGER
				 ? _("Item %s takes a whole number; '%s' is not one.")
				 : _("Item %s takes a number; '%s' is not one."), it->link_id, s);
	default:
		if (!utf8_valid(s, strlen(s)))
			return error_set(err, ERR_USAGE, _("Item %s: the answer is not valid UTF-8."), it->link_id);
		a->v.kind = QV_STRING;
		a->v.str = xstrdup(s);
		return true;
	}
}

bool
questionnaire_parse_answer(const struct qn_item *it, const char *text, struct qn_answer *a,
			   struct error *err)
{
	memset(a, 0, sizeof *a);
	if (parse_one(it, text, a, err))
		return true;
	value_finish(&a->v);
	a->given = false;
	return false;
}

/* The next answer's text from *p (up to a comma, unescaped, or the line:
 * lines), trimmed of blanks at either end; *p moves past it. */
static char *
next_answer(const char **p, bool lines)
{
	struct buf b;
	const char *s = *p;
	size_t len;

	buf_init(&b);
	buf_adds(&b, "");
	while (*s != '\0' && *s != '\n' && (lines || *s != ',')) {
		if (!lines && *s == '\\' && (s[1] == ',' || s[1] == '\\'))
			s++;
		buf_addc(&b, *s++);
	}
	*p = *s != '\0' ? s + 1 : s;
	len = b.len;
	while (len > 0 && (b.data[len - 1] == ' ' || b.data[len - 1] == '\t' || b.data[len - 1] == '\r'))
		len--;
	b.data[len] = '\0';
	{
		size_t lead = strspn(b.data, " \t");
		char *out = xstrdup(b.data + lead);

		buf_finish(&b);
		return out;
	}
}

bool
questionnaire_parse_answers(const struct questionnaire *q, const char *text, struct qn_answer *ans,
			    struct error *err)
{
	bool lines = strchr(text, '\n') != NULL;
	const char *p = text;
	size_t given = 0;

	memset(ans, 0, q->n_items * sizeof *ans);
	for (size_t i = 0; i < q->n_items; i++) {
		char *s;
		bool ok;

		if (!asks(&q->items[i]))
			continue;
		if (*p == '\0')
			return error_set(err, ERR_USAGE, _("The form asks %zu items; %zu answers were given (give '-' for one not answered)."),
					 q->n_asked, given);
		s = next_answer(&p, lines);
		ok = questionnaire_parse_answer(&q->items[i], s, &ans[i], err);
		free(s);
		if (!ok)
			return false;
		given++;
	}
	if (*p != '\0' && !(lines && p[strspn(p, "\n\r")] == '\0'))
		return error_set(err, ERR_USAGE, _("The form asks %zu items; more answers were given."), q->n_asked);
	for (size_t i = 0; i < q->n_items; i++) {
		const struct qn_item *it = &q->items[i];
		bool on = questionnaire_enabled(q, ans, i);

		if (!asks(it))
			continue;
		if (ans[i].given && !on)
			return error_set(err, ERR_USAGE, _("Item %s is not asked after the answers before it; give '-' for it."),
					 it->link_id);
		if (!ans[i].given && on && it->required)
			return error_set(err, ERR_USAGE, _("Item %s must be answered."), it->link_id);
	}
	return true;
}

void
questionnaire_answer_finish(struct qn_answer *a)
{
	value_finish(&a->v);
	memset(a, 0, sizeof *a);
}

void
questionnaire_answers_finish(const struct questionnaire *q, struct qn_answer *ans)
{
	for (size_t i = 0; i < q->n_items; i++)
		questionnaire_answer_finish(&ans[i]);
}

char *
questionnaire_answers_text(const struct questionnaire *q, const struct qn_answer *ans)
{
	struct buf b;
	bool first = true;

	buf_init(&b);
	buf_adds(&b, "");
	for (size_t i = 0; i < q->n_items; i++) {
		const struct qn_answer *a = &ans[i];

		if (!asks(&q->items[i]))
			continue;
		if (!first)
			buf_addc(&b, ',');
		first = false;
		if (!a->given) {
			buf_addc(&b, '-');
		} else if (q->items[i].type == QN_CHOICE) {
			buf_addf(&b, "%d", a->option + 1);
		} else if (a->v.kind == QV_BOOLEAN) {
			buf_adds(&b, a->v.b ? "yes" : "no");
		} else if (a->v.kind == QV_INTEGER) {
			buf_addf(&b, "%.0f", a->v.num);
		} else if (a->v.kind == QV_DECIMAL) {
			buf_addf(&b, "%.17g", a->v.num);
		} else {
			for (const char *s = a->v.str; *s != '\0'; s++) {
				if (*s == ',' || *s == '\\')
					buf_addc(&b, '\\');
				buf_addc(&b, *s);
			}
		}
	}
	return buf_steal(&b);
}

bool
questionnaire_total(const struct questionnaire *q, const struct qn_answer *ans, double *total,
		    const char **unanswered)
{
	double sum = 0;

	if (unanswered != NULL)
		*unanswered = NULL;
	if (!q->weighted)
		return false;
	for (size_t i = 0; i < q->n_items; i++) {
		const struct qn_item *it = &q->items[i];
		bool weighted = false;

		for (size_t o = 0; o < it->n_options; o++)
			weighted |= it->options[o].weighted;
		if (!weighted || !questionnaire_enabled(q, ans, i))
			continue;
		if (!ans[i].given) {
			if (unanswered != NULL)
				*unanswered = it->link_id;
			return false;
		}
		sum += it->options[ans[i].option].weighted ? it->options[ans[i].option].weight : 0;
	}
	*total = sum;
	return true;
}

/* ---- the response ---- */

static cJSON *
value_json(const struct qn_value *v)
{
	cJSON *a = cJSON_CreateObject();

	switch (v->kind) {
	case QV_CODING: {
		cJSON *c = cJSON_CreateObject();

		if (v->system != NULL)
			json_put_str(c, "system", v->system);
		json_put_str(c, "code", v->code);
		if (v->display != NULL)
			json_put_str(c, "display", v->display);
		json_put(a, "valueCoding", c);
		break;
	}
	case QV_STRING:
		json_put_str(a, "valueString", v->str);
		break;
	case QV_INTEGER:
		json_put(a, "valueInteger", cJSON_CreateNumber(v->num));
		break;
	case QV_DECIMAL:
		json_put(a, "valueDecimal", cJSON_CreateNumber(v->num));
		break;
	default:
		json_put(a, "valueBoolean", cJSON_CreateBool(v->b));
		break;
	}
	return a;
}

/* The items under parent (-1: the top), from index `from`. */
static cJSON *
items_under(const struct questionnaire *q, const struct qn_answer *ans, int parent)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < q->n_items; i++) {
		const struct qn_item *it = &q->items[i];
		cJSON *o;

		if (it->parent != parent || it->type == QN_DISPLAY || !questionnaire_enabled(q, ans, i))
			continue;
		if (it->type == QN_GROUP) {
			cJSON *children = items_under(q, ans, (int)i);

			if (cJSON_GetArraySize(children) == 0) {
				cJSON_Delete(children);
				continue;
			}
			o = cJSON_CreateObject();
			json_put_str(o, "linkId", it->link_id);
			json_put(o, "item", children);
		} else {
			cJSON *answers;
			struct qn_value v;

			if (!ans[i].given)
				continue;
			v = answered(it, &ans[i]);
			o = cJSON_CreateObject();
			json_put_str(o, "linkId", it->link_id);
			answers = cJSON_CreateArray();
			cJSON_AddItemToArray(answers, value_json(&v));
			json_put(o, "answer", answers);
		}
		if (it->text != NULL)
			json_put_str(o, "text", it->text);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

cJSON *
questionnaire_response_items(const struct questionnaire *q, const struct qn_answer *ans)
{
	return items_under(q, ans, -1);
}

/* ---- fetching ---- */

struct pick {
	const char *url, *version, *lang;
	cJSON *best;
};

/* How much a Questionnaire is wanted: active first, then in the client's
 * language ("ur" takes "ur-PK" too). */
static int
rank_of(const struct pick *p, const cJSON *res)
{
	const char *status = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "status"));
	const char *lang = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "language"));
	size_t n = p->lang != NULL ? strcspn(p->lang, "-_") : 0;
	bool same = n > 0 && lang != NULL && strncmp(lang, p->lang, n) == 0 && (lang[n] == '\0' || lang[n] == '-');

	return (status != NULL && strcmp(status, "active") == 0) * 2 + same;
}

/* The most wanted Questionnaire under the canonical (rank_of), the newest
 * version (by its string) among equals. */
static void
consider(struct pick *p, const cJSON *res)
{
	const cJSON *url = cJSON_GetObjectItemCaseSensitive(res, "url");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(res, "resourceType");
	const char *version = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "version"));
	int rank = rank_of(p, res);

	if (!cJSON_IsString(type) || strcmp(type->valuestring, "Questionnaire") != 0 || !cJSON_IsString(url) ||
	    strcmp(url->valuestring, p->url) != 0)
		return;
	if (p->version != NULL && (version == NULL || strcmp(version, p->version) != 0))
		return;
	if (p->best != NULL) {
		const char *bv = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p->best, "version"));
		int best_rank = rank_of(p, p->best);

		if (best_rank > rank)
			return;
		if (best_rank == rank && bv != NULL && (version == NULL || strcmp(version, bv) <= 0))
			return;
	}
	cJSON_Delete(p->best);
	p->best = cJSON_Duplicate(res, true);
}

cJSON *
questionnaire_pick(const cJSON *resources, const char *ref, const char *lang)
{
	char *url = xstrdup(ref), *bar = strchr(url, '|');
	struct pick p = { .lang = lang };
	const cJSON *r;

	if (bar != NULL)
		*bar++ = '\0';
	p.url = url;
	p.version = bar;
	cJSON_ArrayForEach(r, resources) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "id");

		if (strchr(ref, ':') != NULL) {
			consider(&p, r);
		} else if (cJSON_IsString(id) && strcmp(id->valuestring, ref) == 0) {
			cJSON_Delete(p.best);
			p.best = cJSON_Duplicate(r, true);
		}
	}
	free(url);
	return p.best;
}

cJSON *
questionnaire_cached(struct store *st, const char *ref, const char *lang)
{
	cJSON *all, *best;

	if (st == NULL)
		return NULL;
	if (strchr(ref, ':') == NULL)
		return fhir_id_ok(ref) ? cache_get(st, "Questionnaire", ref) : NULL;
	all = cache_questionnaires(st);
	best = questionnaire_pick(all, ref, lang);
	cJSON_Delete(all);
	return best;
}

char *
questionnaire_query(const char *ref)
{
	char *url = xstrdup(ref), *bar = strchr(url, '|'), *eu, *ev, *q;

	if (strchr(ref, ':') == NULL) {
		free(url);
		return xasprintf("Questionnaire?_id=%s", ref);
	}
	if (bar != NULL)
		*bar++ = '\0';
	eu = http_escape(url);
	ev = bar != NULL ? http_escape(bar) : NULL;
	q = ev != NULL ? xasprintf("Questionnaire?url=%s&version=%s", eu, ev) : xasprintf("Questionnaire?url=%s", eu);
	free(eu);
	free(ev);
	free(url);
	return q;
}

static cJSON *
by_canonical(struct session *s, const char *ref, const char *lang, bool *from_cache, struct error *err)
{
	bool cached = fhir_reads_cached(s);
	cJSON *best = NULL;

	if (!cached) {
		char *q = questionnaire_query(ref);
		cJSON *all = fhir_search(s, q, 50, err);

		free(q);
		if (all == NULL && err->kind == ERR_NETWORK && s->store != NULL) {
			error_clear(err);
			cached = true;
		} else if (all == NULL) {
			return NULL;
		}
		best = questionnaire_pick(all, ref, lang);
		cJSON_Delete(all);
	}
	if (cached)
		best = questionnaire_cached(s->store, ref, lang);
	if (from_cache != NULL)
		*from_cache = cached;
	if (best == NULL)
		error_set(err, ERR_NOT_FOUND, cached ? _("No form %s is in the local copy; go online once to fetch it.")
						     : _("The server has no form %s."), ref);
	return best;
}

cJSON *
questionnaire_fetch(struct session *s, const char *ref, const char *lang, bool *from_cache,
		    struct error *err)
{
	cJSON *res;

	if (from_cache != NULL)
		*from_cache = false;
	if (strchr(ref, ':') != NULL)
		return by_canonical(s, ref, lang, from_cache, err);
	if (!fhir_id_ok(ref)) {
		error_set(err, ERR_USAGE, _("'%s' is not a valid %s id; ids are letters, digits, '-' and '.'."), ref, "Questionnaire");
		return NULL;
	}
	if (fhir_reads_cached(s)) {
		if (from_cache != NULL)
			*from_cache = true;
		res = s->store != NULL ? cache_get(s->store, "Questionnaire", ref) : NULL;
		if (res == NULL)
			error_set(err, ERR_NOT_FOUND, _("No form %s is in the local copy; go online once to fetch it."), ref);
		return res;
	}
	res = fhir_read(s, "Questionnaire", ref, NULL, err);
	if (res == NULL && err->kind == ERR_NETWORK && s->store != NULL &&
	    (res = cache_get(s->store, "Questionnaire", ref)) != NULL) {
		error_clear(err);
		if (from_cache != NULL)
			*from_cache = true;
	}
	return res;
}
