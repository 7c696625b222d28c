/* shellcomp.h - shell completion scripts, generated from the registry
 * (`ezrizi completion bash|zsh`): the commands and their second words, each
 * command's options and ezrizi's own (after the command too), and the values
 * completion can know: the choices of an option or argument, the words of a
 * day (today, monday...), 'me' and 'all' for a counsellor, file names, and
 * command names for help. Ids are not completed: the shell cannot know them.
 *
 * bash: `source <(ezrizi completion bash)`, or the script in
 * ~/.local/share/bash-completion/completions/ezrizi. zsh: the script as a
 * file named _ezrizi in a folder of $fpath (it starts with #compdef). */
#ifndef EZRIZI_SHELLCOMP_H
#define EZRIZI_SHELLCOMP_H

#include "core/xmalloc.h"

/* The script, added to out. */
void shellcomp_bash(struct buf *out);
void shellcomp_zsh(struct buf *out);

#endif
