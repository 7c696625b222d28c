/* shellcomp.c - bash and zsh completion generated from the registry; see
 * include/core/shellcomp.h. Each script is the registry's data (as shell
 * variables) and a small engine that reads it: which command the words name,
 * which option takes a value, what kind of value comes next. */
#include "core/shellcomp.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmd.h"
#include "core/i18n.h"
#include "core/xmalloc.h"

/* A command's name as part of a shell variable's: "note add" -> "note_add". */
static char *
key_of(const char *name)
{
	char *k = xstrdup(name);

	for (char *p = k; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			*p = '_';
	}
	return k;
}

/* What a value is, as the engines name it: choice:a,b day practitioner file
 * command word. */
static void
add_kind(struct buf *b, enum cmd_kind kind, const char *const *choices, const struct cmd_word *words,
	 unsigned flags)
{
	const char *const *set = kind == KIND_CHOICE ? choices : NULL;
	bool first = true;

	switch (kind) {
	case KIND_CHOICE:
		buf_adds(b, "choice:");
		for (size_t i = 0; set != NULL && set[i] != NULL; i++, first = false)
			buf_addf(b, "%s%s", first ? "" : ",", set[i]);
		for (size_t i = 0; set == NULL && words != NULL && words[i].word != NULL; i++) {
			if (words[i].word[0] != '\0' && strcmp(words[i].word, "*") != 0) {
				buf_addf(b, "%s%s", first ? "" : ",", words[i].word);
				first = false;
			}
		}
		if (flags & OPT_OR_ALL)
			buf_adds(b, ",all");
		break;
	case KIND_DAY:
		buf_adds(b, "day");
		break;
	case KIND_PRACTITIONER:
		buf_adds(b, "practitioner");
		break;
	case KIND_FILE:
		buf_adds(b, "file");
		break;
	case KIND_COMMAND:
		buf_adds(b, "command");
		break;
	default:
		buf_adds(b, "word");
		break;
	}
}

/* "date=day from=day allow-overlap": a flag alone, an option with a value
 * with its kind. New string. */
static char *
opt_specs(const struct cmd_option *opts)
{
	struct buf b;

	buf_init(&b);
	buf_add(&b, "", 0);
	for (const struct cmd_option *o = opts; o != NULL && o->name != NULL; o++) {
		buf_addf(&b, "%s%s", b.len > 0 ? " " : "", o->name);
		if (o->flags & OPT_VALUE) {
			buf_addc(&b, '=');
			add_kind(&b, o->kind, o->choices, NULL, o->flags);
		}
	}
	return buf_steal(&b);
}

/* "64:patient-kind text-kind": how many positionals, and their kinds (the
 * last stands for those after it). New string. */
static char *
arg_specs(const struct cmd_entry *e)
{
	struct buf b;
	int last = CMD_MAX_POS - 1;

	while (last > 0 && e->args.pos[last].kind == KIND_NONE)
		last--;
	buf_init(&b);
	buf_addf(&b, "%d:", e->args.max);
	for (int i = 0; i <= last; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		add_kind(&b, e->args.pos[i].kind, NULL, e->args.pos[i].words, 0);
	}
	return buf_steal(&b);
}

/* The entries the shell sees: the core's (the screen's are not registered
 * in a shell). */
static bool
shown(const struct cmd_entry *e)
{
	return !(e->flags & CMD_SCREEN);
}

/* The first words of the commands, once each, sorted as the table is. */
static char *
first_words(void)
{
	size_t n;
	const struct cmd_entry *const *tab = cmd_table(&n);
	struct buf b;
	const char *prev = NULL;
	size_t plen = 0;

	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(tab[i]->name, " ");

		if (!shown(tab[i]) || (prev != NULL && len == plen && strncmp(prev, tab[i]->name, len) == 0))
			continue;
		buf_addf(&b, "%s%.*s", b.len > 0 ? " " : "", (int)len, tab[i]->name);
		prev = tab[i]->name;
		plen = len;
	}
	return buf_steal(&b);
}

