/* test_privdir.c - the private folder for notes being written: made 0700,
 * checked before every use, refused when it is someone else's, open to
 * others, or a symlink; files in it read and wiped without following links. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/privdir.h"
#include "core/xmalloc.h"

static char *base;      /* TMPDIR for the test */
static char *fallback;  /* base/ezrizi-UID */

static int
setup(void **state)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	(void)state;
	base = xasprintf("%s/ezrizi-privdir-XXXXXX", tmp);
	if (mkdtemp(base) == NULL)
		return -1;
	fallback = xasprintf("%s/ezrizi-%lu", base, (unsigned long)geteuid());
	setenv("TMPDIR", base, 1);
	unsetenv("XDG_RUNTIME_DIR");
	return 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", base);

	(void)state;
	if (system(cmd) != 0)
		return -1;
	free(cmd);
	free(base);
	free(fallback);
	return 0;
}

static void
refused(const char *why)
{
	struct error err;
	char *path;
	int fd;

	error_clear(&err);
	fd = privdir_open(true, &path, &err);
	if (fd >= 0)
		fail_msg("%s: the folder was used", why);
	assert_null(path);
	assert_int_equal(err.kind, ERR_FAILED);
	if (strstr(err.msg, "Not private") == NULL || strstr(err.msg, fallback) == NULL)
		fail_msg("%s: said %s", why, err.msg);
}

static int
open_ok(void)
{
	struct error err;
	char *path;
	int fd;

	error_clear(&err);
	fd = privdir_open(true, &path, &err);
	if (fd < 0)
		fail_msg("open: %s", err.msg);
	assert_string_equal(path, fallback);
	free(path);
	return fd;
}

static void
fresh(void)
{
	char *cmd = xasprintf("rm -rf '%s'", fallback);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void
test_fallback_dir_checked(void **state)
{
	struct stat sb;
	struct error err;
	char *path, *other;
	mode_t old = umask(0);
	int fd;

	(void)state;
	/* None there: ERR_NOT_FOUND when not to be made; made 0700 otherwise,
	 * whatever the umask. */
	fresh();
	error_clear(&err);
	assert_int_equal(privdir_open(false, &path, &err), -1);
	assert_int_equal(err.kind, ERR_NOT_FOUND);
	fd = open_ok();
	close(fd);
	assert_int_equal(lstat(fallback, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	/* Open to others: refused, not fixed (files may have been put in it). */
	assert_int_equal(chmod(fallback, 0777), 0);
	refused("mode 0777");
	assert_int_equal(chmod(fallback, 0755), 0);
	refused("mode 0755");
	assert_int_equal(chmod(fallback, 01700), 0);
	refused("mode 1700");
	assert_int_equal(chmod(fallback, 0700), 0);
	close(open_ok());
	/* A symlink to a private folder of ours is still a symlink. */
	fresh();
	other = xasprintf("%s/elsewhere", base);
	assert_int_equal(mkdir(other, 0700), 0);
	assert_int_equal(symlink(other, fallback), 0);
	refused("a symlink");
	assert_int_equal(unlink(fallback), 0);
	/* A plain file in its place. */
	assert_int_equal(close(open(fallback, O_CREAT | O_WRONLY, 0600)), 0);
	refused("a file");
	assert_int_equal(unlink(fallback), 0);
	/* Someone else's folder, mode 0700 and all. */
	assert_int_equal(mkdir(fallback, 0700), 0);
	if (geteuid() == 0) {
		assert_int_equal(chown(fallback, 65534, 65534), 0);
		refused("owned by nobody");
	} else {
		/* Not root: no folder of another can be made here; a link to
		 * one (the root folder) stands in, refused as a link. */
		assert_int_equal(rmdir(fallback), 0);
		assert_int_equal(symlink("/", fallback), 0);
		refused("a link to a folder of root's");
	}
	fresh();
	umask(old);
	free(other);
}

static void
test_runtime_dir_first(void **state)
{
	char *run = xasprintf("%s/run", base), *want = xasprintf("%s/run/ezrizi", base), *path;
	struct error err;
	int fd;

	(void)state;
	assert_int_equal(mkdir(run, 0700), 0);
	setenv("XDG_RUNTIME_DIR", run, 1);
	error_clear(&err);
	fd = privdir_open(true, &path, &err);
	assert_true(fd >= 0);
	assert_string_equal(path, want);
	close(fd);
	free(path);
	/* Checked there too. */
	assert_int_equal(chmod(want, 0750), 0);
	error_clear(&err);
	assert_int_equal(privdir_open(true, &path, &err), -1);
	assert_non_null(strstr(err.msg, "Not private"));
	/* A runtime folder that is not there: the fallback. */
	setenv("XDG_RUNTIME_DIR", "/nonexistent-ezrizi-run", 1);
	fd = open_ok();
	close(fd);
	unsetenv("XDG_RUNTIME_DIR");
	free(run);
	free(want);
}

static void
test_files_read_without_links(void **state)
{
	struct error err;
	size_t len;
	char *text;
	int fd = open_ok();

	(void)state;
	error_clear(&err);
	assert_true(privdir_write(fd, "note-1.txt", "secret words\n", 13, &err));
	assert_false(privdir_write(fd, "note-1.txt", "again", 5, &err));   /* never over one */
	text = privdir_read(fd, "note-1.txt", 1024, &len, &err);
	assert_non_null(text);
	assert_int_equal(len, 13);
	assert_string_equal(text, "secret words\n");
	free(text);
	/* The editor's swap file goes with it. */
	assert_int_equal(close(openat(fd, ".note-1.txt.swp", O_CREAT | O_WRONLY, 0600)), 0);
	privdir_wipe(fd, "note-1.txt");
	assert_int_equal(faccessat(fd, "note-1.txt", F_OK, 0), -1);
	assert_int_equal(faccessat(fd, ".note-1.txt.swp", F_OK, 0), -1);
	error_clear(&err);
	assert_null(privdir_read(fd, "note-1.txt", 1024, &len, &err));
	assert_int_equal(err.kind, ERR_NOT_FOUND);
	/* A link put in a note's place is not followed; a second name is refused. */
	assert_int_equal(symlinkat("/etc/passwd", fd, "note-2.txt"), 0);
	error_clear(&err);
	assert_null(privdir_read(fd, "note-2.txt", 1 << 20, &len, &err));
	assert_int_equal(err.kind, ERR_FAILED);
	privdir_wipe(fd, "note-2.txt");
	assert_int_equal(access("/etc/passwd", R_OK), 0);
	assert_true(privdir_write(fd, "note-3.txt", "x", 1, &err));
	assert_int_equal(linkat(fd, "note-3.txt", fd, "note-4.txt", 0), 0);
	error_clear(&err);
	assert_null(privdir_read(fd, "note-3.txt", 1024, &len, &err));
	privdir_wipe(fd, "note-3.txt");
	privdir_wipe(fd, "note-4.txt");
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fallback_dir_checked),
		cmocka_unit_test(test_runtime_dir_first),
		cmocka_unit_test(test_files_read_without_links),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
