/*
 * termbytes - run a full-screen program in a pseudo-terminal and count the
 * bytes it writes, per named action.
 *
 * Usage: termbytes [-f SCRIPT]... [-e STEP]... [-s COLSxROWS] [-T TERM]
 *                  [-d DUMPDIR] -- COMMAND [ARG]...
 *
 * The steps (one per line in a SCRIPT, or one per -e, run in order) are:
 *   mark NAME              start counting bytes for NAME (ends the previous mark)
 *   end                    finish the current mark and print "NAME BYTES"
 *   send KEYS              write KEYS: \e \r \n \t \xHH \\ \< escapes, and <Down>
 *                          <Up> <Left> <Right> <Home> <End> <PgUp> <PgDn> <Tab>
 *                          <S-Tab> <Enter> <Esc> <BS> <Del> <Space> <F1>..<F12>
 *                          <C-x> (a control key) and <c> (the one character c)
 *   wait-quiet MS [TIMEOUT_MS]   until no output for MS ms (timeout 20000)
 *   wait-text TEXT TIMEOUT_MS    until the output since the last mark (or,
 *                          outside a mark, since this step) contains TEXT, raw or
 *                          with the escape sequences taken out
 *   wait-exit TIMEOUT_MS   until the program exits
 *   sync TIMEOUT_MS        until the program writes something, then until 50 ms
 *                          of quiet: for a program with a ticking clock, start an
 *                          action just after a tick (no output in time is fine)
 *   sleep MS               keep reading for MS ms
 *   idle SECONDS [NAME]    keep reading for SECONDS (into mark NAME if given)
 *   run SHELLCMD           run SHELLCMD with /bin/sh while reading; its stdout
 *                          and stderr go to our stderr
 *   dump FILE              write the bytes of the current or last mark to FILE
 *   resize COLS ROWS       change the window size (the program gets SIGWINCH)
 *   quit                   stop the program and exit
 * Blank lines and lines starting with # are skipped.
 *
 * A mark's line is "NAME BYTES"; when a wait-text in it timed out it is
 * "NAME n/a timeout", and when a wait-quiet in it gave up, "NAME BYTES not-quiet".
 * With -d DIR every mark's bytes are also written to DIR/NAME.bytes.
 *
 * Terminal queries are answered as a terminal would: cursor position (CSI 6n,
 * always the bottom right corner, e.g. ESC[24;80R), status (CSI 5n),
 * primary and secondary device attributes (CSI c, CSI > c). Cursor keys follow
 * the application cursor mode (CSI ?1h/l) the program sets.
 *
 * Exit status: 0, or 1 when a step failed or timed out, 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define QUIET_TIMEOUT_MS 20000

struct buf {
	char *data;
	size_t len, cap;
};

struct mark {
	char name[128];
	bool active;
	bool timed_out;
	bool not_quiet;
	uint64_t bytes;
	struct buf out;		/* the bytes of this mark, for dumps */
};

static struct {
	int master;
	pid_t child;
	bool child_gone;
	int child_status;
	unsigned short cols, rows;
	bool app_cursor;	/* DECCKM: cursor keys send ESC O x */
	char tail[64];		/* the end of the last read, for queries split across reads */
	size_t tail_len;
	struct mark mark;
	struct buf seen;	/* the output wait-text searches */
	const char *dump_dir;
	int failures;
} tb;

static volatile sig_atomic_t child_for_signal;

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("termbytes: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

__attribute__((format(printf, 1, 2)))
static void warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("termbytes: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (p == NULL)
		die("out of memory");
	return p;
}

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->data = xrealloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- talking to the terminal ---- */

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				struct pollfd p = { .fd = fd, .events = POLLOUT };
				poll(&p, 1, 100);
				continue;
			}
			warn("write to the terminal: %s", strerror(errno));
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

static void reply(const char *s)
{
	write_all(tb.master, s, strlen(s));
}

