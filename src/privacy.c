/* privacy.c - see include/core/privacy.h. */
#include "core/privacy.h"

#include "core/flag.h"
#include "core/i18n.h"

const char *
privacy_refusal(enum privacy_what what)
{
	switch (what) {
	case PRIVACY_NOTES:
		return _("Session notes are clinical: a front desk neither reads nor writes them; the client's counsellor does.");
	case PRIVACY_CHAT:
		return _("The messages with a client are clinical: a front desk does not read them; the client's counsellor does.");
	case PRIVACY_SCORES:
		return _("A client's scores are clinical: a front desk does not see them.");
	case PRIVACY_PLAN:
		break;
	}
	return _("A safety plan is clinical: a front desk does not see it; the client's counsellor has it.");
}

bool
privacy_clinical(struct session *s, enum privacy_what what, struct error *err)
{
	struct error e;

	error_clear(&e);
	if (!flag_user_front_desk(s, &e))
		return true;
	return error_set(err, ERR_FORBIDDEN, "%s", privacy_refusal(what));
}
