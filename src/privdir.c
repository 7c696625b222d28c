/* privdir.c - see include/core/privdir.h. */
#include "core/privdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/xmalloc.h"

/* The folder's path: under XDG_RUNTIME_DIR when that is a folder, else the
 * per-user folder under TMPDIR or /tmp. */
static char *
folder_path(void)
{
	const char *run = getenv("XDG_RUNTIME_DIR"), *tmp = getenv("TMPDIR");
	struct stat sb;

	if (run != NULL && run[0] == '/' && stat(run, &sb) == 0 && S_ISDIR(sb.st_mode))
		return xasprintf("%s/ezrizi", run);
	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	return xasprintf("%s/ezrizi-%lu", tmp, (unsigned long)geteuid());
}

static bool
not_private(const char *path, struct error *err)
{
	return error_set(err, ERR_FAILED,
			 _("Not private, so not used for notes: %s (it must be a folder of yours, mode 0700, not a link). Remove it, or set XDG_RUNTIME_DIR to a private folder."),
			 path);
}

static bool
private_dir(const struct stat *sb)
{
	return S_ISDIR(sb->st_mode) && sb->st_uid == geteuid() && (sb->st_mode & 07777) == 0700;
}

int
privdir_open(bool create, char **path, struct error *err)
{
	char *p = folder_path();
	struct stat before, after;
	int fd;

	*path = NULL;
	if (lstat(p, &before) != 0) {
		if (errno != ENOENT || !create) {
			error_set(err, errno == ENOENT ? ERR_NOT_FOUND : ERR_FAILED,
				  _("Cannot open the folder %s: %s."), p, strerror(errno));
			free(p);
			return -1;
		}
		/* Made here; 0700 whatever the umask. */
		if (mkdir(p, 0700) != 0 && errno != EEXIST) {
			error_set(err, ERR_FAILED, _("Cannot create the folder %s: %s."), p, strerror(errno));
			free(p);
			return -1;
		}
		if (lstat(p, &before) == 0 && S_ISDIR(before.st_mode) && before.st_uid == geteuid() &&
		    (before.st_mode & 07777) != 0700 && chmod(p, 0700) == 0)
			lstat(p, &before);
	}
	if (!private_dir(&before)) {
		not_private(p, err);
		free(p);
		return -1;
	}
	fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	/* The folder opened is the one looked at (no swap in between). */
	if (fd < 0 || fstat(fd, &after) != 0 || after.st_dev != before.st_dev ||
	    after.st_ino != before.st_ino || !private_dir(&after)) {
		if (fd >= 0)
			close(fd);
		not_private(p, err);
		free(p);
		return -1;
	}
	*path = p;
	return fd;
}

bool
privdir_write(int dfd, const char *name, const char *text, size_t len, struct error *err)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	size_t done = 0;

	if (fd < 0)
		return error_set(err, ERR_FAILED, _("Cannot write the note's file: %s."), strerror(errno));
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int saved = errno;

			close(fd);
			privdir_wipe(dfd, name);
			return error_set(err, ERR_FAILED, _("Cannot write the note's file: %s."), strerror(saved));
		}
		done += (size_t)n;
	}
	close(fd);
	return true;
}

char *
privdir_read(int dfd, const char *name, size_t max, size_t *len, struct error *err)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat sb;
	struct buf b;
	char chunk[8192];
	ssize_t n;

	*len = 0;
	if (fd < 0) {
		error_set(err, errno == ENOENT ? ERR_NOT_FOUND : ERR_FAILED,
			  _("Cannot read the note's file: %s."), strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_uid != geteuid() || sb.st_nlink != 1) {
		close(fd);
		error_set(err, ERR_FAILED, "%s", _("The note's file is not a plain file of yours; it was not read."));
		return NULL;
	}
	buf_init(&b);
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b.len + (size_t)n > max) {
			if (n < 0)
				error_set(err, ERR_FAILED, _("Cannot read the note's file: %s."), strerror(errno));
			else
				error_set(err, ERR_FAILED, _("The note's file is larger than %zu KiB; it was not read."),
					  max / 1024);
			explicit_bzero(b.data, b.len);
			buf_finish(&b);
			explicit_bzero(chunk, sizeof chunk);
			close(fd);
			return NULL;
		}
		buf_add(&b, chunk, (size_t)n);
	}
	explicit_bzero(chunk, sizeof chunk);
	close(fd);
	*len = b.len;
	if (b.data == NULL)
		buf_add(&b, "", 0);
	return buf_steal(&b);
}

static void
wipe_one(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat sb;

	if (fd >= 0) {
		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
			char zero[4096] = { 0 };

			for (off_t done = 0; done < sb.st_size; done += (off_t)sizeof zero) {
				size_t n = sb.st_size - done < (off_t)sizeof zero ? (size_t)(sb.st_size - done)
										 : sizeof zero;

				if (pwrite(fd, zero, n, done) < 0)
					break;
			}
			fsync(fd);
		}
		close(fd);
	}
	unlinkat(dfd, name, 0);
}

void
privdir_wipe(int dfd, const char *name)
{
	static const char *const swaps[] = { ".swp", ".swo", ".swn" };
	char *other;

	wipe_one(dfd, name);
	for (size_t i = 0; i < sizeof swaps / sizeof swaps[0]; i++) {
		other = xasprintf(".%s%s", name, swaps[i]);
		wipe_one(dfd, other);
		free(other);
	}
	other = xasprintf("%s~", name);
	wipe_one(dfd, other);
	free(other);
}
