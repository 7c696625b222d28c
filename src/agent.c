/* agent.c - the unlock agent: see include/core/agent.h.
 *
 * agent_start() forks the agent; the key reaches it through memory the fork
 * copies, never argv, the environment or a file. The agent detaches (setsid,
 * a second fork, /dev/null for stdio, every other descriptor closed), turns
 * core dumps and ptrace off, keeps its keys in sodium_malloc()ed memory
 * (guarded, locked, not dumped) and answers one request line per connection
 * on a Unix socket in a 0700 directory, only to peers of its own uid
 * (SO_PEERCRED). Clients check the same of the agent before they talk.
 *
 *   GET <dir>\n                        -> OK <base64 key>\n  or  NO\n
 *   PUT <seconds> <dir> <base64 key>\n -> OK\n  or  NO\n
 *   TTL <dir>\n                        -> OK <seconds left>\n  or  NO\n
 *   STOP\n                             -> OK\n, and it exits
 *
 * <dir> is the store directory as the caller gave it (it may hold spaces, not
 * a newline). Each key has its own time limit, on CLOCK_BOOTTIME so that a
 * suspended laptop does not stretch it. The agent exits, wiping its keys and
 * removing its socket, when the last key's time is up, on STOP, on SIGTERM,
 * SIGINT or SIGHUP, or when its socket is removed or replaced. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "core/agent.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/fsutil.h"
#include "core/i18n.h"
#include "core/xmalloc.h"

#define AGENT_LINE_MAX 8192      /* longest request line; longer ones are dropped */
#define AGENT_DIR_MAX 4096       /* longest store directory */
#define AGENT_SLOTS 8            /* stores held at once */
#define AGENT_CLIENTS 8          /* connections served at once; more wait in the backlog */
#define AGENT_CLIENT_MS 2000     /* a client that has not sent its line by then is dropped */
#define AGENT_REPLY_MS 2000      /* how long a client waits for the agent */
#define AGENT_CHECK_MS 10000     /* how often the agent checks that its socket is still its own */
#define AGENT_MAX_SECONDS (366L * 24 * 60 * 60)
#define KEY_B64 sodium_base64_ENCODED_LEN(STORE_KEY_BYTES, sodium_base64_VARIANT_ORIGINAL)
#define REPLY_MAX 64             /* "OK " + base64 key + "\n" fits */

/* ---- shared ---- */

static int64_t
now_ms(void)
{
	struct timespec ts;

#ifdef CLOCK_BOOTTIME
	if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
#endif
		clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *
agent_socket_path(void)
{
	const char *run = getenv("XDG_RUNTIME_DIR");

	if (run != NULL && run[0] == '/')
		return xasprintf("%s/ezrizi/agent", run);
	return xasprintf("/tmp/ezrizi-agent-%lu/agent", (unsigned long)getuid());
}

/* The directory of the socket (new string, free()). */
static char *
socket_dir(const char *path)
{
	return xstrndup(path, (size_t)(strrchr(path, '/') - path));
}

/* 0 when dir is a directory of ours that nobody else may enter, else ENOENT
 * (missing), EPERM (not private) or the errno of lstat. */
static int
dir_state(const char *dir)
{
	struct stat st;

	if (lstat(dir, &st) != 0)
		return errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077) != 0)
		return EPERM;
	return 0;
}

static bool
peer_is_us(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof cr;

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 && len == sizeof cr &&
	       cr.uid == getuid();
}

static bool
fill_addr(struct sockaddr_un *sa, const char *path)
{
	size_t len = strlen(path);

	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (len >= sizeof sa->sun_path)
		return false;
	memcpy(sa->sun_path, path, len + 1);
	return true;
}

/* A store directory we can put on a request line. */
static bool
dir_sendable(const char *dir)
{
	size_t len = dir != NULL ? strlen(dir) : 0;

	return len > 0 && len <= AGENT_DIR_MAX && strchr(dir, '\n') == NULL;
}

static bool
decode_key(const char *b64, size_t len, unsigned char key[STORE_KEY_BYTES])
{
	size_t got = 0;
	const char *end = NULL;

	if (sodium_base642bin(key, STORE_KEY_BYTES, b64, len, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) == 0 &&
	    got == STORE_KEY_BYTES && end == b64 + len)
		return true;
	sodium_memzero(key, STORE_KEY_BYTES);
	return false;
}

/* ---- the client side ---- */

