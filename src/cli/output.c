/* output.c - whole-or-nothing output files, temporary files, one file per role (output.h). */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "privs.h"
#include "signals.h"
#include "sockscope/cli.h"

/* Eight random hex digits (time and pid if getrandom fails). */
static void random_tag(char tag[9])
{
	uint32_t r;

	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
		r = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 16;
	snprintf(tag, 9, "%08x", r);
}

/* "DIR/.BASE.XXXXXXXX" beside path; false when it does not fit. */
static bool temp_beside(const char *path, char *temp, size_t size)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	char tag[9];

	random_tag(tag);
	int n = snprintf(temp, size, "%.*s.%s.%s", dirlen, path, slash ? slash + 1 : path, tag);
	return n > 0 && (size_t)n < size;
}

/* A device or FIFO (/dev/null, /dev/stdout, a pipe) is written in place:
 * a rename would replace it. */
static bool written_in_place(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

FILE *cli_output_open(struct cli_output *o, const char *path)
{
	int fd = -EEXIST;

	memset(o, 0, sizeof *o);
	o->path = path;
	o->slot = -1;
	if (strcmp(path, "-") == 0)
		return o->out = stdout;
	if (written_in_place(path))
		fd = priv_open(path, O_WRONLY, 0);
	for (int tries = 0; fd == -EEXIST && tries < 8; tries++) {
		if (!temp_beside(path, o->temp, sizeof o->temp)) {
			cli_error("%s: the path is too long", path);
			return NULL;
		}
		fd = priv_open(o->temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0666);
	}
	if (fd < 0) {
		cli_error("%s: cannot write: %s", path, strerror(-fd));
		return NULL;
	}
	o->slot = signals_temp_add(o->temp);
	o->out = fdopen(fd, "w");
	if (!o->out) {
		cli_error("%s: %s", path, strerror(errno));
		close(fd);
		cli_output_discard(o);
	}
	return o->out;
}

int cli_output_commit(struct cli_output *o)
{
	int err = 0, rc;

	if (o->out == stdout)
		return fflush(stdout) == 0
		           ? CLI_OK
		           : (cli_error("-: cannot write: %s", strerror(errno)), CLI_FAIL);
	if (!o->out)
		return CLI_FAIL;
	if (ferror(o->out) || fflush(o->out) != 0)
		err = errno ? errno : EIO;
	if (fclose(o->out) != 0 && !err)
		err = errno;
	o->out = NULL;
	if (!err && o->temp[0] && written_in_place(o->path))
		err = EEXIST; /* became a device or FIFO meanwhile: never replace one */
	if (!err && o->temp[0] && (rc = priv_rename(o->temp, o->path)) < 0)
		err = -rc;
	if (err) {
		cli_error("%s: cannot write: %s", o->path, strerror(err));
		cli_output_discard(o);
		return CLI_FAIL;
	}
	signals_temp_remove(o->slot);
	o->slot = -1;
	return CLI_OK;
}

void cli_output_discard(struct cli_output *o)
{
	if (o->out == stdout) {
		fflush(stdout);
		return;
	}
	if (o->out)
		fclose(o->out);
	o->out = NULL;
	if (o->temp[0])
		priv_unlink(o->temp);
	signals_temp_remove(o->slot);
	o->slot = -1;
	o->temp[0] = '\0';
}

int cli_temp_file(char *path, size_t size, const char *suffix, int *slot)
{
	const char *dir = getenv("TMPDIR");
	char tag[9];
	int fd = -EEXIST;

	if (!dir || dir[0] != '/' || strlen(dir) > 512)
		dir = "/tmp";
	for (int tries = 0; fd == -EEXIST && tries < 8; tries++) {
		random_tag(tag);
		snprintf(path, size, "%s/sockscope-%s%s", dir, tag, suffix);
		fd = priv_open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
	}
	if (fd < 0) {
		cli_error("%s: cannot create a temporary file: %s", path, strerror(-fd));
		return -1;
	}
	*slot = signals_temp_add(path);
	return fd;
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strcmp(a, b) == 0)
		return true;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int cli_check_distinct(const char *command, const struct cli_named_file *files, size_t count)
{
	for (size_t i = 0; i < count; i++)
		for (size_t j = i + 1; j < count; j++) {
			const char *a = files[i].path, *b = files[j].path;
			if (!a || !b || strcmp(a, "-") == 0 || strcmp(b, "-") == 0 ||
			    !same_file(a, b))
				continue;
			cli_error("%s: %s %s and %s %s are the same file: give each its own",
			          command, files[i].option, a, files[j].option, b);
			return CLI_USAGE;
		}
	return CLI_OK;
}
