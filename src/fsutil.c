/* fsutil.c - see include/core/fsutil.h. */
#include "core/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/xmalloc.h"

bool
fs_mkdir_private(const char *dir, struct error *err)
{
	char *tmp = xstrdup(dir);

	for (char *p = tmp + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
				error_set(err, ERR_FAILED, _("Cannot create the folder %s: %s."), tmp,
					  strerror(errno));
				free(tmp);
				return false;
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	free(tmp);
	return true;
}

static bool
write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		data += n;
		len -= (size_t)n;
	}
	return true;
}

bool
fs_write_new(const char *path, const char *data, size_t len, struct error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600), saved;

	if (fd < 0 && errno == EEXIST)
		return error_set(err, ERR_CONFLICT, _("%s is there already; it was left as it is. Give the name of a new file."), path);
	if (fd < 0)
		return error_set(err, ERR_FAILED, _("Cannot write %s: %s."), path, strerror(errno));
	if (!write_all(fd, data, len) || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		unlink(path);
		return error_set(err, ERR_FAILED, _("Cannot write %s: %s."), path, strerror(saved));
	}
	close(fd);
	return true;
}

bool
fs_write_private(const char *path, const char *data, size_t len, struct error *err)
{
	char *copy = xstrdup(path);
	char *dir = xstrdup(dirname(copy));
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd, dfd, saved;
	bool ok = false;

	if (!fs_mkdir_private(dir, err))
		goto out;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		error_set(err, ERR_FAILED, _("Cannot write %s: %s."), tmp, strerror(errno));
		goto out;
	}
	if (!write_all(fd, data, len) || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		error_set(err, ERR_FAILED, _("Cannot write %s: %s; the old file is unchanged."), path,
			  strerror(saved));
		goto out;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		saved = errno;
		unlink(tmp);
		error_set(err, ERR_FAILED, _("Cannot write %s: %s; the old file is unchanged."), path,
			  strerror(saved));
		goto out;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		if (fsync(dfd) != 0 && errno != EINVAL) {
			error_set(err, ERR_FAILED, _("Cannot make %s durable: %s."), path, strerror(errno));
			close(dfd);
			goto out;
		}
		close(dfd);
	}
	ok = true;
out:
	free(copy);
	free(dir);
	free(tmp);
	return ok;
}

static char *
read_fd(int fd, const char *path, size_t max, size_t *len, struct error *err)
{
	struct buf b;
	char chunk[8192];
	ssize_t n;

	buf_init(&b);
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error_set(err, ERR_FAILED, _("Cannot read %s: %s."), path, strerror(errno));
			buf_finish(&b);
			return NULL;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			error_set(err, ERR_USAGE, _("%s is larger than %zu KiB."), path, max / 1024);
			buf_finish(&b);
			return NULL;
		}
		buf_add(&b, chunk, (size_t)n);
	}
	*len = b.len;
	if (b.data == NULL)
		buf_add(&b, "", 0);
	return buf_steal(&b);
}

char *
fs_read_private(const char *path, size_t max, size_t *len, struct error *err)
{
	struct stat st;
	char *data;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0) {
		error_set(err, errno == ENOENT ? ERR_NOT_FOUND : ERR_FAILED, _("Cannot read %s: %s."),
			  path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0 || st.st_uid != getuid()) {
		close(fd);
		error_set(err, ERR_FAILED,
			  _("%s can be read by others or belongs to someone else; it was not used. Run 'chmod 600 %s'."),
			  path, path);
		return NULL;
	}
	data = read_fd(fd, path, max, len, err);
	close(fd);
	return data;
}

char *
fs_read_all(const char *path, size_t max, size_t *len, struct error *err)
{
	char *data;
	int fd;

	if (strcmp(path, "-") == 0)
		return read_fd(STDIN_FILENO, _("standard input"), max, len, err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error_set(err, errno == ENOENT ? ERR_NOT_FOUND : ERR_FAILED, _("Cannot read %s: %s."),
			  path, strerror(errno));
		return NULL;
	}
	data = read_fd(fd, path, max, len, err);
	close(fd);
	return data;
}
