/* test_agent.c - the unlock agent: keys in and out, time limits, stop, and
 * the folder and protocol checks. Runs real agents under a private
 * XDG_RUNTIME_DIR.
 *
 * `test_agent --helper CMD ...` is a small front end for tests/store/agent.sh
 * (until `ezrizi unlock` exists): start DIR SECONDS (base64 key on stdin,
 * never argv), get DIR, ttl DIR, stop, path. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/agent.h"

static char run_dir[] = "/tmp/ezrizi-agent-test.XXXXXX";
static char sock_dir[sizeof run_dir + 16];

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* A raw connection to the agent's socket, for speaking the protocol badly. */
static int
raw_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *path = agent_socket_path();
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_true(strlen(path) < sizeof sa.sun_path);
	strcpy(sa.sun_path, path);
	free(path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	return fd;
}

/* Reads what the agent says until it closes (at most cap - 1 bytes, 3 s). */
static size_t
raw_read_all(int fd, char *out, size_t cap)
{
	struct timeval tv = { 3, 0 };
	size_t len = 0;
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	while (len < cap - 1 && (n = recv(fd, out + len, cap - 1 - len, 0)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	return len;
}

static void
stop_quietly(void)
{
	struct error err;

	error_clear(&err);
	agent_stop(&err);
}

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0 || mkdtemp(run_dir) == NULL)
		return -1;
	snprintf(sock_dir, sizeof sock_dir, "%s/ezrizi", run_dir);
	setenv("XDG_RUNTIME_DIR", run_dir, 1);
	return 0;
}

static int
teardown(void **state)
{
	char *path = agent_socket_path();
	char lock[sizeof sock_dir + 8];

	(void)state;
	stop_quietly();
	snprintf(lock, sizeof lock, "%s/lock", sock_dir);
	unlink(path);
	unlink(lock);
	rmdir(sock_dir);
	rmdir(run_dir);
	free(path);
	return 0;
}

static void
test_socket_path(void **state)
{
	char want[256];
	char *p;

	(void)state;
	p = agent_socket_path();
	snprintf(want, sizeof want, "%s/ezrizi/agent", run_dir);
	assert_string_equal(p, want);
	free(p);

	snprintf(want, sizeof want, "/tmp/ezrizi-agent-%lu/agent", (unsigned long)getuid());
	setenv("XDG_RUNTIME_DIR", "relative/run", 1);
	p = agent_socket_path();
	assert_string_equal(p, want);
	free(p);
	unsetenv("XDG_RUNTIME_DIR");
	p = agent_socket_path();
	assert_string_equal(p, want);
	free(p);
	setenv("XDG_RUNTIME_DIR", run_dir, 1);
}

static void
test_no_agent(void **state)
{
	unsigned char key[STORE_KEY_BYTES];
	struct error err;

	(void)state;
	error_clear(&err);
	assert_false(agent_get_key("/some/store", key));
	assert_int_equal(agent_time_left("/some/store"), -1);
	assert_false(agent_stop(&err));
	assert_int_equal(err.kind, ERR_NONE);
}

static void
test_bad_arguments(void **state)
{
	unsigned char key[STORE_KEY_BYTES] = { 1 };
	struct error err;

	(void)state;
	error_clear(&err);
	assert_false(agent_start("/some/store", key, 0, &err));
	assert_int_equal(err.kind, ERR_USAGE);
	error_clear(&err);
	assert_false(agent_start("/some/store", key, -5, &err));
	assert_int_equal(err.kind, ERR_USAGE);
	error_clear(&err);
	assert_false(agent_start("/some\nGET /x", key, 30, &err));
	assert_int_equal(err.kind, ERR_USAGE);
	error_clear(&err);
	assert_false(agent_start("", key, 30, &err));
	assert_int_equal(err.kind, ERR_USAGE);
	{
		char *path = agent_socket_path();

		assert_false(exists(path));
		free(path);
	}
}

