/* editor.h - session notes outside the screen (ui/editor.c): a note written
 * or changed in $VISUAL/$EDITOR, the newest note read in $PAGER. The text is
 * in a private directory (core/privdir.h) only while the editor has it, is
 * sealed into the client's draft in the encrypted cache as soon as the editor
 * exits, and is queued as a write (the outbox) when saved. The screen is left
 * and taken back through ui/term.h. */
#ifndef EZRIZI_UI_EDITOR_H
#define EZRIZI_UI_EDITOR_H

struct tui;

/* A new note for the shown client, tied to the selected session when it is
 * the client's: its draft when it has one; else the template (core/
 * template.h; "last": the headings of the client's newest note), or, with
 * NULL, the command line offering "write-note DEFAULT" to choose. */
void tui_write_note(struct tui *t, const char *template_name, const char *default_template);
/* The newest note: a draft changed in place, a signed one amended. */
void tui_edit_note(struct tui *t);
/* Asks whether to sign the draft note_id (y runs note sign); just_saved
 * says it was saved this moment (after N). */
void tui_ask_sign(struct tui *t, const char *note_id, bool just_saved);
/* G: signs the shown client's newest note, if a draft, once asked. */
void tui_sign_note(struct tui *t);
/* +: an addendum to the shown client's newest note, if signed, in the editor. */
void tui_add_addendum(struct tui *t);
/* The client's safety plan (core/safetyplan.h's text format) in the editor,
 * then written, pinned to the version read; a draft the same way as a note's. */
void tui_edit_plan(struct tui *t, const char *patient_id);
/* The newest note in the pager, sanitised. */
void tui_page_note(struct tui *t);
/* Notes left by an editor killed with ezrizi: sealed into their clients'
 * drafts and wiped; the status line says so. */
void tui_recover_notes(struct tui *t);

#endif
