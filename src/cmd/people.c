/* cmd/people.c - clients, and who you are: patients, patient, login, logout, whoami. */
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "core/fhir.h"
#include "core/fhirtx.h"
#include "core/i18n.h"
#include "core/login.h"
#include "core/people.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

static const struct out_col patient_cols[] = {
	{ "id", N_("Id"), false },
	{ "name", N_("Name"), false },
	{ "language", N_("Language"), false },
	{ "birth_date", N_("Born"), false },
	{ "gender", N_("Gender"), true },
	{ "mrn", N_("Record number"), false },
	{ "phone", N_("Phone"), true },
};
#define PATIENT_NCOLS (sizeof patient_cols / sizeof patient_cols[0])

static void
patient_values(const struct patient *p, const char *v[PATIENT_NCOLS])
{
	v[0] = p->id;
	v[1] = p->name;
	v[2] = p->language;
	v[3] = p->birth_date;
	v[4] = p->gender;
	v[5] = p->mrn;
	v[6] = p->phone;
}

static const struct cmd_option patients_opts[] = {
	{ .name = "search", .metavar = N_("TEXT"), .flags = OPT_VALUE, .kind = KIND_TEXT,
	  .help = N_("part of the client's name") },
	{ .name = "language", .metavar = N_("LANG"), .flags = OPT_VALUE,
	  .help = N_("clients who speak this language") },
	{ .name = "limit", .metavar = N_("N"), .flags = OPT_VALUE, .help = N_("at most N clients (default 50)") },
	{ NULL },
};

HANDLER(cmd_patients)
{
	struct patient_list l;
	size_t limit;

	if (!cmd_limit(e, a, 50, 1000, &limit, err))
		return false;
	if (!patient_search(&ctx->session, cmd_opt(e, a, "search"), cmd_opt(e, a, "language"), limit,
			    &l, err))
		return false;
	result_records(ctx->result, patient_cols, PATIENT_NCOLS, _("No clients found."));
	for (size_t i = 0; i < l.n; i++) {
		const char *v[PATIENT_NCOLS];

		patient_values(&l.v[i], v);
		result_row(ctx->result, v);
	}
	patient_list_finish(&l);
	return true;
}

const struct cmd_entry cmd_entry_patients = {
	.name = "patients",
	.summary = N_("Find clients by name or language."),
	.opts = patients_opts,
	.flags = CMD_SESSION,
	.exec = cmd_patients,
};

HANDLER(cmd_patient)
{
	static const struct out_col cols[PATIENT_NCOLS] = {
		{ "id", N_("Id"), false }, { "name", N_("Name"), false },
		{ "language", N_("Language"), false }, { "birth_date", N_("Born"), false },
		{ "gender", N_("Gender"), false }, { "mrn", N_("Record number"), false },
		{ "phone", N_("Phone"), false },
	};
	struct patient p;
	const char *v[PATIENT_NCOLS];

	(void)e;
	if (!patient_get(&ctx->session, a->argv[0], &p, err))
		return false;
	patient_values(&p, v);
	result_record(ctx->result, cols, PATIENT_NCOLS, v, NULL);
	patient_finish(&p);
	return true;
}

const struct cmd_entry cmd_entry_patient = {
	.name = "patient",
	.usage = N_("ID"),
	.summary = N_("Show one client."),
	.args = { 1, 1, { { KIND_PATIENT } } },
	.flags = CMD_SESSION,
	.exec = cmd_patient,
};

/* The counsellor's name: the Practitioner's own, else what the login said. */
static char *
me_name(struct session *s)
{
	struct practitioner p = { 0 };
	struct error ignored;
	char *name = NULL;

	error_clear(&ignored);
	if (s->me_type != NULL && strcmp(s->me_type, "Practitioner") == 0 &&
	    practitioner_get(s, s->me_id, &p, &ignored) && p.name != NULL)
		name = xstrdup(p.name);
	practitioner_finish(&p);
	if (name == NULL && s->me_name != NULL)
		name = xstrdup(s->me_name);
	return name;
}