static void
test_start_get_ttl(void **state)
{
	unsigned char key[STORE_KEY_BYTES], got[STORE_KEY_BYTES];
	char *path = agent_socket_path();
	struct error err;
	struct stat st;
	long left;

	(void)state;
	randombytes_buf(key, sizeof key);
	error_clear(&err);
	assert_true(agent_start("/some/store", key, 30, &err));
	assert_int_equal(err.kind, ERR_NONE);

	memset(got, 0, sizeof got);
	assert_true(agent_get_key("/some/store", got));
	assert_memory_equal(got, key, sizeof key);
	assert_false(agent_get_key("/other/store", got));
	assert_false(agent_get_key("/some/store/", got));
	left = agent_time_left("/some/store");
	assert_true(left >= 1 && left <= 30);
	assert_int_equal(agent_time_left("/other/store"), -1);

	/* The folder is 0700, the socket 0600, both ours. */
	assert_int_equal(lstat(sock_dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(st.st_uid, getuid());
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 077, 0);
	free(path);
}

static void
test_put_again(void **state)
{
	unsigned char key[STORE_KEY_BYTES], other[STORE_KEY_BYTES], got[STORE_KEY_BYTES];
	struct error err;
	long left;

	(void)state;
	randombytes_buf(key, sizeof key);
	randombytes_buf(other, sizeof other);
	error_clear(&err);
	/* The running agent takes the new key and time. */
	assert_true(agent_start("/some/store", key, 60, &err));
	left = agent_time_left("/some/store");
	assert_true(left > 30 && left <= 60);
	assert_true(agent_get_key("/some/store", got));
	assert_memory_equal(got, key, sizeof key);
	/* A second store, with a space in its name, alongside. */
	assert_true(agent_start("/other store/x", other, 10, &err));
	assert_true(agent_get_key("/other store/x", got));
	assert_memory_equal(got, other, sizeof other);
	left = agent_time_left("/other store/x");
	assert_true(left >= 1 && left <= 10);
	assert_true(agent_get_key("/some/store", got));
	assert_memory_equal(got, key, sizeof key);
	/* A shorter time replaces a longer one. */
	assert_true(agent_start("/some/store", key, 5, &err));
	left = agent_time_left("/some/store");
	assert_true(left >= 1 && left <= 5);
	assert_int_equal(err.kind, ERR_NONE);
}

/* A client that connects and says nothing does not hold up the others, and is
 * dropped after about two seconds. */
static void
test_silent_client(void **state)
{
	unsigned char got[STORE_KEY_BYTES];
	char out[64];
	double t0;
	int fd;

	(void)state;
	fd = raw_connect();
	t0 = now_s();
	assert_true(agent_get_key("/some/store", got));
	assert_true(now_s() - t0 < 1.0);
	raw_read_all(fd, out, sizeof out);
	assert_string_equal(out, "");
	assert_true(now_s() - t0 < 2.9);
	close(fd);
}

/* Nonsense gets NO; a line over the limit gets the door. */
static void
test_bad_requests(void **state)
{
	static const char *bad[] = {
		"HELLO\n", "GET\n", "get /some/store\n", "PUT 0 /some/store AAAA\n",
		"PUT 10 /some/store notbase64!\n", "PUT 10 /some/store AAAA\n",
		"PUT -1 /x AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"PUT 10  AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"STOP now\n",
	};
	char out[64], *big;
	int fd;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		fd = raw_connect();
		assert_int_equal(send(fd, bad[i], strlen(bad[i]), 0), (ssize_t)strlen(bad[i]));
		raw_read_all(fd, out, sizeof out);
		assert_string_equal(out, "NO\n");
		close(fd);
	}
	big = malloc(9000);
	memset(big, 'A', 9000);
	memcpy(big, "GET ", 4);
	fd = raw_connect();
	send(fd, big, 9000, MSG_NOSIGNAL);
	raw_read_all(fd, out, sizeof out);
	assert_string_equal(out, "");
	close(fd);
	free(big);
	assert_true(agent_time_left("/some/store") >= 1);
}

static void
test_stop(void **state)
{
	unsigned char got[STORE_KEY_BYTES];
	char *path = agent_socket_path();
	struct error err;

	(void)state;
	error_clear(&err);
	assert_true(agent_stop(&err));
	assert_int_equal(err.kind, ERR_NONE);
	assert_false(exists(path));
	assert_false(agent_get_key("/some/store", got));
	assert_false(agent_get_key("/other store/x", got));
	assert_int_equal(agent_time_left("/some/store"), -1);
	assert_false(agent_stop(&err));
	assert_int_equal(err.kind, ERR_NONE);
	free(path);
}

static void
test_forgets_in_time(void **state)
{
	unsigned char key[STORE_KEY_BYTES], got[STORE_KEY_BYTES];
	char *path = agent_socket_path();
	struct error err;
	double t0;
	bool held = true;

	(void)state;
	randombytes_buf(key, sizeof key);
	error_clear(&err);
	assert_true(agent_start("/some/store", key, 1, &err));
	assert_true(agent_get_key("/some/store", got));
	t0 = now_s();
	while (now_s() - t0 < 5.0 && (held = agent_get_key("/some/store", got)))
		nap_ms(100);
	assert_false(held);
	assert_true(now_s() - t0 > 0.5);
	/* With its last key gone, it leaves. */
	while (now_s() - t0 < 5.0 && exists(path))
		nap_ms(50);
	assert_false(exists(path));
	free(path);
}

