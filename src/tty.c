/* tty.c - see src/tty.h. What was the core's own prompting, moved to the
 * front end that owns the terminal. */
#include "tty.h"

#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/i18n.h"

static struct secret *
tty_ask_secret(const char *prompt, unsigned flags, void *arg, struct error *err)
{
	struct termios old, quiet;
	struct secret *sec;
	bool truncated;
	int fd;

	(void)arg;
	/* The cache's passphrase is asked only of a person at the terminal, never
	 * of a script whose input or errors go elsewhere. */
	if ((flags & FRONT_PASSPHRASE) && (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)))
		return NULL;
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || tcgetattr(fd, &old) != 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (write(fd, prompt, strlen(prompt)) < 0)
		(void)0;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	tcsetattr(fd, TCSAFLUSH, &quiet);
	sec = secret_read_line(fd, &truncated);
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0)
		(void)0;
	close(fd);
	if (sec->len == 0) {
		secret_destroy(sec);
		error_set(err, ERR_AUTH, _("No password was given."));
		return NULL;
	}
	return sec;
}

static int
tty_paste_fd(void *arg, bool *close_it)
{
	int fd;

	(void)arg;
	*close_it = false;
	if (isatty(STDIN_FILENO))
		return STDIN_FILENO;
	if ((fd = open("/dev/tty", O_RDONLY | O_CLOEXEC | O_NOCTTY)) >= 0)
		*close_it = true;
	return fd;
}

const struct front_ops tty_front = {
	.ask_secret = tty_ask_secret,
	.paste_fd = tty_paste_fd,
};
