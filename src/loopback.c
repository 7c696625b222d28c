/* loopback.c - the one-request web server on 127.0.0.1; see include/core/loopback.h. */
#include "core/loopback.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/date.h"
#include "core/i18n.h"
#include "core/xmalloc.h"

#define REQUEST_MAX 8192
#define REQUEST_WAIT_MS 5000

struct loopback {
	int fd;            /* the listener; -1 once closed */
	int conn;          /* the request being answered; -1 when none */
	char uri[64];
};

struct loopback *
loopback_open(struct error *err)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof sa;
	struct loopback *lb;
	int fd;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 4) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		error_set(err, ERR_FAILED, _("Cannot listen on 127.0.0.1 for the browser's answer: %s; paste the address instead, or use 'ezrizi login --method device'."),
			  strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	lb = xcalloc(1, sizeof *lb);
	lb->fd = fd;
	lb->conn = -1;
	snprintf(lb->uri, sizeof lb->uri, "http://127.0.0.1:%u/callback", (unsigned)ntohs(sa.sin_port));
	return lb;
}

void
loopback_close(struct loopback *lb)
{
	if (lb == NULL)
		return;
	if (lb->conn >= 0)
		close(lb->conn);
	if (lb->fd >= 0)
		close(lb->fd);
	free(lb);
}

int
loopback_fd(const struct loopback *lb)
{
	return lb->fd;
}

const char *
loopback_redirect_uri(const struct loopback *lb)
{
	return lb->uri;
}

/* Reads the request head (up to the blank line) into buf; its length, or
 * -1 when it did not come whole in time, or is too long. */
static ssize_t
read_head(int fd, char *buf, size_t max)
{
	long deadline = clock_mono_ms() + REQUEST_WAIT_MS;
	size_t len = 0;

	while (len < max - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = deadline - clock_mono_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -1;
		n = read(fd, buf + len, max - 1 - len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL || strstr(buf, "\n\n") != NULL)
			return (ssize_t)len;
	}
	return -1;
}

static void
write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EAGAIN && poll(&p, 1, REQUEST_WAIT_MS) > 0)
			continue;
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void
answer(int fd, int status, const char *reason, const char *html)
{
	char *head = xasprintf("HTTP/1.1 %d %s\r\nContent-Type: text/html; charset=utf-8\r\n"
			       "Content-Length: %zu\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n"
			       "Connection: close\r\n\r\n", status, reason, strlen(html));

	write_all(fd, head, strlen(head));
	write_all(fd, html, strlen(html));
	free(head);
}

static void
html_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '&': buf_adds(b, "&amp;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		default: buf_addc(b, *s); break;
		}
	}
}

static char *
page(const char *text)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>ezrizi</title></head>\n<body><p>");
	html_escape(&b, text);
	buf_adds(&b, "</p></body></html>\n");
	return buf_steal(&b);
}

static void
refuse(int fd, int status, const char *reason)
{
	char *html = page(reason);

	answer(fd, status, reason, html);
	free(html);
	close(fd);
}

bool
loopback_accept(struct loopback *lb, char **query)
{
	char *buf, *target, *sp;
	ssize_t len;
	int fd;

	*query = NULL;
	if (lb->fd < 0 || lb->conn >= 0)
		return false;
	fd = accept4(lb->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return false;
	buf = xmalloc(REQUEST_MAX);
	if ((len = read_head(fd, buf, REQUEST_MAX)) < 0) {
		sodium_memzero(buf, REQUEST_MAX);
		free(buf);
		refuse(fd, 400, "Bad Request");
		return false;
	}
	if (strncmp(buf, "GET ", 4) != 0) {
		sodium_memzero(buf, REQUEST_MAX);
		free(buf);
		refuse(fd, 405, "Method Not Allowed");
		return false;
	}
	target = buf + 4;
	sp = strpbrk(target, " \r\n");
	if (sp != NULL)
		*sp = '\0';
	if (strncmp(target, "/callback", 9) != 0 || (target[9] != '\0' && target[9] != '?')) {
		sodium_memzero(buf, REQUEST_MAX);
		free(buf);
		refuse(fd, 404, "Not Found");
		return false;
	}
	*query = xstrdup(target[9] == '?' ? target + 10 : "");
	sodium_memzero(buf, REQUEST_MAX);
	free(buf);
	lb->conn = fd;
	return true;
}

void
loopback_reply(struct loopback *lb, bool ok, const char *text)
{
	char *html;

	if (lb->conn < 0)
		return;
	html = page(text);
	answer(lb->conn, ok ? 200 : 400, ok ? "OK" : "Bad Request", html);
	free(html);
	close(lb->conn);
	lb->conn = -1;
	close(lb->fd);
	lb->fd = -1;
}