/* Connects to the agent and checks that it runs as us. Returns the socket, or
 * -1 with *why: ENOENT (no agent), ECONNREFUSED (a socket left by a dead
 * agent), EPERM (a folder or a peer that is not ours) or another errno. */
static int
agent_connect(const char *path, int *why)
{
	struct timeval tv = { AGENT_REPLY_MS / 1000, 0 };
	struct sockaddr_un sa;
	char *dir = socket_dir(path);
	int fd;

	*why = dir_state(dir);
	free(dir);
	if (*why != 0)
		return -1;
	if (!fill_addr(&sa, path)) {
		*why = ENAMETOOLONG;
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		*why = errno;
		return -1;
	}
	/* Bounds connect() and send() should the agent stop reading. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		*why = errno == EACCES ? EPERM : errno;
		close(fd);
		return -1;
	}
	if (!peer_is_us(fd)) {
		*why = EPERM;
		close(fd);
		return -1;
	}
	return fd;
}

static bool
send_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		data += n;
		len -= (size_t)n;
	}
	return true;
}

/* Reads one line (cap bytes at most, newline included) into reply, without the
 * newline, within AGENT_REPLY_MS. */
static bool
recv_line(int fd, char *reply, size_t cap)
{
	int64_t until = now_ms() + AGENT_REPLY_MS;
	size_t len = 0;

	while (len < cap - 1) {
		struct pollfd p = { fd, POLLIN, 0 };
		int64_t left = until - now_ms();
		ssize_t n;
		char *nl;

		if (left <= 0)
			return false;
		if (poll(&p, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		if (p.revents == 0)
			continue;
		n = recv(fd, reply + len, cap - 1 - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		nl = memchr(reply + len, '\n', (size_t)n);
		len += (size_t)n;
		if (nl != NULL) {
			*nl = '\0';
			return true;
		}
	}
	return false;
}

/* One request, one reply line (without its newline). False when no agent
 * answered; *why as for agent_connect(), ETIMEDOUT for no or a broken reply. */
static bool
agent_call(const char *req, size_t len, char reply[REPLY_MAX], int *why)
{
	char *path = agent_socket_path();
	int fd = agent_connect(path, why);
	bool ok;

	free(path);
	if (fd < 0)
		return false;
	ok = send_all(fd, req, len) && recv_line(fd, reply, REPLY_MAX);
	close(fd);
	if (!ok) {
		sodium_memzero(reply, REPLY_MAX);
		*why = ETIMEDOUT;
	}
	return ok;
}

bool
agent_get_key(const char *store_dir, unsigned char key[STORE_KEY_BYTES])
{
	char reply[REPLY_MAX];
	bool ok = false;
	char *req;
	int why;

	if (!dir_sendable(store_dir))
		return false;
	req = xasprintf("GET %s\n", store_dir);
	if (agent_call(req, strlen(req), reply, &why) && strncmp(reply, "OK ", 3) == 0)
		ok = decode_key(reply + 3, strlen(reply + 3), key);
	sodium_memzero(reply, sizeof reply);
	free(req);
	return ok;
}

long
agent_time_left(const char *store_dir)
{
	char reply[REPLY_MAX], *end;
	long left = -1;
	char *req;
	int why;

	if (!dir_sendable(store_dir))
		return -1;
	req = xasprintf("TTL %s\n", store_dir);
	if (agent_call(req, strlen(req), reply, &why) && strncmp(reply, "OK ", 3) == 0) {
		errno = 0;
		left = strtol(reply + 3, &end, 10);
		if (errno != 0 || *end != '\0' || end == reply + 3 || left < 0)
			left = -1;
	}
	free(req);
	return left;
}

/* Removes a socket left by an agent that died without cleaning up. */
static void
unlink_stale(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_uid == getuid())
		unlink(path);
}

bool
agent_stop(struct error *err)
{
	char reply[REPLY_MAX];
	char *path;
	int why;

	if (agent_call("STOP\n", 5, reply, &why))
		return strcmp(reply, "OK") == 0 ||
		       error_set(err, ERR_FAILED, _("The unlock agent refused to stop."));
	if (why == ENOENT)
		return false;
	path = agent_socket_path();
	if (why == ECONNREFUSED)
		unlink_stale(path);
	else if (why == EPERM)
		error_set(err, ERR_FAILED,
			  _("The folder of %s, or what answers there, is not yours alone; remove it."), path);
	else if (why == ETIMEDOUT)
		error_set(err, ERR_FAILED, _("The unlock agent did not answer; end it with kill."));
	free(path);
	return false;
}

/* Hands a running agent the key. True when it took it; else *why as for
 * agent_call(), or EBUSY when it refused (its table is full). */
static bool
agent_put(const char *store_dir, const unsigned char key[STORE_KEY_BYTES], long seconds, int *why)
{
	char b64[KEY_B64], reply[REPLY_MAX];
	struct buf req;
	bool ok;

	buf_init(&req);
	sodium_bin2base64(b64, sizeof b64, key, STORE_KEY_BYTES, sodium_base64_VARIANT_ORIGINAL);
	buf_addf(&req, "PUT %ld %s %s\n", seconds, store_dir, b64);
	ok = agent_call(req.data, req.len, reply, why);
	if (ok && strcmp(reply, "OK") != 0) {
		*why = EBUSY;
		ok = false;
	}
	sodium_memzero(b64, sizeof b64);
	sodium_memzero(req.data, req.cap);
	buf_finish(&req);
	return ok;
}

/* ---- the agent ---- */

struct slot {
	bool used;
	int64_t until;             /* now_ms() at which the key is forgotten */
	char dir[AGENT_DIR_MAX + 1];
};

struct client {
	int fd;                    /* -1 when free */
	int64_t until;             /* dropped when its line has not come by then */
	size_t len;
	char *buf;                 /* AGENT_LINE_MAX bytes in a->lines */
};

/* Everything that holds a key, in sodium_malloc()ed memory. */
struct secrets {
	unsigned char key[AGENT_SLOTS][STORE_KEY_BYTES];
	unsigned char scratch[STORE_KEY_BYTES];
	char reply[REPLY_MAX];
};

struct agent {
	int lfd;
	dev_t dev;                 /* of the socket we bound, so we never remove another's */
	ino_t ino;
	const char *path;          /* NULL once removed */
	bool stop;
	struct secrets *sec;
	char *lines;               /* AGENT_CLIENTS request buffers (sodium_malloc) */
	struct slot slots[AGENT_SLOTS];
	struct client clients[AGENT_CLIENTS];
};

static volatile sig_atomic_t agent_quit;

static void
on_quit_signal(int sig)
{
	(void)sig;
	agent_quit = 1;
}

static bool
socket_is_ours(const struct agent *a)
{
	struct stat st;

	return a->path != NULL && lstat(a->path, &st) == 0 && st.st_dev == a->dev &&
	       st.st_ino == a->ino;
}

/* Removes the socket (if it is still the one we bound) and stops listening. */
static void
agent_unlisten(struct agent *a)
{
	if (socket_is_ours(a))
		unlink(a->path);
	a->path = NULL;
	if (a->lfd >= 0)
		close(a->lfd);
	a->lfd = -1;
}

static struct slot *
slot_find(struct agent *a, const char *dir)
{
	for (size_t i = 0; i < AGENT_SLOTS; i++)
		if (a->slots[i].used && strcmp(a->slots[i].dir, dir) == 0)
			return &a->slots[i];
	return NULL;
}

static unsigned char *
slot_key(struct agent *a, const struct slot *s)
{
	return a->sec->key[s - a->slots];
}

static void
slot_forget(struct agent *a, struct slot *s)
{
	sodium_memzero(slot_key(a, s), STORE_KEY_BYTES);
	s->used = false;
	s->dir[0] = '\0';
}

static bool
slot_put(struct agent *a, const char *dir, const unsigned char *key, long seconds)
{
	struct slot *s = slot_find(a, dir);

	for (size_t i = 0; s == NULL && i < AGENT_SLOTS; i++)
		if (!a->slots[i].used)
			s = &a->slots[i];
	if (s == NULL || strlen(dir) > AGENT_DIR_MAX || seconds <= 0 || seconds > AGENT_MAX_SECONDS)
		return false;
	s->used = true;
	s->until = now_ms() + (int64_t)seconds * 1000;
	memcpy(slot_key(a, s), key, STORE_KEY_BYTES);
	strcpy(s->dir, dir);
	return true;
}

/* Forgets the keys whose time is up; returns the time of the next expiry, or
 * -1 when no key is left. */
static int64_t
slots_expire(struct agent *a, int64_t now)
{
	int64_t next = -1;

	for (size_t i = 0; i < AGENT_SLOTS; i++) {
		struct slot *s = &a->slots[i];

		if (s->used && s->until <= now)
			slot_forget(a, s);
		else if (s->used && (next < 0 || s->until < next))
			next = s->until;
	}
	return next;
}

/* "PUT <seconds> <dir> <base64>": the dir runs to the last space. */
static bool
handle_put(struct agent *a, char *args)
{
	char *end, *sp;
	long seconds;
	bool ok;

	if (args[0] < '1' || args[0] > '9')
		return false;
	errno = 0;
	seconds = strtol(args, &end, 10);
	if (errno != 0 || *end != ' ' || (sp = strrchr(end + 1, ' ')) == NULL || sp == end + 1)
		return false;
	*sp = '\0';
	ok = decode_key(sp + 1, strlen(sp + 1), a->sec->scratch) &&
	     slot_put(a, end + 1, a->sec->scratch, seconds);
	sodium_memzero(a->sec->scratch, STORE_KEY_BYTES);
	return ok;
}

/* Answers one request line (NUL-terminated, no newline) into a->sec->reply. */
static void
agent_handle(struct agent *a, char *line)
{
	char *reply = a->sec->reply;
	struct slot *s;

	snprintf(reply, REPLY_MAX, "NO\n");
	if (strncmp(line, "GET ", 4) == 0 && (s = slot_find(a, line + 4)) != NULL) {
		memcpy(reply, "OK ", 3);
		sodium_bin2base64(reply + 3, KEY_B64, slot_key(a, s), STORE_KEY_BYTES,
				  sodium_base64_VARIANT_ORIGINAL);
		strcat(reply, "\n");
	} else if (strncmp(line, "TTL ", 4) == 0 && (s = slot_find(a, line + 4)) != NULL) {
		snprintf(reply, REPLY_MAX, "OK %lld\n", (long long)((s->until - now_ms() + 999) / 1000));
	} else if (strncmp(line, "PUT ", 4) == 0 && handle_put(a, line + 4)) {
		snprintf(reply, REPLY_MAX, "OK\n");
	} else if (strcmp(line, "STOP") == 0) {
		/* Gone before the client hears OK, so it can rely on that. */
		agent_unlisten(a);
		a->stop = true;
		snprintf(reply, REPLY_MAX, "OK\n");
	}
}

static void
client_drop(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	sodium_memzero(c->buf, AGENT_LINE_MAX);
	c->len = 0;
}

static void
client_read(struct agent *a, struct client *c)
{
	ssize_t n = recv(c->fd, c->buf + c->len, AGENT_LINE_MAX - c->len, MSG_DONTWAIT);
	char *nl;

	if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		client_drop(c);
		return;
	}
	nl = memchr(c->buf + c->len, '\n', (size_t)n);
	c->len += (size_t)n;
	if (nl == NULL) {
		if (c->len == AGENT_LINE_MAX)
			client_drop(c);  /* too long: not one of ours */
		return;
	}
	*nl = '\0';
	if (memchr(c->buf, '\0', (size_t)(nl - c->buf)) == NULL)
		agent_handle(a, c->buf);
	else
		snprintf(a->sec->reply, REPLY_MAX, "NO\n");
	/* The reply is short: the socket's buffer takes it whole or the client is gone. */
	(void)!send(c->fd, a->sec->reply, strlen(a->sec->reply), MSG_NOSIGNAL | MSG_DONTWAIT);
	sodium_memzero(a->sec->reply, REPLY_MAX);
	client_drop(c);
}

static void
clients_accept(struct agent *a, int64_t now)
{
	int fd;

	while ((fd = accept4(a->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		struct client *c = NULL;

		for (size_t i = 0; c == NULL && i < AGENT_CLIENTS; i++)
			if (a->clients[i].fd < 0)
				c = &a->clients[i];
		if (c == NULL || !peer_is_us(fd)) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->until = now + AGENT_CLIENT_MS;
		c->len = 0;
	}
}

static void
agent_loop(struct agent *a, const sigset_t *unblocked)
{
	struct pollfd pfd[1 + AGENT_CLIENTS];
	size_t who[AGENT_CLIENTS];
	int64_t check = now_ms() + AGENT_CHECK_MS;

	while (!a->stop && !agent_quit) {
		int64_t now = now_ms(), wake = slots_expire(a, now);
		struct timespec ts;
		nfds_t n = 0;

		if (wake < 0)
			break;  /* no key left */
		if (now >= check) {
			if (!socket_is_ours(a))
				break;  /* removed or replaced: nobody can reach us */
			check = now + AGENT_CHECK_MS;
		}
		if (check < wake)
			wake = check;
		pfd[n++] = (struct pollfd){ a->lfd, POLLIN, 0 };
		for (size_t i = 0; i < AGENT_CLIENTS; i++) {
			struct client *c = &a->clients[i];

			if (c->fd >= 0 && c->until <= now)
				client_drop(c);
			if (c->fd < 0)
				continue;
			if (c->until < wake)
				wake = c->until;
			who[n - 1] = i;
			pfd[n++] = (struct pollfd){ c->fd, POLLIN, 0 };
		}
		ts.tv_sec = (wake - now) / 1000;
		ts.tv_nsec = (long)((wake - now) % 1000) * 1000000;
		if (ppoll(pfd, n, &ts, unblocked) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (nfds_t i = 1; i < n && !a->stop; i++)
			if (pfd[i].revents != 0)
				client_read(a, &a->clients[who[i - 1]]);
		if (!a->stop && pfd[0].revents != 0)
			clients_accept(a, now_ms());
	}
}

/* Closes every descriptor but keep (which is >= 3). */
static void
close_others(int keep)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	if ((keep <= 3 || close_range(3, (unsigned)keep - 1, 0) == 0) &&
	    close_range((unsigned)keep + 1, ~0U, 0) == 0)
		return;
#endif
	long max = sysconf(_SC_OPEN_MAX);

	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = 3; fd < max; fd++)
		if (fd != keep)
			close(fd);
}

/* Signals: defaults, except TERM/INT/HUP, which end the loop (they are blocked
 * but while it waits, so none is lost), and PIPE, ignored. */
static void
agent_signals(sigset_t *unblocked)
{
	struct sigaction sa;
	sigset_t quit;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_quit_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&quit);
	sigaddset(&quit, SIGTERM);
	sigaddset(&quit, SIGINT);
	sigaddset(&quit, SIGHUP);
	sigprocmask(SIG_SETMASK, &quit, NULL);
	sigemptyset(unblocked);
}

/* The agent itself (the grandchild): takes the key from `inherited` (wiped and
 * freed here), serves, wipes everything and exits. */
static void __attribute__((noreturn))
agent_run(struct agent *a, const char *store_dir, unsigned char *inherited, long seconds)
{
	sigset_t unblocked;
	bool ok;

	agent_signals(&unblocked);
	/* sodium_malloc() locks (mlock) and un-dumps its pages; locks do not survive
	 * fork, so the keys move to memory allocated here. */
	a->sec = sodium_malloc(sizeof *a->sec);
	a->lines = sodium_malloc((size_t)AGENT_CLIENTS * AGENT_LINE_MAX);
	ok = a->sec != NULL && a->lines != NULL;
	if (ok) {
		sodium_memzero(a->sec, sizeof *a->sec);
		for (size_t i = 0; i < AGENT_CLIENTS; i++) {
			a->clients[i].fd = -1;
			a->clients[i].buf = a->lines + i * AGENT_LINE_MAX;
			client_drop(&a->clients[i]);
		}
		ok = slot_put(a, store_dir, inherited, seconds);
	}
	sodium_free(inherited);
	if (ok)
		agent_loop(a, &unblocked);
	for (size_t i = 0; ok && i < AGENT_CLIENTS; i++)
		client_drop(&a->clients[i]);
	agent_unlisten(a);
	sodium_free(a->sec);    /* wipes the keys */
	sodium_free(a->lines);
	_exit(ok ? 0 : 1);
}

/* The child of fork(): becomes a daemon. Only _exit() here: the parent's
 * stdio buffers and atexit handlers are not ours to run. */
static void __attribute__((noreturn))
agent_child(struct agent *a, const char *store_dir, unsigned char *inherited, long seconds)
{
	struct rlimit no_core = { 0, 0 };
	pid_t pid;
	int null;

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	setrlimit(RLIMIT_CORE, &no_core);
	/* Also lets go of the parent's descriptors: a store's flock, the terminal,
	 * network sockets, and our own lock on the agent's folder. */
	close_others(a->lfd);
	if ((null = open("/dev/null", O_RDWR)) >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	} else {
		close(0);
		close(1);
		close(2);
	}
	if (setsid() < 0 || (pid = fork()) < 0) {
		sodium_free(inherited);
		_exit(1);
	}
	if (pid > 0)
		_exit(0);  /* the agent is no session leader: it can never get a terminal */
	if (chdir("/") != 0)
		_exit(1);
	umask(077);
	agent_run(a, store_dir, inherited, seconds);
}

/* Binds and listens on path (made 0600 by the umask). Returns the socket,
 * moved to >= 3 so that /dev/null can take 0-2 in the agent, or -1. */
static int
agent_listen(const char *path, struct stat *st, struct error *err)
{
	struct sockaddr_un sa;
	int fd, high, e = 0;
	mode_t old;

	if (!fill_addr(&sa, path)) {
		error_set(err, ERR_FAILED,
			  _("The socket path %s is too long; set XDG_RUNTIME_DIR to a shorter folder."), path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		e = errno;
	old = umask(077);
	if (e == 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		e = errno;
	umask(old);
	if (e == 0 && (listen(fd, 16) != 0 || lstat(path, st) != 0))
		e = errno;
	if (e == 0 && fd < 3) {
		if ((high = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0)
			e = errno;
		close(fd);
		fd = high;
	}
	if (e != 0) {
		if (fd >= 0)
			close(fd);
		error_set(err, ERR_FAILED, _("Cannot create the agent's socket %s: %s."), path,
			  strerror(e));
		return -1;
	}
	return fd;
}

/* Forks the agent on the listening socket lfd and waits until it answers. */
static bool
agent_spawn(int lfd, const struct stat *st, const char *path, const char *store_dir,
	    const unsigned char key[STORE_KEY_BYTES], long seconds, struct error *err)
{
	struct agent *a = xcalloc(1, sizeof *a);
	unsigned char *inherited = sodium_malloc(STORE_KEY_BYTES);
	int status = 0;
	pid_t pid;

	if (inherited == NULL) {
		free(a);
		close(lfd);
		return error_set(err, ERR_FAILED, _("Cannot allocate locked memory for the key."));
	}
	memcpy(inherited, key, STORE_KEY_BYTES);
	a->lfd = lfd;
	a->dev = st->st_dev;
	a->ino = st->st_ino;
	a->path = path;
	pid = fork();
	if (pid == 0)
		agent_child(a, store_dir, inherited, seconds);
	sodium_free(inherited);
	free(a);
	close(lfd);
	if (pid < 0) {
		unlink(path);
		return error_set(err, ERR_FAILED, _("Cannot start the unlock agent: %s."), strerror(errno));
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* ECHILD (SIGCHLD ignored) leaves status 0: the check below decides. */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || agent_time_left(store_dir) < 0)
		return error_set(err, ERR_FAILED, _("The unlock agent did not start."));
	return true;
}

/* Serialises agent_start()s: two at once would race to bind the socket. */
static int
lock_dir(const char *dir, struct error *err)
{
	char *lock = xasprintf("%s/lock", dir);
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		error_set(err, ERR_FAILED, _("Cannot lock %s: %s."), lock, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	free(lock);
	return fd;
}

bool
agent_start(const char *store_dir, const unsigned char key[STORE_KEY_BYTES], long seconds,
	    struct error *err)
{
	char *path, *dir;
	struct stat st;
	int lock = -1, lfd, why, state;
	bool ok = false;

	if (seconds <= 0 || seconds > AGENT_MAX_SECONDS)
		return error_set(err, ERR_USAGE,
				 _("The unlock time must be between 1 second and 366 days."));
	if (!dir_sendable(store_dir))
		return error_set(err, ERR_USAGE, _("The store folder cannot be handed to the agent."));
	if (sodium_init() < 0)
		return error_set(err, ERR_FAILED, _("libsodium failed to start."));
	path = agent_socket_path();
	dir = socket_dir(path);
	if (!fs_mkdir_private(dir, err))
		goto out;
	if ((state = dir_state(dir)) != 0) {
		error_set(err, ERR_FAILED,
			  state == EPERM
			  ? _("The folder %s must be yours and closed to others (mode 0700); fix or remove it.")
			  : _("Cannot use the folder %s."), dir);
		goto out;
	}
	if ((lock = lock_dir(dir, err)) < 0)
		goto out;
	if (agent_put(store_dir, key, seconds, &why)) {
		ok = true;
		goto out;
	}
	if (why == ECONNREFUSED) {
		unlink_stale(path);
	} else if (why == EBUSY) {
		error_set(err, ERR_FAILED,
			  _("The unlock agent holds keys for too many stores; run `ezrizi lock` first."));
		goto out;
	} else if (why != ENOENT) {
		error_set(err, ERR_FAILED,
			  _("Something that is not a working unlock agent answers on %s; remove it and try again."),
			  path);
		goto out;
	}
	if ((lfd = agent_listen(path, &st, err)) >= 0)
		ok = agent_spawn(lfd, &st, path, store_dir, key, seconds, err);
out:
	if (lock >= 0) {
		flock(lock, LOCK_UN);
		close(lock);
	}
	free(dir);
	free(path);
	return ok;
}