/*
 * Looks for terminal queries and mode changes in s (the tail of the previous
 * read followed by the new bytes); from is where the new bytes start, so a
 * sequence wholly inside the old tail is not answered twice.
 */
static void scan_sequences(const char *s, size_t n, size_t from)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] != '\033' || s[i + 1] != '[')
			continue;
		size_t j = i + 2;
		char priv = 0;
		if (j < n && (s[j] == '?' || s[j] == '>' || s[j] == '='))
			priv = s[j++];
		size_t pstart = j;
		while (j < n && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';'))
			j++;
		if (j >= n)
			return;	/* incomplete: it stays in the tail */
		if (j < from)
			continue;	/* ended in bytes we have already seen */
		char fin = s[j];
		char params[32] = "";
		size_t plen = j - pstart < sizeof params - 1 ? j - pstart : sizeof params - 1;
		memcpy(params, s + pstart, plen);
		params[plen] = '\0';
		if (priv == 0 && fin == 'n' && strcmp(params, "6") == 0) {
			char r[32];
			snprintf(r, sizeof r, "\033[%u;%uR", tb.rows, tb.cols);
			reply(r);
		} else if (priv == 0 && fin == 'n' && strcmp(params, "5") == 0) {
			reply("\033[0n");
		} else if (priv == 0 && fin == 'c' && (plen == 0 || strcmp(params, "0") == 0)) {
			reply("\033[?62;22c");
		} else if (priv == '>' && fin == 'c') {
			reply("\033[>41;330;0c");
		} else if (priv == '?' && (fin == 'h' || fin == 'l')) {
			char *save = NULL;
			for (char *p = strtok_r(params, ";", &save); p; p = strtok_r(NULL, ";", &save))
				if (strcmp(p, "1") == 0)
					tb.app_cursor = fin == 'h';
		}
		i = j;
	}
}

static void account(const char *s, size_t n)
{
	char joined[sizeof tb.tail + 4096];
	size_t off = 0;
	while (off < n) {
		size_t chunk = n - off < 4096 ? n - off : 4096;
		memcpy(joined, tb.tail, tb.tail_len);
		memcpy(joined + tb.tail_len, s + off, chunk);
		size_t total = tb.tail_len + chunk;
		scan_sequences(joined, total, tb.tail_len);
		tb.tail_len = total < sizeof tb.tail ? total : sizeof tb.tail;
		memcpy(tb.tail, joined + total - tb.tail_len, tb.tail_len);
		off += chunk;
	}
	if (tb.mark.active) {
		tb.mark.bytes += n;
		buf_add(&tb.mark.out, s, n);
	}
	buf_add(&tb.seen, s, n);
}

static void reap(bool block)
{
	if (tb.child_gone)
		return;
	int st;
	pid_t r = waitpid(tb.child, &st, block ? 0 : WNOHANG);
	if (r == tb.child) {
		tb.child_gone = true;
		tb.child_status = st;
		child_for_signal = 0;
	}
}

/*
 * Reads what the program writes for up to timeout_ms (0: only what is ready).
 * Returns the number of bytes read, or -1 once the terminal is closed.
 */
static ssize_t pump(int timeout_ms)
{
	if (tb.master < 0)
		return -1;
	struct pollfd p = { .fd = tb.master, .events = POLLIN };
	int r = poll(&p, 1, timeout_ms < 0 ? 0 : timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : -1;
	if (r == 0)
		return 0;
	char b[65536];
	ssize_t n = read(tb.master, b, sizeof b);
	if (n > 0) {
		account(b, (size_t)n);
		return n;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	/* EIO: the program and everything it started have closed the terminal. */
	close(tb.master);
	tb.master = -1;
	reap(true);
	return -1;
}

/* Drains what is ready now, so it goes to the mark that caused it. */
static void drain(void)
{
	while (pump(0) > 0)
		;
}

/* ---- marks ---- */

static void dump_to(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL) {
		warn("%s: %s", path, strerror(errno));
		tb.failures++;
		return;
	}
	if (b->len)
		fwrite(b->data, 1, b->len, f);
	fclose(f);
}

static void mark_end(void)
{
	if (!tb.mark.active)
		return;
	drain();
	tb.mark.active = false;
	if (tb.mark.timed_out)
		printf("%s n/a timeout\n", tb.mark.name);
	else
		printf("%s %llu%s\n", tb.mark.name, (unsigned long long)tb.mark.bytes,
		       tb.mark.not_quiet ? " not-quiet" : "");
	fflush(stdout);
	if (tb.dump_dir) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s.bytes", tb.dump_dir, tb.mark.name);
		dump_to(path, &tb.mark.out);
	}
}

