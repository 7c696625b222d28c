/* secret.c - see include/core/secret.h. */
#include "core/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "core/i18n.h"

#define SECRET_MAX 8192

struct secret *
secret_create(const char *s, size_t len)
{
	struct secret *sec = sodium_malloc(sizeof *sec);

	if (sec == NULL)
		abort();
	sec->data = sodium_malloc(len + 1);
	if (sec->data == NULL)
		abort();
	memcpy(sec->data, s, len);
	sec->data[len] = '\0';
	sec->len = len;
	return sec;
}

void
secret_destroy(struct secret *sec)
{
	if (sec == NULL)
		return;
	sodium_free(sec->data);
	sodium_free(sec);
}

struct secret *
secret_read_line(int fd, bool *truncated)
{
	char *tmp = sodium_malloc(SECRET_MAX);
	size_t len = 0;
	ssize_t n;
	struct secret *sec;

	if (tmp == NULL)
		abort();
	*truncated = false;
	while (len < SECRET_MAX) {
		n = read(fd, tmp + len, SECRET_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(tmp, '\n', len) != NULL)
			break;
	}
	if (len == SECRET_MAX)
		*truncated = true;
	for (size_t i = 0; i < len; i++) {
		if (tmp[i] == '\n' || tmp[i] == '\r') {
			len = i;
			break;
		}
	}
	sec = secret_create(tmp, len);
	sodium_free(tmp);
	return sec;
}

struct secret *
secret_from_file(const char *path, struct error *err)
{
	struct stat st;
	struct secret *sec;
	bool truncated;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		error_set(err, ERR_AUTH, _("Cannot read the secret file %s: %s."), path,
			  strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		error_set(err, ERR_AUTH, _("The secret file %s is not a regular file."), path);
		return NULL;
	}
	if ((st.st_mode & 077) != 0 || st.st_uid != getuid()) {
		close(fd);
		error_set(err, ERR_AUTH,
			  _("The secret file %s can be read by others; run 'chmod 600 %s' and make sure you own it."),
			  path, path);
		return NULL;
	}
	sec = secret_read_line(fd, &truncated);
	close(fd);
	if (sec->len == 0 || truncated) {
		secret_destroy(sec);
		error_set(err, ERR_AUTH, _("The secret file %s is empty or too long."), path);
		return NULL;
	}
	return sec;
}

struct secret *
secret_from_command(const char *cmd, struct error *err)
{
	int fds[2], status;
	pid_t pid;
	struct secret *sec;
	bool truncated;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		error_set(err, ERR_FAILED, _("Cannot run the secret command: %s."), strerror(errno));
		return NULL;
	}
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		error_set(err, ERR_FAILED, _("Cannot run the secret command: %s."), strerror(errno));
		return NULL;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	sec = secret_read_line(fds[0], &truncated);
	/* Drain the rest so the command does not die of SIGPIPE mid-way. */
	{
		char sink[256];

		while (read(fds[0], sink, sizeof sink) > 0)
			;
		sodium_memzero(sink, sizeof sink);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || sec->len == 0 || truncated) {
		secret_destroy(sec);
		error_set(err, ERR_AUTH,
			  _("The command '%s' did not print a secret (it failed or printed nothing); run it by hand to see why."),
			  cmd);
		return NULL;
	}
	return sec;
}

void
secret_harden_process(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}