/* The second words of the commands starting with the word `group`, or NULL. */
static char *
second_words(const char *group, size_t len)
{
	size_t n;
	const struct cmd_entry *const *tab = cmd_table(&n);
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		const char *name = tab[i]->name;

		if (shown(tab[i]) && strncmp(name, group, len) == 0 && name[len] == ' ')
			buf_addf(&b, "%s%s", b.len > 0 ? " " : "", name + len + 1);
	}
	return b.len > 0 ? buf_steal(&b) : (buf_finish(&b), NULL);
}

static char *
joined(const char *const *v)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; v[i] != NULL; i++)
		buf_addf(&b, "%s%s", i > 0 ? " " : "", v[i]);
	return buf_steal(&b);
}

/* s in single quotes for the shell. */
static void
put_quoted(struct buf *out, const char *s)
{
	buf_addc(out, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			buf_adds(out, "'\\''");
		else
			buf_addc(out, *s);
	}
	buf_addc(out, '\'');
}

/* The data, as NAME='value' lines (bash) or NAME[key]='value' (zsh). */
static void
put_var(struct buf *out, bool zsh, const char *var, const char *key, const char *value)
{
	if (zsh)
		buf_addf(out, "_ezrizi_%s[%s]=", var, key);
	else
		buf_addf(out, "_ezrizi_%s_%s=", var, key);
	put_quoted(out, value);
	buf_addc(out, '\n');
}

static void
put_data(struct buf *out, bool zsh)
{
	size_t n;
	const struct cmd_entry *const *tab = cmd_table(&n);
	char *s, *days = joined(cmd_kind_words(KIND_DAY)), *who = joined(cmd_kind_words(KIND_PRACTITIONER));

	if (zsh)
		buf_adds(out, "typeset -gA _ezrizi_sub _ezrizi_opts _ezrizi_args\n");
	buf_adds(out, "_ezrizi_commands=");
	put_quoted(out, s = first_words());
	free(s);
	buf_adds(out, "\n_ezrizi_days=");
	put_quoted(out, days);
	buf_adds(out, "\n_ezrizi_who=");
	put_quoted(out, who);
	buf_addc(out, '\n');
	free(days);
	free(who);
	put_var(out, zsh, "opts", "_", s = opt_specs(cmd_global_options()));
	free(s);
	for (size_t i = 0; i < n; i++) {
		const struct cmd_entry *e = tab[i];
		char *key, *sub;
		size_t len = strcspn(e->name, " ");

		if (!shown(e))
			continue;
		key = key_of(e->name);
		if (e->name[len] == '\0' && (sub = second_words(e->name, len)) != NULL) {
			put_var(out, zsh, "sub", key, sub);
			free(sub);
		}
		if (e->opts != NULL && e->opts[0].name != NULL) {
			put_var(out, zsh, "opts", key, s = opt_specs(e->opts));
			free(s);
		}
		put_var(out, zsh, "args", key, s = arg_specs(e));
		free(s);
		free(key);
	}
	/* A group with no command of its own name ("cache"): its second words. */
	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(tab[i]->name, " ");
		char *group = xstrndup(tab[i]->name, len), *key, *sub;

		if (shown(tab[i]) && tab[i]->name[len] == ' ' && cmd_find(group) == NULL &&
		    (i == 0 || strncmp(tab[i - 1]->name, group, len) != 0 || tab[i - 1]->name[len] != ' ')) {
			key = key_of(group);
			put_var(out, zsh, "sub", key, sub = second_words(group, len));
			free(sub);
			free(key);
		}
		free(group);
	}
}