static void mark_start(const char *name)
{
	mark_end();
	drain();
	snprintf(tb.mark.name, sizeof tb.mark.name, "%s", name);
	tb.mark.active = true;
	tb.mark.timed_out = tb.mark.not_quiet = false;
	tb.mark.bytes = 0;
	tb.mark.out.len = 0;
	tb.seen.len = 0;
}

/* ---- keys ---- */

static const struct {
	const char *name, *normal, *app;
} keys[] = {
	{ "Up", "\033[A", "\033OA" },	{ "Down", "\033[B", "\033OB" },
	{ "Right", "\033[C", "\033OC" },	{ "Left", "\033[D", "\033OD" },
	{ "Home", "\033[H", "\033OH" },	{ "End", "\033[F", "\033OF" },
	{ "PgUp", "\033[5~", NULL },	{ "PgDn", "\033[6~", NULL },
	{ "Ins", "\033[2~", NULL },	{ "Del", "\033[3~", NULL },
	{ "Tab", "\t", NULL },		{ "S-Tab", "\033[Z", NULL },
	{ "BTab", "\033[Z", NULL },	{ "Enter", "\r", NULL },
	{ "CR", "\r", NULL },		{ "Esc", "\033", NULL },
	{ "BS", "\177", NULL },		{ "Space", " ", NULL },
	{ "F1", "\033OP", NULL },	{ "F2", "\033OQ", NULL },
	{ "F3", "\033OR", NULL },	{ "F4", "\033OS", NULL },
	{ "F5", "\033[15~", NULL },	{ "F6", "\033[17~", NULL },
	{ "F7", "\033[18~", NULL },	{ "F8", "\033[19~", NULL },
	{ "F9", "\033[20~", NULL },	{ "F10", "\033[21~", NULL },
	{ "F11", "\033[23~", NULL },	{ "F12", "\033[24~", NULL },
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Handles a \ escape at s (just after the backslash); returns the bytes used. */
static size_t unescape_one(const char *s, struct buf *out)
{
	char c;
	switch (*s) {
	case 'e': c = '\033'; break;
	case 'r': c = '\r'; break;
	case 'n': c = '\n'; break;
	case 't': c = '\t'; break;
	case '0': c = '\0'; break;
	case 'x':
		if (hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			c = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			buf_add(out, &c, 1);
			return 3;
		}
		c = 'x';
		break;
	case '\0': c = '\\'; buf_add(out, &c, 1); return 0;
	default: c = *s; break;
	}
	buf_add(out, &c, 1);
	return 1;
}

/* Plain text with \ escapes, for wait-text. */
static void unescape(const char *s, struct buf *out)
{
	for (; *s; s++) {
		if (*s == '\\')
			s += unescape_one(s + 1, out);
		else
			buf_add(out, s, 1);
	}
}

static bool key_name(const char *name, size_t len, struct buf *out)
{
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		if (strlen(keys[k].name) == len && strncasecmp(keys[k].name, name, len) == 0) {
			const char *seq = tb.app_cursor && keys[k].app ? keys[k].app : keys[k].normal;
			buf_add(out, seq, strlen(seq));
			return true;
		}
	}
	if (len == 3 && (name[0] == 'C' || name[0] == 'c') && name[1] == '-') {
		char c = name[2];
		if (c == '?')
			c = 127;
		else if (c >= '@' && c <= '_')
			c = (char)(c - '@');
		else if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 1);
		else if (c == ' ')
			c = 0;
		else
			return false;
		buf_add(out, &c, 1);
		return true;
	}
	if (len == 1) {
		buf_add(out, name, 1);
		return true;
	}
	return false;
}

