/*
 * measure.c: run a command N times and print its best and median wall
 * time and its peak resident memory, for the benchmarks.
 *
 *	measure N command [arg ...]
 *
 * Prints "best_ms median_ms peak_kb" on stdout.  The command's stdin is
 * reopened from the file named by $MEASURE_STDIN for each run when that is
 * set; its stdout goes to /dev/null.  A run that fails ends the benchmark.
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char *argv[])
{
	const char *in = getenv("MEASURE_STDIN");
	double *ms;
	long peak = 0;
	int i, n;

	if (argc < 3 || (n = atoi(argv[1])) < 1)
		errx(64, "usage: measure N command [arg ...]");
	ms = calloc((size_t)n, sizeof *ms);
	if (!ms)
		err(75, "calloc");
	for (i = 0; i < n; i++) {
		struct timespec t0, t1;
		struct rusage ru;
		int status;
		pid_t pid;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((pid = fork()) < 0)
			err(71, "fork");
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);

			dup2(fd, 1);
			if (in && (fd = open(in, O_RDONLY)) >= 0)
				dup2(fd, 0);
			execvp(argv[2], argv + 2);
			err(127, "%s", argv[2]);
		}
		if (wait4(pid, &status, 0, &ru) < 0)
			err(71, "wait4");
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			errx(1, "%s failed (status %d)", argv[2], status);
		ms[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		if (ru.ru_maxrss > peak)
			peak = ru.ru_maxrss;
	}
	qsort(ms, (size_t)n, sizeof *ms, cmp);
	printf("%.3f %.3f %ld\n", ms[0], ms[n / 2], peak);
	free(ms);
	return 0;
}