/* The bash engine: reads the data above. */
static const char *const bash_engine =
	"# _ezrizi_kind SPECS NAME: the kind of the value of --NAME, 'flag', or nothing.\n"
	"_ezrizi_kind() {\n"
	"\tlocal s\n"
	"\tfor s in $1; do\n"
	"\t\tcase $s in\n"
	"\t\t\"$2\") echo flag; return ;;\n"
	"\t\t\"$2=\"*) echo \"${s#*=}\"; return ;;\n"
	"\t\tesac\n"
	"\tdone\n"
	"}\n"
	"# _ezrizi_offer KIND: the values of a kind that start with $cur.\n"
	"_ezrizi_offer() {\n"
	"\tlocal v\n"
	"\tcase $1 in\n"
	"\tchoice:*) v=${1#choice:}; v=${v//,/ } ;;\n"
	"\tday) v=$_ezrizi_days ;;\n"
	"\tpractitioner) v=$_ezrizi_who ;;\n"
	"\tcommand) v=$_ezrizi_commands ;;\n"
	"\tfile) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
	"\t*) return ;;\n"
	"\tesac\n"
	"\tCOMPREPLY=($(compgen -W \"$v\" -- \"$cur\"))\n"
	"}\n"
	"_ezrizi() {\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= i=1 w k o key=_ cmd= n=0 done= opts subs args kinds\n"
	"\tCOMPREPLY=()\n"
	"\t[ \"$COMP_CWORD\" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	"\t[ \"$cur\" = = ] && { prev=$cur; cur=; }\n"
	"\t# What the words before say: the command (one word or two), its\n"
	"\t# positionals so far; options (ezrizi's own too) and their values skipped.\n"
	"\twhile [ \"$i\" -lt \"$COMP_CWORD\" ]; do\n"
	"\t\tw=${COMP_WORDS[i]}\n"
	"\t\ti=$((i + 1))\n"
	"\t\tif [ -z \"$done\" ] && [ \"$w\" = -- ]; then done=1; continue; fi\n"
	"\t\tif [ -z \"$done\" ] && [ \"${w#-?}\" != \"$w\" ]; then\n"
	"\t\t\tcase $w in *=*) continue ;; esac\n"
	"\t\t\teval \"opts=\\\"\\${_ezrizi_opts_$key-} \\$_ezrizi_opts__\\\"\"\n"
	"\t\t\tk=$(_ezrizi_kind \"$opts\" \"${w#--}\")\n"
	"\t\t\tif [ \"${COMP_WORDS[i]-}\" = = ]; then i=$((i + 2))\n"
	"\t\t\telif [ -n \"$k\" ] && [ \"$k\" != flag ]; then i=$((i + 1)); fi\n"
	"\t\t\tcontinue\n"
	"\t\tfi\n"
	"\t\tif [ -z \"$cmd\" ]; then\n"
	"\t\t\tcmd=${w//[^A-Za-z0-9]/_}\n"
	"\t\t\tkey=$cmd\n"
	"\t\t\teval \"subs=\\${_ezrizi_sub_$cmd-}\"\n"
	"\t\t\tif [ -n \"$subs\" ] && [ \"$i\" -lt \"$COMP_CWORD\" ] && [[ \" $subs \" == *\" ${COMP_WORDS[i]} \"* ]]; then\n"
	"\t\t\t\tkey=${cmd}_${COMP_WORDS[i]}\n"
	"\t\t\t\ti=$((i + 1))\n"
	"\t\t\tfi\n"
	"\t\t\tcontinue\n"
	"\t\tfi\n"
	"\t\tn=$((n + 1))\n"
	"\tdone\n"
	"\teval \"opts=\\\"\\${_ezrizi_opts_$key-} \\$_ezrizi_opts__\\\"\"\n"
	"\t# The value of an option: --name VALUE, or --name=VALUE.\n"
	"\to=\n"
	"\tif [ \"$prev\" = = ] && [ \"$COMP_CWORD\" -ge 2 ]; then o=${COMP_WORDS[COMP_CWORD-2]}\n"
	"\t\t[ \"$cur\" = \"${COMP_WORDS[COMP_CWORD]}\" ] || o=${COMP_WORDS[COMP_CWORD-1]}\n"
	"\telif [ -z \"$done\" ] && [ \"${prev#--}\" != \"$prev\" ]; then o=$prev; fi\n"
	"\t# --name=VALUE as one word (no '=' in COMP_WORDBREAKS): the reply keeps --name=.\n"
	"\tcase $cur in --*=*) o=${cur%%=*}; cur=${cur#*=}; w=$o= ;; *) w= ;; esac\n"
	"\tif [ -n \"$o\" ]; then\n"
	"\t\tk=$(_ezrizi_kind \"$opts\" \"${o#--}\")\n"
	"\t\tif [ -n \"$k\" ] && [ \"$k\" != flag ]; then\n"
	"\t\t\t_ezrizi_offer \"$k\"\n"
	"\t\t\t[ -n \"$w\" ] && COMPREPLY=(\"${COMPREPLY[@]/#/$w}\")\n"
	"\t\t\treturn\n"
	"\t\tfi\n"
	"\tfi\n"
	"\tif [ -z \"$done\" ] && [ \"${cur#-}\" != \"$cur\" ]; then\n"
	"\t\tk=\n"
	"\t\tfor w in $opts; do k=\"$k --${w%%=*}\"; done\n"
	"\t\tCOMPREPLY=($(compgen -W \"$k\" -- \"$cur\"))\n"
	"\t\treturn\n"
	"\tfi\n"
	"\tif [ -z \"$cmd\" ]; then _ezrizi_offer command; return; fi\n"
	"\teval \"args=\\${_ezrizi_args_$key-0:}\"\n"
	"\tif [ \"$key\" = \"$cmd\" ] && [ \"$n\" -eq 0 ]; then\n"
	"\t\teval \"subs=\\${_ezrizi_sub_$cmd-}\"\n"
	"\t\tif [ -n \"$subs\" ]; then COMPREPLY=($(compgen -W \"$subs\" -- \"$cur\")); return; fi\n"
	"\tfi\n"
	"\t[ \"$n\" -ge \"${args%%:*}\" ] && return\n"
	"\tkinds=(${args#*:})\n"
	"\tk=${kinds[n]-${kinds[${#kinds[@]}-1]}}\n"
	"\tif [ \"$k\" = command ] && [ \"$n\" -eq 1 ]; then\n"
	"\t\tw=${COMP_WORDS[COMP_CWORD-1]//[^A-Za-z0-9]/_}\n"
	"\t\teval \"subs=\\${_ezrizi_sub_$w-}\"\n"
	"\t\tCOMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))\n"
	"\t\treturn\n"
	"\tfi\n"
	"\t_ezrizi_offer \"$k\"\n"
	"}\n"
	"complete -F _ezrizi ezrizi\n";

void
shellcomp_bash(struct buf *out)
{
	buf_adds(out, "# bash completion for ezrizi, generated from its command table by\n"
	      "# 'ezrizi completion bash': source <(ezrizi completion bash)\n");
	put_data(out, false);
	buf_adds(out, bash_engine);
}

/* The commands with their summaries, for zsh's _describe: 'name:summary'. */
static void
put_described(struct buf *out)
{
	size_t n;
	const struct cmd_entry *const *tab = cmd_table(&n);

	buf_adds(out, "_ezrizi_described=(\n");
	for (size_t i = 0; i < n; i++) {
		const struct cmd_entry *e = tab[i];
		char *item;

		if (!shown(e))
			continue;
		/* A two-word name is described after its first word: "cache verify:...". */
		item = xasprintf("%s:%s", e->name, _(e->base != NULL ? e->base->summary : e->summary));
		for (char *p = item; *p != '\0'; p++) {
			if (*p == '\n' || *p == '\t')
				*p = ' ';
		}
		buf_addc(out, '\t');
		put_quoted(out, item);
		buf_addc(out, '\n');
		free(item);
	}
	buf_adds(out, ")\n");
}

static const char *const zsh_engine =
	"_ezrizi_kind() {\n"
	"  local s\n"
	"  REPLY=\n"
	"  for s in ${=1}; do\n"
	"    case $s in\n"
	"    \"$2\") REPLY=flag; return ;;\n"
	"    \"$2=\"*) REPLY=${s#*=}; return ;;\n"
	"    esac\n"
	"  done\n"
	"}\n"
	"_ezrizi_offer() {\n"
	"  case $1 in\n"
	"  choice:*) compadd -- ${(s:,:)${1#choice:}} ;;\n"
	"  day) compadd -- ${=_ezrizi_days} ;;\n"
	"  practitioner) compadd -- ${=_ezrizi_who} ;;\n"
	"  file) _files ;;\n"
	"  command) _ezrizi_names '' ;;\n"
	"  esac\n"
	"}\n"
	"# _ezrizi_names GROUP: the commands (GROUP empty) or GROUP's second words, described.\n"
	"_ezrizi_names() {\n"
	"  local -a found\n"
	"  local d w\n"
	"  for d in $_ezrizi_described; do\n"
	"    w=${d%%:*}\n"
	"    if [[ -z $1 ]]; then\n"
	"      [[ $w == *' '* ]] && continue\n"
	"      found+=(\"$d\")\n"
	"    elif [[ $w == \"$1 \"* ]]; then\n"
	"      found+=(\"${d#$1 }\")\n"
	"    fi\n"
	"  done\n"
	"  if [[ -z $1 ]]; then\n"
	"    for w in ${=_ezrizi_commands}; do\n"
	"      (( ${found[(I)$w:*]} )) || found+=(\"$w:\")\n"
	"    done\n"
	"  fi\n"
	"  _describe -t commands command found\n"
	"}\n"
	"_ezrizi() {\n"
	"  local cur=${words[CURRENT]} i=2 w o key=_ cmd= word= n=0 done= opts k\n"
	"  local -a kinds\n"
	"  while (( i < CURRENT )); do\n"
	"    w=${words[i]}\n"
	"    (( i++ ))\n"
	"    if [[ -z $done && $w == -- ]]; then done=1; continue; fi\n"
	"    if [[ -z $done && $w == -?* ]]; then\n"
	"      [[ $w == *=* ]] && continue\n"
	"      _ezrizi_kind \"${_ezrizi_opts[$key]} ${_ezrizi_opts[_]}\" ${w#--}\n"
	"      [[ -n $REPLY && $REPLY != flag ]] && (( i++ ))\n"
	"      continue\n"
	"    fi\n"
	"    if [[ -z $cmd ]]; then\n"
	"      cmd=${w//[^A-Za-z0-9]/_}\n"
	"      key=$cmd\n"
	"      word=$w\n"
	"      if [[ -n ${_ezrizi_sub[$cmd]} ]] && (( i < CURRENT )) && [[ \" ${_ezrizi_sub[$cmd]} \" == *\" ${words[i]} \"* ]]; then\n"
	"        key=${cmd}_${words[i]}\n"
	"        (( i++ ))\n"
	"      fi\n"
	"      continue\n"
	"    fi\n"
	"    (( n++ ))\n"
	"  done\n"
	"  opts=\"${_ezrizi_opts[$key]} ${_ezrizi_opts[_]}\"\n"
	"  o=\n"
	"  if [[ -z $done && $cur == --*=* ]]; then\n"
	"    o=${cur%%=*}\n"
	"    compset -P '*='\n"
	"  elif [[ -z $done && ${words[CURRENT-1]} == --?* && ${words[CURRENT-1]} != *=* ]]; then\n"
	"    o=${words[CURRENT-1]}\n"
	"  fi\n"
	"  if [[ -n $o ]]; then\n"
	"    _ezrizi_kind \"$opts\" ${o#--}\n"
	"    if [[ -n $REPLY && $REPLY != flag ]]; then _ezrizi_offer $REPLY; return; fi\n"
	"  fi\n"
	"  if [[ -z $done && $cur == -* ]]; then\n"
	"    local -a names\n"
	"    for w in ${=opts}; do names+=(\"--${w%%=*}\"); done\n"
	"    compadd -- $names\n"
	"    return\n"
	"  fi\n"
	"  if [[ -z $cmd ]]; then _ezrizi_names ''; return; fi\n"
	"  if [[ $key == $cmd && $n -eq 0 && -n ${_ezrizi_sub[$cmd]} ]]; then\n"
	"    _ezrizi_names $word\n"
	"    return\n"
	"  fi\n"
	"  k=${_ezrizi_args[$key]:-0:}\n"
	"  (( n >= ${k%%:*} )) && return\n"
	"  kinds=(${=k#*:})\n"
	"  if (( n + 1 <= $#kinds )); then k=${kinds[n+1]}; else k=${kinds[-1]}; fi\n"
	"  if [[ $k == command && $n -eq 1 ]]; then\n"
	"    _ezrizi_names ${words[CURRENT-1]}\n"
	"    return\n"
	"  fi\n"
	"  _ezrizi_offer $k\n"
	"}\n";

void
shellcomp_zsh(struct buf *out)
{
	buf_adds(out, "#compdef ezrizi\n"
	      "# zsh completion for ezrizi, generated from its command table by\n"
	      "# 'ezrizi completion zsh': save it as _ezrizi in a folder of $fpath.\n");
	put_data(out, true);
	put_described(out);
	buf_adds(out, zsh_engine);
	buf_adds(out, "_ezrizi \"$@\"\n");
}