/* KEYS for send: escapes and <Name>s; anything else is sent as it is. */
static void keys_parse(const char *s, struct buf *out)
{
	while (*s) {
		if (*s == '\\') {
			s += 1 + unescape_one(s + 1, out);
			continue;
		}
		if (*s == '<') {
			const char *close = strchr(s + 2, '>');
			if (close && key_name(s + 1, (size_t)(close - s - 1), out)) {
				s = close + 1;
				continue;
			}
		}
		buf_add(out, s, 1);
		s++;
	}
}

/* ---- waiting ---- */

/* The output with escape sequences and shift characters removed. */
static void strip_sequences(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\033' && i + 1 < n) {
			char t = s[++i];
			if (t == '[') {
				while (i + 1 < n && !(s[i + 1] >= '@' && s[i + 1] <= '~'))
					i++;
				i++;
			} else if (t == ']' || t == 'P' || t == '_' || t == '^') {
				while (i + 1 < n && s[i + 1] != '\a' &&
				       !(s[i + 1] == '\033' && i + 2 < n && s[i + 2] == '\\'))
					i++;
				i += s[i + 1] == '\a' ? 1 : 2;
			} else if (t == '(' || t == ')' || t == '*' || t == '+' || t == '#' || t == '%') {
				i++;
			}
			continue;
		}
		if (c == 0x0e || c == 0x0f || c == '\a')
			continue;
		buf_add(out, s + i, 1);
	}
}

static bool output_has(const char *text)
{
	if (tb.seen.len == 0)
		return false;
	if (memmem(tb.seen.data, tb.seen.len, text, strlen(text)))
		return true;
	struct buf plain = { 0 };
	strip_sequences(tb.seen.data, tb.seen.len, &plain);
	bool found = plain.len && memmem(plain.data, plain.len, text, strlen(text));
	free(plain.data);
	return found;
}

/* A step that went wrong: the message, and exit status 1 at the end. */
#define step_failed(...) (warn(__VA_ARGS__), tb.failures++)

static void wait_quiet(int quiet_ms, int timeout_ms)
{
	int64_t start = now_ms(), last = start;
	for (;;) {
		int64_t t = now_ms();
		if (t - last >= quiet_ms)
			return;
		if (t - start >= timeout_ms) {
			warn("wait-quiet %d: still writing after %d ms", quiet_ms, timeout_ms);
			tb.mark.not_quiet = true;
			return;
		}
		int left = (int)(quiet_ms - (t - last));
		if (left > timeout_ms - (t - start))
			left = (int)(timeout_ms - (t - start));
		ssize_t n = pump(left);
		if (n < 0)
			return;
		if (n > 0)
			last = now_ms();
	}
}

static void wait_text(const char *arg)
{
	char *copy = strdup(arg);
	char *sp = strrchr(copy, ' ');
	int timeout_ms = 10000;
	if (sp && sp[1] && strspn(sp + 1, "0123456789") == strlen(sp + 1)) {
		timeout_ms = atoi(sp + 1);
		*sp = '\0';
	}
	struct buf text = { 0 };
	unescape(copy, &text);
	free(copy);
	if (text.len == 0) {
		free(text.data);
		return;
	}
	int64_t start = now_ms();
	if (!tb.mark.active) {	/* outside a mark: search what comes from now on */
		drain();
		tb.seen.len = 0;
	}
	while (!output_has(text.data)) {
		int64_t left = timeout_ms - (now_ms() - start);
		if (left <= 0 || pump((int)(left < 200 ? left : 200)) < 0) {
			warn("wait-text \"%s\": not seen", text.data);
			tb.mark.timed_out = true;
			tb.failures++;
			break;
		}
	}
	free(text.data);
}