/* "Practitioner/12 (Name)", sanitised, or the bare reference (new string). */
static char *
me_shown(struct session *s)
{
	char *name = me_name(s), *text, *clean;

	text = name != NULL ? xasprintf("%s/%s (%s)", s->me_type, s->me_id, name)
			    : xasprintf("%s/%s", s->me_type, s->me_id);
	clean = sanitize_display(text, (size_t)-1, 0);
	free(text);
	free(name);
	return clean;
}

/* Who the login acts for, in one sentence. */
static void
say_acts_for(struct cmd_ctx *ctx)
{
	struct session *s = &ctx->session;
	bool client = s->login_method == OAUTH_CLIENT;
	char *who;

	if (s->me_type == NULL) {
		result_say(ctx->result, "%s", _("The server did not say which counsellor this login is; commands that need \"me\" will ask for --practitioner ID, or set 'practitioner = ID' in the config."));
		return;
	}
	who = me_shown(s);
	if (strcmp(s->me_type, "Practitioner") != 0)
		/* TRANSLATORS: %s is the login's profile, e.g. ClientApplication/abc (name). */
		result_say(ctx->result, _("It acts for no counsellor (it is %s); commands that need \"me\" need --practitioner ID, or set 'practitioner = ID' in the config.\n"), who);
	else if (client)
		/* TRANSLATORS: %s is a counsellor, e.g. Practitioner/prac-script (ezrizi Automation). */
		result_say(ctx->result, _("It acts for %s.\n"), who);
	else
		/* TRANSLATORS: %s is a counsellor, e.g. Practitioner/prac-amina (Amina). */
		result_say(ctx->result, _("You are %s.\n"), who);
	free(who);
}

static const char *const login_methods[] = { "password", "browser", "device", "client", NULL };

static const struct cmd_option login_opts[] = {
	{ .name = "user", .metavar = N_("NAME"), .flags = OPT_VALUE,
	  .help = N_("the username, for the password login (default: the config's username)") },
	{ .name = "method", .metavar = N_("METHOD"), .flags = OPT_VALUE | OPT_HINTS, .choices = login_methods,
	  .kind = KIND_CHOICE,
	  .help = N_("password, browser (a browser here, or paste the address it ends on), device (a code to enter on any device) or client (default: login_method, else the first the server offers)") },
	{ .name = "client", .help = N_("log in as a script, with client_id and its secret (as --method client)") },
	{ .name = "no-qr", .help = N_("do not draw a QR code of the login address") },
	{ NULL },
};

HANDLER(cmd_login)
{
	struct session *s = &ctx->session;
	struct login_opts o = { .user = cmd_opt(e, a, "user"), .no_qr = cmd_flag(e, a, "no-qr"), .tty = stderr };
	const char *m = cmd_opt(e, a, "method");

	if (m != NULL && !oauth_method_parse(m, &o.method))
		return error_set(err, ERR_USAGE, _("'%s' is not a login method; use password, browser, device or client. See 'ezrizi help login'."), m);
	if (cmd_flag(e, a, "client")) {
		if (m != NULL && o.method != OAUTH_CLIENT)
			return error_set(err, ERR_USAGE, _("--client is --method client; give one of them. See 'ezrizi help login'."));
		o.method = OAUTH_CLIENT;
	}
	if (!login_run(s, &o, err))
		return false;
	if (ctx->fmt == FMT_TABLE) {
		char *user = sanitize_display(s->login_user, (size_t)-1, 0);

		result_say(ctx->result, _("Logged in to %s as %s.\n"), s->base, user);
		free(user);
		say_acts_for(ctx);
	}
	return true;
}

const struct cmd_entry cmd_entry_login = {
	.name = "login",
	.summary = N_("Log in as the server offers (password, browser, device code) and keep the session."),
	.opts = login_opts,
	.flags = CMD_SESSION | CMD_TERMINAL,
	.instead = N_("Log in and out with 'ezrizi login' in a shell."),
	.exec = cmd_login,
};

HANDLER(cmd_logout)
{
	(void)e;
	(void)a;
	if (!session_logout(&ctx->session, err))
		return false;
	if (ctx->fmt == FMT_TABLE)
		result_say(ctx->result, "%s", _("Logged out."));
	return true;
}

