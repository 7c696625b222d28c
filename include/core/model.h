/* model.h - the FHIR resources ezrizi shows, as C structs.
 *
 * Each *_from_json() reads a resource strictly: the resourceType must match, the
 * id must be present, a field of the wrong type or an unparsable instant fails
 * with ERR_FAILED naming the resource ("Appointment/12: ..."). Unknown fields are
 * ignored. Strings are copies (free with the matching *_finish()); they are the
 * server's text, unsanitised: sanitise on the way to a screen. */
#ifndef EZRIZI_MODEL_H
#define EZRIZI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "core/error.h"

struct patient {
	char *id;
	char *name;          /* name[0].text, or given + family */
	char *gender;
	char *birth_date;
	char *language;      /* the preferred communication language, or the first */
	char *mrn;           /* identifier[0].value */
	char *phone;
};

struct practitioner {
	char *id;
	char *name;
	char *languages;     /* "ar,en" */
};

struct slot {
	char *id;
	char *schedule_id;
	char *status;
	time_t start, end;
};

struct appointment {
	char *id;
	char *status;
	time_t start, end;   /* 0 when absent (proposed appointments) */
	char *patient_id;    /* the first Patient participant */
	char *patient_name;  /* its display, until names are filled in */
	int n_patients;      /* more than one for a group */
	char *group_id;      /* a Group actor, for support groups */
	char *practitioner_id;
	char *practitioner_name;
	char *slot_id;
	char *service;       /* serviceType[0].text or coding display */
	char *comment;
	char *cancel_reason;
};

struct note {
	char *id;
	char *status;        /* current, superseded, entered-in-error */
	char *doc_status;    /* preliminary, final, amended */
	char *kind;          /* "progress", "consult" or the type's text */
	char *patient_id;
	char *author_id;
	char *author_name;
	time_t date;
	char *language;
	char *text;          /* the decoded attachment; NULL when not text */
	/* The session it is the note of: context.related's Appointment and
	 * context.period (0 when absent); the template it was written from
	 * (its NOTE_TEMPLATE_URL extension, core/template.h), or NULL. */
	char *appointment_id;
	time_t period_start, period_end;
	char *template_name;
	/* Signing (core/notes.h): read from the note itself ... */
	char *version;       /* meta.versionId */
	char *authenticator_id;  /* who signed, as the note says */
	char *replaces_id;   /* relatesTo replaces: the note this one corrects */
	char *appends_id;    /* relatesTo appends: the note this is an addendum to */
	unsigned char digest[32];  /* SHA-256 of the attachment's bytes */
	bool has_digest;
	/* ... and from its Provenances (notes_sign_fill), when they were read */
	char *signed_by_id;  /* the signature's who */
	char *signed_by_name;
	time_t signed_at;    /* the signature's when; 0: no signature found */
	bool tampered;       /* the content differs from what was signed */
	char *cosign_by_id;  /* the supervisor whose co-signature is asked for */
	char *cosigned_by_id;
	char *cosigned_by_name;
	time_t cosigned_at;  /* 0: not co-signed */
	char *replaced_by_id;  /* a current note that replaces this one */
	size_t n_addenda;    /* the current notes that append this one */
	bool process;        /* a psychotherapy note (core/privacy.h): kept apart */
};

struct message {
	char *id;
	char *thread_id;     /* partOf; NULL for a thread header */
	char *patient_id;
	char *sender_ref;    /* "Patient/1" or "Practitioner/2" */
	char *sender_name;
	time_t sent;
	char *status;
	char *text;          /* payload contentString parts joined; NULL for a header */
	bool review;         /* the client's, holding one of the clinic's risk words
			      * (core/lexicon.h): set here, never sent anywhere */
};

/* A Flag: a risk about a client (category safety), until a clinician closes
 * it. Who acknowledged it, and when, and why it was closed, are in ezrizi's
 * extensions (FLAG_ACK_URL, FLAG_CLOSE_URL): R4's Flag has no field for them. */
struct flag {
	char *id;
	char *version;       /* meta.versionId */
	char *updated;       /* meta.lastUpdated as the server wrote it */
	char *status;        /* active, inactive, entered-in-error */
	bool safety;         /* category safety */
	char *code;          /* code.coding[0].code */
	char *text;          /* code.text, else the coding's display */
	char *patient_id;
	char *patient_name;  /* from the search's includes, or NULL */
	char *author_ref;    /* "Practitioner/2" */
	char *author_name;
	time_t start, end;   /* period; 0 when absent */
	char *detail_ref;    /* what raised it: R4's flag-detail extension */
	char *ack_by;        /* "Practitioner/2" who acknowledged it, or NULL */
	time_t ack_at;
	char *closed_by;
	char *close_reason;
};

#define FLAG_ACK_URL "urn:ezrizi:flag-acknowledgement"
#define FLAG_CLOSE_URL "urn:ezrizi:flag-closure"
#define FLAG_DETAIL_URL "http://hl7.org/fhir/StructureDefinition/flag-detail"

bool patient_from_json(const cJSON *res, struct patient *p, struct error *err);
bool practitioner_from_json(const cJSON *res, struct practitioner *p, struct error *err);
bool slot_from_json(const cJSON *res, struct slot *s, struct error *err);
bool appointment_from_json(const cJSON *res, struct appointment *a, struct error *err);
bool note_from_json(const cJSON *res, struct note *n, struct error *err);
bool message_from_json(const cJSON *res, struct message *m, struct error *err);
bool flag_from_json(const cJSON *res, struct flag *f, struct error *err);

void patient_finish(struct patient *p);
void practitioner_finish(struct practitioner *p);
void slot_finish(struct slot *s);
void appointment_finish(struct appointment *a);
void note_finish(struct note *n);
void message_finish(struct message *m);
void flag_finish(struct flag *f);

/* The display name of a HumanName array (name[0].text, else given + family). New
 * string or NULL. */
char *human_name(const cJSON *names);

/* The id part of a reference "Type/id" when Type matches (new string), else NULL. */
char *reference_id(const cJSON *ref, const char *type);

/* Names of people met in a search result (matches and _include'd resources):
 * "Patient/1" -> its display name. */
struct names;
struct names *names_create(void);
void names_destroy(struct names *n);
/* Adds every Patient, Practitioner and Group of the array of resources. */
void names_add_resources(struct names *n, const cJSON *resources);
/* The name of "Type/id", or NULL. */
const char *names_get(const struct names *n, const char *type, const char *id);

#endif