static void keep_reading(int64_t ms)
{
	int64_t end = now_ms() + ms;
	for (int64_t t = now_ms(); t < end; t = now_ms())
		if (pump((int)(end - t)) < 0)
			return;
}

static void wait_exit(int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;
	while (!tb.child_gone && now_ms() < end) {
		if (pump(50) < 0)
			break;
		reap(false);
	}
	if (!tb.child_gone)
		step_failed("wait-exit: %s", "the program is still running");
}

static void run_shell(const char *cmd)
{
	pid_t pid = fork();
	if (pid < 0) {
		step_failed("fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	int st;
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return;
		if (pump(20) < 0)
			usleep(20000);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		step_failed("run: failed: %s", cmd);
}

static void stop_child(void)
{
	if (tb.child_gone)
		return;
	kill(tb.child, SIGHUP);
	kill(tb.child, SIGTERM);
	for (int i = 0; i < 40 && !tb.child_gone; i++) {
		pump(50);
		reap(false);
	}
	if (!tb.child_gone) {
		kill(tb.child, SIGKILL);
		reap(true);
	}
}

static void set_size(unsigned short cols, unsigned short rows)
{
	tb.cols = cols;
	tb.rows = rows;
	if (tb.master >= 0) {
		struct winsize ws = { .ws_row = rows, .ws_col = cols };
		ioctl(tb.master, TIOCSWINSZ, &ws);
	}
}

/* ---- the script ---- */

struct steps {
	char **v;
	size_t n;
};

static void steps_add(struct steps *s, const char *line)
{
	s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	s->v[s->n++] = strdup(line);
}

static void steps_read(struct steps *s, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (f == NULL)
		die("%s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		steps_add(s, line);
	}
	free(line);
	if (f != stdin)
		fclose(f);
}

/* Whether steps from i on would still need the program. */
static bool steps_left(const struct steps *s, size_t i)
{
	for (; i < s->n; i++) {
		const char *l = s->v[i] + strspn(s->v[i], " \t");
		if (*l && *l != '#' && strncmp(l, "end", 3) != 0 && strncmp(l, "quit", 4) != 0 &&
		    strncmp(l, "wait-exit", 9) != 0 && strncmp(l, "dump", 4) != 0)
			return true;
	}
	return false;
}

/* Returns false on quit. */
static bool step(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '\0' || *line == '#')
		return true;
	char cmd[32];
	size_t len = strcspn(line, " \t");
	if (len >= sizeof cmd) {
		step_failed("unknown step: %s", line);
		return true;
	}
	memcpy(cmd, line, len);
	cmd[len] = '\0';
	const char *arg = line + len;
	arg += strspn(arg, " \t");

	if (strcmp(cmd, "mark") == 0) {
		mark_start(*arg ? arg : "unnamed");
	} else if (strcmp(cmd, "end") == 0) {
		mark_end();
	} else if (strcmp(cmd, "send") == 0) {
		struct buf keys_out = { 0 };
		keys_parse(arg, &keys_out);
		if (tb.master >= 0 && keys_out.len)
			write_all(tb.master, keys_out.data, keys_out.len);
		free(keys_out.data);
	} else if (strcmp(cmd, "wait-quiet") == 0) {
		int q = 0, t = QUIET_TIMEOUT_MS;
		if (sscanf(arg, "%d %d", &q, &t) < 1 || q <= 0)
			step_failed("wait-quiet needs MS: %s", line);
		else
			wait_quiet(q, t);
	} else if (strcmp(cmd, "wait-text") == 0) {
		wait_text(arg);
	} else if (strcmp(cmd, "wait-exit") == 0) {
		wait_exit(*arg ? atoi(arg) : 5000);
	} else if (strcmp(cmd, "sync") == 0) {
		int64_t end = now_ms() + (*arg ? atoi(arg) : 2000);
		ssize_t n = 0;
		for (int64_t t = now_ms(); n == 0 && t < end; t = now_ms())
			n = pump((int)(end - t));
		if (n > 0)
			wait_quiet(50, QUIET_TIMEOUT_MS);
	} else if (strcmp(cmd, "sleep") == 0) {
		keep_reading(atoll(arg));
	} else if (strcmp(cmd, "idle") == 0) {
		double secs = 0;
		char name[128] = "";
		if (sscanf(arg, "%lf %127s", &secs, name) < 1 || secs < 0) {
			step_failed("idle needs SECONDS: %s", line);
			return true;
		}
		if (*name)
			mark_start(name);
		keep_reading((int64_t)(secs * 1000));
		if (*name)
			mark_end();
	} else if (strcmp(cmd, "run") == 0) {
		run_shell(arg);
	} else if (strcmp(cmd, "dump") == 0) {
		drain();
		dump_to(arg, &tb.mark.out);
	} else if (strcmp(cmd, "resize") == 0) {
		unsigned c, r;
		if (sscanf(arg, "%u %u", &c, &r) == 2 && c && r && c < 10000 && r < 10000)
			set_size((unsigned short)c, (unsigned short)r);
		else
			step_failed("resize needs COLS ROWS: %s", line);
	} else if (strcmp(cmd, "quit") == 0) {
		return false;
	} else {
		step_failed("unknown step: %s", line);
	}
	return true;
}

static void on_signal(int sig)
{
	pid_t c = child_for_signal;
	if (c > 0) {
		kill(c, SIGHUP);
		kill(c, SIGTERM);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void usage(void)
{
	fputs("usage: termbytes [-f SCRIPT]... [-e STEP]... [-s COLSxROWS] [-T TERM] [-d DUMPDIR]\n"
	      "                 -- COMMAND [ARG]...\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct steps steps = { 0 };
	const char *term = "xterm-256color";
	unsigned cols = 80, rows = 24;
	int opt;
	while ((opt = getopt(argc, argv, "+f:e:s:T:d:h")) != -1) {
		switch (opt) {
		case 'f': steps_read(&steps, optarg); break;
		case 'e': steps_add(&steps, optarg); break;
		case 's':
			if (sscanf(optarg, "%ux%u", &cols, &rows) != 2 || !cols || !rows ||
			    cols > 9999 || rows > 9999)
				usage();
			break;
		case 'T': term = optarg; break;
		case 'd': tb.dump_dir = optarg; mkdir(optarg, 0755); break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();

	tb.cols = (unsigned short)cols;
	tb.rows = (unsigned short)rows;
	struct winsize ws = { .ws_row = tb.rows, .ws_col = tb.cols };
	fflush(NULL);
	tb.child = forkpty(&tb.master, NULL, NULL, &ws);
	if (tb.child < 0)
		die("forkpty: %s", strerror(errno));
	if (tb.child == 0) {
		setenv("TERM", term, 1);
		if (getenv("LANG") == NULL || !*getenv("LANG"))
			setenv("LANG", "C.UTF-8", 1);
		unsetenv("COLUMNS");
		unsetenv("LINES");
		unsetenv("TMUX");
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "termbytes: %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	child_for_signal = tb.child;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);
	fcntl(tb.master, F_SETFL, fcntl(tb.master, F_GETFL) | O_NONBLOCK);

	for (size_t i = 0; i < steps.n; i++) {
		if (!step(steps.v[i]))
			break;
		reap(false);
		if (tb.child_gone && tb.master < 0) {
			if (steps_left(&steps, i + 1))
				step_failed("the program exited; steps after \"%s\" were not run",
					    steps.v[i]);
			break;
		}
	}
	mark_end();
	stop_child();
	for (size_t i = 0; i < steps.n; i++)
		free(steps.v[i]);
	free(steps.v);
	free(tb.mark.out.data);
	free(tb.seen.data);
	return tb.failures ? 1 : 0;
}
