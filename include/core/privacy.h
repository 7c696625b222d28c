/* privacy.h - who may see clinical text.
 *
 * A front desk (flag_user_front_desk: the config's role, else the user's
 * PractitionerRoles) sees appointments and that a client has a flag, never
 * clinical text, whatever the server would let it read: session notes,
 * messages, scores, safety plans. The commands that show or write them ask
 * privacy_clinical() first and refuse with ERR_FORBIDDEN (exit 7) before
 * anything is fetched, so nothing clinical reaches the screen or the cache.
 * A psychotherapy note's labels are seclabel.h's. */
#ifndef EZRIZI_PRIVACY_H
#define EZRIZI_PRIVACY_H

#include <stdbool.h>

#include "core/error.h"
#include "core/session.h"

/* What a front desk is refused. */
enum privacy_what {
	PRIVACY_NOTES,
	PRIVACY_CHAT,
	PRIVACY_SCORES,
	PRIVACY_PLAN,
};

/* True when the user may see (and write) it; false with ERR_FORBIDDEN and a
 * message saying who can, for a front desk. */
bool privacy_clinical(struct session *s, enum privacy_what what, struct error *err);
/* The refusal's words, translated. */
const char *privacy_refusal(enum privacy_what what);

#endif