/* A socket left by a dead agent is replaced. */
static void
test_stale_socket(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	unsigned char key[STORE_KEY_BYTES], got[STORE_KEY_BYTES];
	char *path = agent_socket_path();
	struct error err;
	int fd;

	(void)state;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	close(fd);
	assert_true(exists(path));
	assert_false(agent_get_key("/some/store", got));
	randombytes_buf(key, sizeof key);
	error_clear(&err);
	assert_true(agent_start("/some/store", key, 30, &err));
	assert_true(agent_get_key("/some/store", got));
	assert_memory_equal(got, key, sizeof key);
	assert_true(agent_stop(&err));
	free(path);
}

/* A folder that others may enter (or that is not ours) is refused. */
static void
test_open_folder_refused(void **state)
{
	unsigned char key[STORE_KEY_BYTES] = { 7 }, got[STORE_KEY_BYTES];
	struct error err;

	(void)state;
	assert_int_equal(chmod(sock_dir, 0755), 0);
	error_clear(&err);
	assert_false(agent_start("/some/store", key, 30, &err));
	assert_int_equal(err.kind, ERR_FAILED);
	assert_non_null(strstr(err.msg, sock_dir));
	assert_false(agent_get_key("/some/store", got));
	assert_int_equal(agent_time_left("/some/store"), -1);
	assert_int_equal(chmod(sock_dir, 0700), 0);

	if (getuid() == 0) {  /* as root we can hand it to someone else */
		assert_int_equal(chown(sock_dir, 65534, 65534), 0);
		error_clear(&err);
		assert_false(agent_start("/some/store", key, 30, &err));
		assert_int_equal(err.kind, ERR_FAILED);
		assert_int_equal(chown(sock_dir, 0, 0), 0);
	}
	error_clear(&err);
	assert_true(agent_start("/some/store", key, 30, &err));
	assert_true(agent_stop(&err));
}

/* ---- the helper for tests/store/agent.sh ---- */

static int
helper(int argc, char **argv)
{
	unsigned char key[STORE_KEY_BYTES];
	char line[128], b64[sodium_base64_ENCODED_LEN(STORE_KEY_BYTES,
							 sodium_base64_VARIANT_ORIGINAL)];
	const char *cmd = argc > 2 ? argv[2] : "";
	struct error err;
	size_t got;
	long n;

	if (sodium_init() < 0)
		return 2;
	error_clear(&err);
	if (strcmp(cmd, "start") == 0 && argc == 5) {
		if (fgets(line, sizeof line, stdin) == NULL)
			return 2;
		line[strcspn(line, "\n")] = '\0';
		if (sodium_base642bin(key, sizeof key, line, strlen(line), NULL, &got, NULL,
				      sodium_base64_VARIANT_ORIGINAL) != 0 || got != sizeof key)
			return 2;
		sodium_memzero(line, sizeof line);
		if (!agent_start(argv[3], key, strtol(argv[4], NULL, 10), &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		return 0;
	}
	if (strcmp(cmd, "get") == 0 && argc == 4) {
		if (!agent_get_key(argv[3], key))
			return 1;
		sodium_bin2base64(b64, sizeof b64, key, sizeof key, sodium_base64_VARIANT_ORIGINAL);
		printf("%s\n", b64);
		return 0;
	}
	if (strcmp(cmd, "ttl") == 0 && argc == 4) {
		printf("%ld\n", n = agent_time_left(argv[3]));
		return n < 0;
	}
	if (strcmp(cmd, "stop") == 0) {
		if (agent_stop(&err))
			return 0;
		if (err.kind != ERR_NONE)
			fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	if (strcmp(cmd, "path") == 0) {
		char *p = agent_socket_path();

		printf("%s\n", p);
		free(p);
		return 0;
	}
	fprintf(stderr, "usage: test_agent --helper start DIR SECONDS | get DIR | ttl DIR | stop | path\n");
	return 2;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket_path),
		cmocka_unit_test(test_no_agent),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_start_get_ttl),
		cmocka_unit_test(test_put_again),
		cmocka_unit_test(test_silent_client),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_forgets_in_time),
		cmocka_unit_test(test_stale_socket),
		cmocka_unit_test(test_open_folder_refused),
	};

	setlocale(LC_ALL, "C");
	if (argc > 1 && strcmp(argv[1], "--helper") == 0)
		return helper(argc, argv);
	return cmocka_run_group_tests_name("agent", tests, setup, teardown);
}