const struct cmd_entry cmd_entry_logout = {
	.name = "logout",
	.summary = N_("Forget the stored login."),
	.flags = CMD_SESSION | CMD_TERMINAL,
	.instead = N_("Log in and out with 'ezrizi login' in a shell."),
	.exec = cmd_logout,
};

/* What ezrizi has seen of the server's transactions: a sentence for people,
 * a word for scripts (in buf, or a constant). */
static const char *
transactions_seen(struct cmd_ctx *ctx, char buf[512])
{
	static const char *const words[] = {
		[TX_UNKNOWN] = "unknown", [TX_ATOMIC] = "atomic", [TX_NOT_ATOMIC] = "not-atomic",
	};
	time_t seen;
	enum fhir_atomicity at = fhir_tx_atomicity(&ctx->session, &seen);
	char when[26];

	if (ctx->fmt != FMT_TABLE)
		return words[at];
	if (at == TX_UNKNOWN)
		return _("not seen yet (ezrizi checks every answer and undoes a half-made change)");
	cmd_time(ctx, seen, when);
	if (at == TX_ATOMIC)
		snprintf(buf, 512, _("atomic (seen %s)"), when);
	else
		/* TRANSLATORS: "transaction-bundles" is the name of a Medplum project feature; keep it as it is. */
		snprintf(buf, 512, _("not atomic (seen %s): a change of several records can be half made, and ezrizi undoes it; on Medplum, a super admin turns on the project feature transaction-bundles"),
			 when);
	return buf;
}

HANDLER(cmd_whoami)
{
	static const struct out_col cols[] = {
		{ "server", N_("Server"), false },
		{ "user", N_("User"), false },
		{ "practitioner_id", N_("Counsellor id"), false },
		{ "practitioner_name", N_("Name"), false },
		{ "acts_for", N_("Acts for"), false },
		{ "method", N_("Login"), false },
		{ "credentials", N_("Credentials"), false },
		{ "expires", N_("Expires"), false },
		{ "transactions", N_("Transactions"), false },
	};
	static const char *const sources[] = {
		[AUTH_NONE] = N_("none"), [AUTH_ENV] = N_("EZRIZI_TOKEN"),
		[AUTH_FILE] = N_("token_file"), [AUTH_LOGIN] = N_("stored login"),
	};
	struct session *s = &ctx->session;
	struct practitioner p = { 0 };
	char tx[512];
	const char *v[9], *id;
	char exp[26], *acts = NULL;
	struct error ignored;

	(void)e;
	(void)a;
	if (s->access == NULL)
		return error_set(err, ERR_AUTH, _("Not logged in; run 'ezrizi login', or set EZRIZI_TOKEN."));
	error_clear(&ignored);
	id = session_practitioner(s, NULL, &ignored);
	/* Reading "me" proves the credentials work. */
	if (id != NULL && !practitioner_get(s, id, &p, err))
		return false;
	if (s->me_type != NULL) {
		acts = xasprintf("%s/%s", s->me_type, s->me_id);
		if (ctx->fmt == FMT_TABLE && strcmp(s->me_type, "Practitioner") != 0) {
			/* TRANSLATORS: %s is the login's profile, e.g. ClientApplication/abc. */
			char *t = xasprintf(_("no counsellor (%s)"), acts);

			free(acts);
			acts = t;
		}
	}
	v[0] = s->base;
	v[1] = s->login_user;
	v[2] = id;
	v[3] = p.name;
	v[4] = acts;
	v[5] = s->auth == AUTH_LOGIN && s->login_method != OAUTH_AUTO ? oauth_method_name(s->login_method) : NULL;
	v[6] = ctx->fmt == FMT_TABLE ? _(sources[s->auth]) : sources[s->auth];
	v[7] = s->expires_at != 0 ? cmd_time(ctx, s->expires_at, exp) : NULL;
	v[8] = transactions_seen(ctx, tx);
	result_record(ctx->result, cols, 9, v, NULL);
	practitioner_finish(&p);
	free(acts);
	return true;
}

const struct cmd_entry cmd_entry_whoami = {
	.name = "whoami",
	.summary = N_("Show the server and who you are logged in as."),
	.flags = CMD_SESSION,
	.exec = cmd_whoami,
};
